// Command-line arguments of `pnpm sim:ms4` -> start options. Kept apart from cli.ts so that tests can call it.
import type { Ms4SimOptions } from './server';

export const USAGE = `Usage: pnpm sim:ms4 -- [options]
  --port N                  port to listen on (default 0: a free port)
  --host H                  address to bind (default 127.0.0.1)
  --api-token T             require Authorization: Bearer T on /batch-metadata
  --max-items N             answer 413 to batches of more than N items
  --max-bytes N             answer 413 to bodies of more than N bytes (default 20 MiB)
  --allow-unknown-fields    accept fields the MS4 contract does not name
  --error-rate R            share (0..1) of requests answered --error-status (default 503)
  --error-status S          5xx status of injected errors
  --partial-rate R          share (0..1) of batches answered 207 with some items failed
  --partial-item-share R    share of a partial batch's items that fail (default 0.5)
  --rate-limit R            share (0..1) of requests answered 429
  --retry-after S           Retry-After seconds of those 429s (default 1)
  --latency-ms N            fixed delay before each answer
  --jitter-ms N             extra uniform random delay (0..N ms)
  --outage-ms N             answer 503 to every request for N ms ...
  --outage-starts-in-ms N   ... starting N ms after start (default 0)
  --random-seed N           seed of the random fault draws (replayable runs)
Prints one JSON line {"baseUrl","adminUrl"} on stdout, then serves until SIGTERM or SIGINT.`;

type Setter = (o: Ms4SimOptions, value: string, flag: string) => void;

function num(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new Error(`${flag}: expected a number, got ${JSON.stringify(value)}`);
  return n;
}

const FLAGS: Record<string, Setter> = {
  '--port': (o, v, f) => {
    o.port = num(f, v);
  },
  '--host': (o, v) => {
    o.host = v;
  },
  '--api-token': (o, v) => {
    o.apiToken = v;
  },
  '--max-items': (o, v, f) => {
    o.maxItems = num(f, v);
  },
  '--max-bytes': (o, v, f) => {
    o.maxBytes = num(f, v);
  },
  '--error-rate': (o, v, f) => {
    o.errorRate = num(f, v);
  },
  '--error-status': (o, v, f) => {
    o.errorStatus = num(f, v);
  },
  '--partial-rate': (o, v, f) => {
    o.partialFailureRate = num(f, v);
  },
  '--partial-item-share': (o, v, f) => {
    o.partialItemShare = num(f, v);
  },
  '--rate-limit': (o, v, f) => {
    o.rateLimit = { retryAfterSeconds: 1, ...o.rateLimit, rate: num(f, v) };
  },
  '--retry-after': (o, v, f) => {
    o.rateLimit = { rate: 0, ...o.rateLimit, retryAfterSeconds: num(f, v) };
  },
  '--latency-ms': (o, v, f) => {
    o.latency = { jitterMs: 0, ...o.latency, fixedMs: num(f, v) };
  },
  '--jitter-ms': (o, v, f) => {
    o.latency = { fixedMs: 0, ...o.latency, jitterMs: num(f, v) };
  },
  '--outage-ms': (o, v, f) => {
    o.outage = { startsInMs: 0, ...o.outage, durationMs: num(f, v) };
  },
  '--outage-starts-in-ms': (o, v, f) => {
    o.outage = { durationMs: 0, ...o.outage, startsInMs: num(f, v) };
  },
  '--random-seed': (o, v, f) => {
    o.randomSeed = num(f, v);
  },
};
const SWITCHES: Record<string, (o: Ms4SimOptions) => void> = {
  '--allow-unknown-fields': (o) => {
    o.allowUnknownFields = true;
  },
};

/** Parses argv (without node and the script). A bare `--` (as pnpm may pass it) is ignored. Throws on errors. */
export function parseArgs(argv: readonly string[]): { help: true } | { help: false; options: Ms4SimOptions } {
  const options: Ms4SimOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue;
    if (arg === '--help' || arg === '-h') return { help: true };
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = flag === arg ? undefined : arg.slice(eq + 1);
    const sw = SWITCHES[flag];
    if (sw && inline === undefined) {
      sw(options);
      continue;
    }
    const set = FLAGS[flag];
    if (!set) throw new Error(`unknown option ${JSON.stringify(arg)}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag}: a value is required`);
    set(options, value, flag);
  }
  return { help: false, options };
}
