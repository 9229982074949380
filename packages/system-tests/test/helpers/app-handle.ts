import fs from 'node:fs';
import { startApp, type AppProcess } from '@ms1/test-utils';

export type AppName = 'ingest-api' | 'processor-worker' | 'ms4-sender';
export const APP_NAMES: readonly AppName[] = ['ingest-api', 'processor-worker', 'ms4-sender'];

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One app as a child process (`node apps/<name>/dist/main.js`) that a test can kill, stop and start again with the
 * same environment (same ports, so its URLs stay valid). Keeps the output of every run for the failure report.
 */
export class AppHandle {
  private current: AppProcess | null = null;
  private readonly runs: AppProcess[] = [];

  constructor(
    readonly name: AppName,
    private readonly env: Record<string, string | undefined>,
    /** `/health` of this app: ingest-api's HTTP port, the workers' side port. */
    readonly healthUrl: string,
  ) {}

  async start(): Promise<void> {
    if (this.current && this.isRunning()) throw new Error(`${this.name} is already running`);
    const proc = await startApp(this.name, { env: this.env, readyTimeoutMs: 90_000 });
    this.current = proc;
    this.runs.push(proc);
  }

  isRunning(): boolean {
    const c = this.current?.child;
    return !!c && c.exitCode === null && c.signalCode === null;
  }

  get pid(): number {
    const pid = this.current?.child.pid;
    if (!pid || !this.isRunning()) throw new Error(`${this.name} is not running`);
    return pid;
  }

  /** Resident memory of the running process in MB (`VmRSS` of /proc/PID/status). */
  rssMb(): number {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    if (!kb) throw new Error(`no VmRSS for ${this.name}`);
    return Number(kb) / 1024;
  }

  /** kill -9: no shutdown code runs. Resolves once the process is gone. */
  async kill9(): Promise<void> {
    await this.current?.kill9();
  }

  /** Sends SIGTERM and nothing else; resolves with how the process ended (it must end by itself). */
  async terminate(): Promise<Exit> {
    const proc = this.current;
    if (!proc || !this.isRunning()) throw new Error(`${this.name} is not running`);
    proc.child.kill('SIGTERM');
    return proc.exited;
  }

  /** Teardown: SIGKILL whatever still runs (the test is over; nothing to drain). */
  async stop(): Promise<void> {
    if (this.isRunning()) await this.kill9();
  }

  /** The last `chars` of every run's output, for a failure report. */
  logTail(chars = 4000): string {
    return this.runs
      .map((r, i) => `--- ${this.name} run ${i + 1} (pid ${r.child.pid}) ---\n${r.output().slice(-chars)}`)
      .join('\n');
  }

  /** Every line any run of this app wrote. */
  output(): string {
    return this.runs.map((r) => r.output()).join('\n');
  }
}
