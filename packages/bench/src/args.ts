import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '@ms1/test-utils';

export interface CommonOptions {
  emails: number;
  mailboxes: number;
  processors: number;
  processorConcurrency: number;
  randomSeed: number;
  timeoutSeconds: number | undefined;
  logLevel: string;
  /** `--cpu-prof DIR`: each app process writes V8 CPU profiles under DIR/<app name>/ (absolute path). */
  cpuProfDir: string | undefined;
}

const common = {
  mailboxes: { type: 'string' },
  processors: { type: 'string' },
  'processor-concurrency': { type: 'string' },
  'random-seed': { type: 'string' },
  'timeout-seconds': { type: 'string' },
  'log-level': { type: 'string' },
  'cpu-prof': { type: 'string' },
  help: { type: 'boolean' },
} as const;

/**
 * An integer flag of at least `min`, written in digits only: `Number()` would also take "1e3", " 5" or "0x10".
 * Throws `UsageError` naming the flag.
 */
export function intFlag(name: string, raw: string | undefined, dflt: number, min: number): number {
  if (raw === undefined) return dflt;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name}: an integer >= ${min} expected (got ${raw})`);
  return n;
}

/** The apps announce readiness with an info line, so only info and debug can be used. */
function logLevel(raw: string | undefined): string {
  if (raw === undefined) return 'info';
  if (raw !== 'info' && raw !== 'debug')
    throw new UsageError(`--log-level: info or debug (the apps' "started" line is logged at info; got ${raw})`);
  return raw;
}

/** Relative to the repository root, like `--out`. */
function cpuProfDir(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw === '') throw new UsageError('--cpu-prof: a directory expected');
  return path.resolve(repoRoot, raw);
}

export class UsageError extends Error {}

/** What a command runs when not told otherwise. */
export interface CommandDefaults {
  /** E-mails seeded (`--invoices` of the bench, `--emails` of the demo). */
  count: number;
  processors: number;
}

/** Parses `argv` (a bare `--` from `pnpm bench -- ...` is ignored); `countFlag` is `invoices` (bench) or `emails` (demo). */
export function parseCommon<E extends Record<string, { type: 'string' | 'boolean' }>>(
  argv: string[],
  countFlag: 'invoices' | 'emails',
  defaults: CommandDefaults,
  extra: E,
) {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: { ...common, [countFlag]: { type: 'string' }, ...extra },
    strict: true,
    allowPositionals: false,
  });
  const v = values as Record<string, string | boolean | undefined>;
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? v[k] : undefined);
  const timeout = str('timeout-seconds');
  const opts: CommonOptions = {
    emails: intFlag(countFlag, str(countFlag), defaults.count, 1),
    mailboxes: intFlag('mailboxes', str('mailboxes'), 2, 1),
    processors: intFlag('processors', str('processors'), defaults.processors, 1),
    processorConcurrency: intFlag('processor-concurrency', str('processor-concurrency'), 8, 1),
    randomSeed: intFlag('random-seed', str('random-seed'), 2026, 0),
    timeoutSeconds: timeout === undefined ? undefined : intFlag('timeout-seconds', timeout, 0, 1),
    logLevel: logLevel(str('log-level')),
    cpuProfDir: cpuProfDir(str('cpu-prof')),
  };
  return { opts, help: v.help === true, values: v, str };
}

/**
 * Parses a command's arguments, or prints the usage and exits 2 on a bad one; null means `--help` was asked
 * (usage printed).
 */
export function parseOrExit<E extends Record<string, { type: 'string' | 'boolean' }>>(
  argv: string[],
  countFlag: 'invoices' | 'emails',
  defaults: CommandDefaults,
  extra: E,
  usage: string,
) {
  let parsed;
  try {
    parsed = parseCommon(argv, countFlag, defaults, extra);
  } catch (err) {
    if (err instanceof UsageError || err instanceof TypeError) {
      process.stderr.write(`${err.message}\n${usage}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (parsed.help) {
    process.stderr.write(`${usage}\n`);
    return null;
  }
  return parsed;
}
