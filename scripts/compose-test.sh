#!/usr/bin/env bash
# The compose setup, run for real (README: "Docker compose"): builds the images, starts the demo with two
# processor-workers and two ms4-senders, restarts graph-sim (its CA must stay the one the apps trust), starts a
# session through the control API, kills one processor-worker replica while it holds jobs and brings it back, and
# waits until ms4-sim holds every invoice graph-sim's seed tally expects (the killed replica's jobs taken over). Then: every container healthy, no secret
# value in any log, the CLI in a container sees the same session, and production (NODE_ENV=production) never sees
# the demo's values; everything is removed (`down -v`) on the way out.
# Skipped, with one line saying so, where Docker cannot run. Usage: bash scripts/compose-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! docker info >/dev/null 2>&1; then
  echo "compose-test: SKIPPED: Docker cannot run here (docker info fails); the compose setup was not tested"
  exit 0
fi
if ! docker compose version >/dev/null 2>&1; then
  echo "compose-test: Docker runs but compose v2 (docker compose) is missing" >&2
  exit 1
fi
if [ -e .env ]; then
  echo "compose-test: .env is present; the demo runs without one (move it aside, e.g. mv .env .env.production)" >&2
  exit 1
fi

started=$SECONDS
log() { echo "compose-test [$((SECONDS - started))s]: $*"; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# One value out of a JSON document on stdin, by a Python expression over `d`.
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

# Its own project, images tag and host ports: a demo or production stack on this machine is left alone.
export COMPOSE_PROJECT_NAME=ms1-compose-test
export MS1_IMAGE_TAG=compose-test
PORT=$(free_port)
MS4_SIM_PORT=$(free_port)
GRAPH_SIM_PORT=$(free_port)
export PORT MS4_SIM_PORT GRAPH_SIM_PORT
API=http://127.0.0.1:$PORT
MS4=http://127.0.0.1:$MS4_SIM_PORT
SCALE=(--scale processor-worker=2 --scale ms4-sender=2)
WORK=$(mktemp -d)

compose() { docker compose --profile demo "$@"; }

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    echo "compose-test: FAILED (exit $status); state and the last log lines:" >&2
    compose ps -a >&2 || true
    compose logs --no-color --tail 40 >&2 || true
  fi
  timeout 120 docker compose --profile demo down -v --remove-orphans >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A run killed before its cleanup leaves its project behind: start from nothing.
timeout 120 docker compose --profile demo down -v --remove-orphans >/dev/null 2>&1 || true

log "build"
build_started=$SECONDS
timeout 900 docker compose --profile demo build --quiet
log "images built in $((SECONDS - build_started))s"

log "up --wait: the demo, ${SCALE[*]}"
up_started=$SECONDS
timeout 300 docker compose --profile demo up -d --wait "${SCALE[@]}" >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log" >&2; exit 1; }
log "every service healthy $((SECONDS - up_started))s after up"

# The token the README tells users to read from the configuration.
TOKEN=$(compose config --format json | json 'd["services"]["demo-settings"]["environment"]["CONTROL_API_TOKEN"]')
[ -n "$TOKEN" ] || { echo "compose-test: no CONTROL_API_TOKEN in the demo's configuration" >&2; exit 1; }

# graph-sim restarted keeps its CA: the apps read it once at start and must still reach graph-sim afterwards (the
# session below goes through the restarted graph-sim).
compose cp graph-sim:/run/graph-sim-ca/ca.pem "$WORK/ca-before.pem" >/dev/null 2>&1
timeout 60 docker compose --profile demo restart graph-sim >/dev/null 2>&1
timeout 120 docker compose --profile demo up -d --wait "${SCALE[@]}" >/dev/null 2>&1
compose cp graph-sim:/run/graph-sim-ca/ca.pem "$WORK/ca.pem" >/dev/null 2>&1
cmp -s "$WORK/ca-before.pem" "$WORK/ca.pem" || { echo "compose-test: graph-sim made a new CA at restart" >&2; exit 1; }
log "graph-sim restarted with the same CA"

# What graph-sim seeded (its tally, over TLS with that CA) and what MS1 therefore owes ms4-sim.
TALLY=$(curl -fsS --cacert "$WORK/ca.pem" "https://127.0.0.1:$GRAPH_SIM_PORT/_sim/seed")
EMAILS=$(echo "$TALLY" | json 'd["emails"]')
EXPECTED=$(echo "$TALLY" | json 'd["expectedInvoices"]')
[ "$EXPECTED" -gt 0 ] || { echo "compose-test: graph-sim seeded no invoice: $TALLY" >&2; exit 1; }
log "graph-sim seeded $EMAILS e-mails with $EXPECTED invoices"

ms4_invoices() { curl -fsS "$MS4/_sim/stats" | json 'd["uniqueKeys"]'; }
# Waits (at most $2 seconds) until ms4-sim holds at least $1 distinct invoices; prints the count.
wait_for_invoices() {
  local want=$1 deadline=$((SECONDS + $2)) have
  while :; do
    have=$(ms4_invoices)
    if [ "$have" -ge "$want" ]; then echo "$have"; return 0; fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "compose-test: ms4-sim holds $have of $want invoices after $2 s" >&2
      return 1
    fi
    sleep 1
  done
}

log "session start through the control API"
curl -fsS -X POST -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' "$API/session/start" \
  -d '{"polling_mode":"manual","enable_webhook":false}' | json 'd["status"]' | grep -qx active

# One processor-worker replica killed while it holds jobs. A replica runs at most PROCESSOR_CONCURRENCY (8) jobs at
# once, so with more than 8 active and more waiting, both replicas hold some, whichever is killed. Its jobs stay
# locked until WORKER_LOCK_DURATION_MS runs out; then the other replica takes them over (BullMQ counts it in each
# job's `stc` field).
redis_cli() { docker compose --profile demo exec -T redis redis-cli "$@"; }
# E-mail jobs wait in the wait list or, carrying their page's rank as a priority (fair mailboxes), in the
# prioritized set.
waiting() { echo $(($(redis_cli LLEN '{ms1}:email-inbound:wait') + $(redis_cli ZCARD '{ms1}:email-inbound:prioritized'))); }
# On a busy machine the processors may never hold that many at once (the sync feeds them no faster than they read):
# then the kill comes after 15 s all the same, mid-run. The victim is looked up first, so the kill follows the count.
# No `| head`: under pipefail, docker exits 255 when compose is killed by the SIGPIPE of a reader that stopped early.
victims=$(compose ps -q processor-worker)
victim=${victims%%$'\n'*}
deadline=$((SECONDS + 15))
until [ "$(redis_cli LLEN '{ms1}:email-inbound:active')" -gt 8 ] && [ "$(waiting)" -gt 8 ]; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    log "never more than 8 e-mails in work at once with more waiting: killing a replica anyway, mid-run"
    break
  fi
  sleep 0.2
done
docker kill "$victim" >/dev/null
# What the dead replica held stays in the active list until its locks run out, and the other replica holds at most
# 8: more than 8 active now proves the dead one held jobs, which must then be taken over. The count before the kill
# cannot prove it (both replicas may finish and find the wait list empty between the count and the kill); with 8
# or fewer, only the delivery of every invoice is asserted.
held_at_kill=$(redis_cli LLEN '{ms1}:email-inbound:active')
victim_held=0
[ "$held_at_kill" -gt 8 ] && victim_held=1
at_kill=$(ms4_invoices)
log "killed processor-worker $(docker inspect -f '{{.Name}}' "$victim") with $at_kill of $EXPECTED invoices at ms4-sim, $held_at_kill e-mails active right after"
[ "$at_kill" -lt "$EXPECTED" ] || { echo "compose-test: the run was over before the kill" >&2; exit 1; }
timeout 120 docker compose --profile demo up -d --wait "${SCALE[@]}" >/dev/null 2>&1
log "the killed replica is back: $(docker inspect -f '{{.State.Health.Status}}' "$victim")"

delivered=$(wait_for_invoices "$EXPECTED" 300)
STATS=$(curl -fsS "$MS4/_sim/stats")
log "ms4-sim holds $delivered of $EXPECTED invoices ($(echo "$STATS" | json 'd["itemsReceived"]') items received, $(echo "$STATS" | json 'd["duplicates"]') repeats)"
[ "$delivered" -eq "$EXPECTED" ] || { echo "compose-test: ms4-sim holds $delivered invoices, $EXPECTED expected" >&2; exit 1; }
[ "$(echo "$STATS" | json 'd["rejectedItems"]')" -eq 0 ] || { echo "compose-test: ms4-sim rejected items: $STATS" >&2; exit 1; }
# The e-mails the killed replica held, finished by the other one.
taken_over=$(docker compose --profile demo exec -T redis sh -c \
  "redis-cli --scan --pattern '{ms1}:email-inbound:*' | sed 's/^/HGET /; s/\$/ stc/' | redis-cli 2>/dev/null | grep -c '^[1-9]'" || true)
if [ "$victim_held" = 1 ]; then
  [ "${taken_over:-0}" -gt 0 ] || { echo "compose-test: no job was taken over from the killed replica" >&2; exit 1; }
else
  log "the killed replica held no job provably (8 or fewer active right after the kill): takeover not asserted"
fi
log "$taken_over e-mails taken over from the killed replica"

# The operator's command line, in a container of the ingest-api image, on the same Redis.
forwarded=$(timeout 120 docker compose --profile demo run --rm --no-deps ingest-api node dist/cli.js session info 2>/dev/null \
  | json 'd["current"]["counters"]["forwarded"]')
[ "$forwarded" -ge "$EXPECTED" ] || { echo "compose-test: the CLI reports $forwarded forwarded" >&2; exit 1; }
log "the CLI (docker compose run ingest-api node dist/cli.js session info) reports $forwarded forwarded"

# Every container healthy (demo-settings is a one-shot: exited 0), the scale as asked.
unhealthy=0
for id in $(compose ps -a -q); do
  read -r name service state health exit_code < <(docker inspect -f \
    '{{.Name}} {{index .Config.Labels "com.docker.compose.service"}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}}' "$id")
  if [ "$service" = demo-settings ]; then
    [ "$state" = exited ] && [ "$exit_code" = 0 ] && continue
  elif [ "$state" = running ] && [ "$health" = healthy ]; then
    continue
  fi
  echo "compose-test: $name is $state/$health (exit $exit_code)" >&2
  unhealthy=$((unhealthy + 1))
done
[ "$unhealthy" -eq 0 ] || exit 1
[ "$(compose ps -q processor-worker | wc -l)" -eq 2 ] && [ "$(compose ps -q ms4-sender | wc -l)" -eq 2 ] \
  || { echo "compose-test: not scaled as asked" >&2; exit 1; }
log "every container healthy: $(compose ps -q | wc -l) running"

# Production never sees the demo's values, even next to the demo's volume: with NODE_ENV=production (as .env sets
# it) the entrypoint leaves them out, and ingest-api refuses to start without its secrets, naming them.
view=$(timeout 120 docker compose --profile demo run --rm --no-deps -e NODE_ENV=production ingest-api \
  node -e 'console.log(process.env.NODE_ENV, process.env.CONTROL_API_TOKEN ? "token-set" : "token-unset")' 2>/dev/null)
[ "$view" = "production token-unset" ] || { echo "compose-test: production saw the demo's settings ($view)" >&2; exit 1; }
if refusal=$(timeout 120 docker compose --profile demo run --rm --no-deps -e NODE_ENV=production ingest-api 2>&1); then
  echo "compose-test: ingest-api started in production without its secrets" >&2
  exit 1
fi
grep -q 'CONTROL_API_TOKEN is required in production' <<<"$refusal" \
  || { echo "compose-test: production refused without naming the secret: $refusal" >&2; exit 1; }
log "with NODE_ENV=production the demo's values stay out and ingest-api refuses to start without its secrets"

# No secret value in any log line (the demo's secrets, read from the configuration as above).
compose logs --no-color >"$WORK/logs.txt" 2>&1
[ -s "$WORK/logs.txt" ] || { echo "compose-test: no logs to check" >&2; exit 1; }
compose config --format json | python3 -c '
import json, sys
env = json.load(sys.stdin)["services"]["demo-settings"]["environment"]
for name in ("CONTROL_API_TOKEN", "CLIENT_SECRET", "WEBHOOK_CLIENT_STATE", "MS4_API_TOKEN", "TOKEN_CACHE_KEY"):
    print(env[name])' >"$WORK/secrets.txt"
[ "$(wc -l <"$WORK/secrets.txt")" -eq 5 ] || { echo "compose-test: could not read the demo's secrets" >&2; exit 1; }
if grep -F -f "$WORK/secrets.txt" "$WORK/logs.txt" >"$WORK/leaks.txt"; then
  echo "compose-test: secret values in the logs:" >&2
  head -n 5 "$WORK/leaks.txt" >&2
  exit 1
fi
log "$(wc -l <"$WORK/logs.txt") log lines, none with a secret value"

# The processor's image ships the reader threads' sample invoices: each start of it (two replicas and the killed
# one's restart, at least) logged every thread warm, every sample read, before taking work.
compose logs --no-color processor-worker >"$WORK/processor-logs.txt" 2>&1
# The demo logs in the readable format (`INFO  [processor-worker] started {...}`); JSON is matched too.
starts=$(grep -cE '("message":"started"|\] started( |$))' "$WORK/processor-logs.txt" || true)
warm_starts=$(grep -cE '("message":"reader threads warm"|\] reader threads warm( |$))' "$WORK/processor-logs.txt" || true)
if [ "$starts" -lt 3 ] || [ "$warm_starts" -ne "$starts" ]; then
  echo "compose-test: $starts processor-worker starts, $warm_starts of them with their reader threads warm:" >&2
  grep 'reader threads' "$WORK/processor-logs.txt" | head -n 5 >&2
  exit 1
fi
log "processor-worker started $starts times, its reader threads warm each time (every sample invoice read)"

log "PASSED: $delivered of $EXPECTED invoices delivered with a processor-worker killed mid-run (total $((SECONDS - started))s)"
