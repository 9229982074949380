import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { trustCa } from './trust-ca';

const PKG = join(__dirname, '..', '..');
const ROOT = join(PKG, '..', '..');

/** graph-sim started from its command line, as scripts and the benchmark start it. */
export interface ChildSim {
  child: ChildProcess;
  pid: number;
  graphBaseUrl: string;
  authorityHost: string;
  adminUrl: string;
  caFile: string;
  stop(): Promise<void>;
}

export function buildGraphSim(): void {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  const r = spawnSync(process.execPath, [tsc, '--build', join(PKG, 'tsconfig.json')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
}

export async function startChildSim(args: string[]): Promise<ChildSim> {
  const child = spawn(process.execPath, [join(PKG, 'dist', 'cli.js'), '--', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`graph-sim exited ${code}`)));
  });
  const info = JSON.parse(first) as { graphBaseUrl: string; authorityHost: string; adminUrl: string; caFile: string };
  trustCa(readFileSync(info.caFile, 'utf8'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    pid: child.pid ?? 0,
    ...info,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Starts a new peak: the process's VmHWM becomes its current RSS (Linux clear_refs, value 5). */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Resident and peak resident memory of a process, in bytes (Linux /proc). */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}
