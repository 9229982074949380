import { bootstrap, errorMessage } from '@ms1/shared';
import { RulesFileError } from './rules/rule-file';
import { onlyFlags, parseArgs, UsageError, type ParsedArgs } from './cli/args';
import { openCliContext, type CliContext } from './cli/context';
import { pollOnce, pollOnceExitCode } from './cli/poll-once';
import { sessionStart, sessionStop } from './cli/session-commands';
import { USAGE } from './cli/usage';

// The operator's command line, on the same stores and the same session controller as the API (see USAGE).
const VALUED = new Set(['mode', 'interval', 'mailboxes', 'reason', 'mailbox', 'timeout']);
const DEFAULT_POLL_TIMEOUT_S = 600;

type Command = (ctx: CliContext, args: ParsedArgs) => Promise<{ out: unknown; code?: number }>;

const commands: Record<string, { flags: string[]; run: Command }> = {
  'session info': {
    flags: [],
    run: async (ctx) => ({ out: { current: await ctx.sessions.current(), history: await ctx.sessions.history(5) } }),
  },
  'session start': {
    flags: ['mode', 'interval', 'no-webhook', 'mailboxes'],
    run: async (ctx, args) => ({ out: await sessionStart(ctx, args) }),
  },
  'session stop': { flags: ['reason'], run: async (ctx, args) => ({ out: await sessionStop(ctx, args) }) },
  'session clear': { flags: [], run: async (ctx) => ({ out: { cleared: await ctx.control.clear() } }) },
  'session reset': {
    flags: [],
    run: async (ctx) => {
      await ctx.control.reset();
      return { out: { reset: true } };
    },
  },
  'dlq list': {
    flags: [],
    run: async (ctx, args) => ({ out: await ctx.deadLetters.list(0, Number(args.words[2] ?? 100) - 1) }),
  },
  'dlq replay': {
    flags: [],
    run: async (ctx, args) => {
      const id = args.words[2];
      if (!id) throw new UsageError('dlq replay needs an id or --all');
      return { out: id === '--all' ? await ctx.deadLetters.replayAll() : await ctx.deadLetters.replay(id) };
    },
  },
  'poll-once': {
    flags: ['mailbox', 'timeout'],
    run: async (ctx, args) => {
      const timeout = args.flags.get('timeout');
      const summary = await pollOnce(ctx, {
        mailbox: typeof args.flags.get('mailbox') === 'string' ? String(args.flags.get('mailbox')) : undefined,
        timeoutMs: (timeout === undefined ? DEFAULT_POLL_TIMEOUT_S : Number(timeout)) * 1000,
      });
      return { out: summary, code: pollOnceExitCode(summary) };
    },
  },
};

function commandOf(args: ParsedArgs): string | null {
  const [group, action] = args.words;
  if (group === undefined) return null;
  if (commands[group]) return group;
  return action !== undefined && commands[`${group} ${action}`] ? `${group} ${action}` : null;
}

async function main(argv: string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, VALUED);
  } catch (err) {
    process.stderr.write(`ms1: ${errorMessage(err)}\n${USAGE}\n`);
    return 2;
  }
  if (args.flags.has('help') || args.words[0] === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const name = commandOf(args);
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`ms1: unknown command "${args.words.join(' ')}"\n${USAGE}\n`);
    return 2;
  }
  const timeout = args.flags.get('timeout');
  try {
    onlyFlags(args, command.flags);
    if (timeout !== undefined && !(Number(timeout) > 0)) throw new UsageError('--timeout must be a number of seconds');
  } catch (err) {
    process.stderr.write(`ms1: ${errorMessage(err)}\n${USAGE}\n`);
    return 2;
  }
  // stdout carries the command's JSON answer; log lines go to stderr.
  const boot = bootstrap('cli', process.env, { logStream: process.stderr });
  if (!boot) return 1;
  let ctx: CliContext;
  try {
    ctx = openCliContext(boot.config, boot.logger);
  } catch (err) {
    if (!(err instanceof RulesFileError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
  try {
    const { out, code } = await command.run(ctx, args);
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return code ?? 0;
  } catch (err) {
    process.stderr.write(`ms1: ${errorMessage(err)}\n`);
    return err instanceof UsageError ? 2 : 1;
  } finally {
    await ctx.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ms1: ${errorMessage(err)}\n`);
    process.exitCode = 1;
  },
);
