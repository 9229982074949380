// Command-line arguments of `pnpm sim:s3` -> start options. Kept apart from cli.ts so that tests can call it.
import type { S3SimOptions } from './server';

export const USAGE = `Usage: pnpm sim:s3 -- [options]
  --port N                  port to listen on (default 0: a free port)
  --host H                  address to bind (default 127.0.0.1)
  --bucket B                bucket to create (default ms1-attachments)
  --region R                region clients sign for (default us-east-1)
  --dir D                   keep objects in folder D (default: a temporary folder, deleted on exit)
  --access-key-id K         accepted access key id (default: random)
  --secret-access-key S     its secret (default: random)
Prints one JSON line {"endpoint","region","bucket","accessKeyId","secretAccessKey"} on stdout once the bucket
exists, then serves until SIGTERM or SIGINT. Clients use path-style addressing (S3_FORCE_PATH_STYLE=true).`;

type Setter = (o: S3SimOptions, value: string, flag: string) => void;

const FLAGS: Record<string, Setter> = {
  '--port': (o, v, f) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535)
      throw new Error(`${f}: expected a port number, got ${JSON.stringify(v)}`);
    o.port = n;
  },
  '--host': (o, v) => {
    o.host = v;
  },
  '--bucket': (o, v, f) => {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v)) throw new Error(`${f}: not a valid S3 bucket name: ${v}`);
    o.bucket = v;
  },
  '--region': (o, v) => {
    o.region = v;
  },
  '--dir': (o, v) => {
    o.directory = v;
  },
  '--access-key-id': (o, v) => {
    o.accessKeyId = v;
  },
  '--secret-access-key': (o, v) => {
    o.secretAccessKey = v;
  },
};

/** Parses argv (without node and the script). A bare `--` (as pnpm may pass it) is ignored. Throws on errors. */
export function parseArgs(argv: readonly string[]): { help: true } | { help: false; options: S3SimOptions } {
  const options: S3SimOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue;
    if (arg === '--help' || arg === '-h') return { help: true };
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = flag === arg ? undefined : arg.slice(eq + 1);
    const set = FLAGS[flag];
    if (!set) throw new Error(`unknown option ${JSON.stringify(arg)}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag}: a value is required`);
    set(options, value, flag);
  }
  if ((options.accessKeyId === undefined) !== (options.secretAccessKey === undefined))
    throw new Error('--access-key-id and --secret-access-key go together');
  return { help: false, options };
}
