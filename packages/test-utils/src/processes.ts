import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');

export interface AppProcess {
  name: string;
  child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves when a line of output matches. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed by a signal). */
  stop(graceMs?: number): Promise<number | null>;
  kill9(): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartAppOptions {
  env: Record<string, string | undefined>;
  /** Output that means "ready" (default: the app's start line). */
  ready?: RegExp;
  readyTimeoutMs?: number;
  /** Do not wait for readiness (for start-up failure tests). */
  noWait?: boolean;
}

/**
 * The node flags of an app's `start` script (`node [flags] dist/main.js`), so that tests and the benchmark run an
 * app as `pnpm start`, the checks and the image's CMD do.
 */
export function appNodeFlags(name: string): string[] {
  const file = path.join(repoRoot, 'apps', name, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { scripts?: { start?: string } };
  const words = (pkg.scripts?.start ?? '').trim().split(/\s+/);
  if (words[0] !== 'node' || words[words.length - 1] !== 'dist/main.js')
    throw new Error(`${file}: the start script must be "node [flags] dist/main.js"`);
  return words.slice(1, -1);
}

/** Starts a built app (`apps/<name>/dist/main.js`) as a child process with the given environment. */
export async function startApp(name: string, opts: StartAppOptions): Promise<AppProcess> {
  const entry = path.join(repoRoot, 'apps', name, 'dist', 'main.js');
  return startNodeProcess(name, entry, [], opts, appNodeFlags(name));
}

export async function startNodeProcess(
  name: string,
  entry: string,
  args: string[],
  opts: StartAppOptions,
  nodeFlags: string[] = [],
): Promise<AppProcess> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_FORMAT: 'json',
    ...opts.env,
  };
  const child = spawn(process.execPath, [...nodeFlags, entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let ended = false;
  // Lines written to the end (a line still being written could match a pattern and then not parse).
  const lines = (): string[] => (ended ? out : out.slice(0, out.lastIndexOf('\n') + 1)).split('\n');
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onData = (buf: Buffer) => {
    out += buf.toString();
    for (const w of [...waiters]) {
      const m = lines().find((l) => w.pattern.test(l));
      if (m !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = true;
      resolve({ code, signal });
    }),
  );

  const proc: AppProcess = {
    name,
    child,
    exited,
    output: () => out,
    waitForOutput(pattern, timeoutMs = 20_000) {
      const found = lines().find((l) => pattern.test(l));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`${name}: no output matching ${pattern} within ${timeoutMs} ms. Output:\n${out.slice(-3000)}`),
            ),
          timeoutMs,
        );
        const done = (line: string) => {
          clearTimeout(timer);
          resolve(line);
        };
        waiters.push({ pattern, resolve: done });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(
            new Error(
              `${name} exited (code ${code}, signal ${signal}) before output matching ${pattern}. Output:\n${out.slice(-3000)}`,
            ),
          );
        });
      });
    },
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  if (!opts.noWait) {
    try {
      await proc.waitForOutput(opts.ready ?? /"message":"started"|\bstarted\b/, opts.readyTimeoutMs ?? 30_000);
    } catch (err) {
      // The caller never gets a process that did not become ready, so it could not stop it: stop it here.
      await proc.kill9();
      throw err;
    }
  }
  return proc;
}
