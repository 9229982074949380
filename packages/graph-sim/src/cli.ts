import { startGraphSim } from './index';
import { NO_LATENCY, REAL_LATENCY } from './throttle/latency';
import type { GraphSimOptions, LatencyConfig } from './options';

const USAGE =
  'usage: graph-sim [--port N] [--host H] [--hostname NAME] [--mailboxes a,b] [--seed N] [--random-seed S]\n' +
  '                 [--time-scale X] [--no-throttle] [--latency real|off] [--latency-fixed-ms MS]\n' +
  '                 [--latency-per-kb-ms MS] [--latency-jitter-ms MS] [--ca-dir DIR] [--spool-dir DIR]\n';

function usage(code = 2): never {
  (code === 0 ? process.stdout : process.stderr).write(USAGE);
  process.exit(code);
}

/** --latency-* numbers apply over --latency's mode (real, or off by default), whatever their order. */
function latencyOf(mode: 'real' | 'off' | undefined, numbers: Partial<LatencyConfig>): GraphSimOptions['latency'] {
  if (Object.keys(numbers).length === 0) return mode;
  return { ...(mode === 'real' ? REAL_LATENCY : NO_LATENCY), ...numbers };
}

function parseArgs(argv: string[]): GraphSimOptions {
  const opts: GraphSimOptions = { port: 0 };
  let latencyMode: 'real' | 'off' | undefined;
  const latencyNumbers: Partial<LatencyConfig> = {};
  const args = argv.filter((a) => a !== '--');
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) usage();
      return v;
    };
    const num = (): number => {
      const n = Number(value());
      if (!Number.isFinite(n)) usage();
      return n;
    };
    switch (flag) {
      case '--port':
        opts.port = num();
        break;
      case '--host':
        opts.host = value();
        break;
      case '--hostname':
        opts.hostnames = [...(opts.hostnames ?? []), ...value().split(',').filter(Boolean)];
        break;
      case '--mailboxes':
        opts.mailboxes = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--seed':
        opts.seed = num();
        break;
      case '--random-seed':
        opts.randomSeed = num();
        break;
      case '--time-scale':
        opts.timeScale = num();
        break;
      case '--no-throttle':
        opts.throttle = false;
        break;
      case '--latency': {
        const mode = value();
        if (mode !== 'real' && mode !== 'off') usage();
        latencyMode = mode;
        break;
      }
      case '--latency-fixed-ms':
        latencyNumbers.fixedMs = num();
        break;
      case '--latency-per-kb-ms':
        latencyNumbers.perKbMs = num();
        break;
      case '--latency-jitter-ms':
        latencyNumbers.jitterMs = num();
        break;
      case '--ca-dir':
        opts.caDir = value();
        break;
      case '--spool-dir':
        opts.spoolDir = value();
        break;
      case '--help':
      case '-h':
        usage(0);
        break;
      default:
        process.stderr.write(`graph-sim: unknown argument ${a}\n`);
        usage();
    }
  }
  opts.latency = latencyOf(latencyMode, latencyNumbers);
  return opts;
}

async function main(): Promise<void> {
  const sim = await startGraphSim(parseArgs(process.argv.slice(2)));
  process.stdout.write(
    `${JSON.stringify({ graphBaseUrl: sim.graphBaseUrl, authorityHost: sim.authorityHost, adminUrl: sim.adminUrl, caFile: sim.caFile })}\n`,
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(0), 3_000);
    timer.unref();
    void sim.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`graph-sim: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
