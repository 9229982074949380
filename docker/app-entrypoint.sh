#!/bin/sh
# Entrypoint of the app images (ingest-api, processor-worker, ms4-sender). It only decides NODE_ENV:
# - NODE_ENV set (production's .env sets it): the app starts as configured; the demo's settings are never read.
# - NODE_ENV unset and compose's demo profile has written its settings (the demo-settings service, into the
#   demo-settings volume): they fill the variables that are not set, NODE_ENV is `development` (production refuses
#   the demo's secrets) and graph-sim's CA is trusted.
# - NODE_ENV unset and no demo settings: production.
# Nothing is printed but one line saying which of these it was (never a value).
set -eu

DEMO_SETTINGS=/run/ms1-demo/settings.env
DEMO_CA=/run/graph-sim-ca/ca.pem

if [ -z "${NODE_ENV:-}" ]; then
  if [ -f "$DEMO_SETTINGS" ]; then
    echo "ms1-entrypoint: NODE_ENV unset and the demo profile's settings present: running as the demo (development)" >&2
    while IFS= read -r line || [ -n "$line" ]; do
      name=${line%%=*}
      case "$line" in '' | '#'*) continue ;; esac
      case "$name" in '' | [0-9]* | *[!A-Za-z0-9_]*) continue ;; esac
      # A variable set (and not empty) in the environment wins over the demo's value.
      eval "current=\${$name:-}"
      [ -n "$current" ] || export "$line"
    done <"$DEMO_SETTINGS"
    NODE_ENV=development
    # The demo's apps talk to graph-sim only; Node reads this file once, at start (compose starts the apps after
    # graph-sim is healthy, so the file is there).
    if [ -f "$DEMO_CA" ]; then export NODE_EXTRA_CA_CERTS="$DEMO_CA"; fi
  else
    NODE_ENV=production
  fi
  export NODE_ENV
fi

exec "$@"
