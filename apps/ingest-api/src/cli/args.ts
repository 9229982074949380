/** A command line split into its words and its `--flag value` / `--flag=value` / `--switch` options. */
export interface ParsedArgs {
  words: string[];
  flags: Map<string, string | true>;
}

/** A command line the CLI cannot understand: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Splits argv. `valued` names the flags that take a value (`--mode manual` or `--mode=manual`); any other flag is a
 * switch. A bare `--` (from `pnpm ms1 -- ...`) is ignored.
 */
export function parseArgs(argv: string[], valued: ReadonlySet<string>): ParsedArgs {
  const words: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') continue;
    if (!arg.startsWith('--') || arg === '--all') {
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!valued.has(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '' || (eq === -1 && value.startsWith('--')))
      throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { words, flags };
}

/** Refuses the flags a command does not know. */
export function onlyFlags(args: ParsedArgs, allowed: readonly string[]): void {
  for (const name of args.flags.keys())
    if (name !== 'help' && !allowed.includes(name)) throw new UsageError(`unknown option --${name}`);
}

export function flagText(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function flagNumber(args: ParsedArgs, name: string): number | undefined {
  const v = flagText(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number (got ${v})`);
  return n;
}
