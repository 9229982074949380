import type { Logger } from './logging/logger';

/** Steps run phase by phase: stop intake, drain workers, close queues, then connections. */
export type ShutdownPhase = 'intake' | 'workers' | 'queues' | 'connections';
const PHASES: readonly ShutdownPhase[] = ['intake', 'workers', 'queues', 'connections'];

type Closer = { name: string; close: () => Promise<unknown> | unknown; phase: ShutdownPhase; timeoutMs?: number };

/**
 * Ordered, bounded shutdown. Closers run phase by phase (in registration order within a phase), each
 * in its own try/catch and under its own timer, so one stuck step (a worker waiting on a dead Redis) cannot keep
 * the others from running. `shutdown()` is safe to call twice: the second call returns the first promise.
 */
export class Shutdown {
  private readonly closers: Closer[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly defaultTimeoutMs = 10_000,
  ) {}

  add(name: string, close: Closer['close'], opts: { phase?: ShutdownPhase; timeoutMs?: number } = {}): this {
    this.closers.push({ name, close, phase: opts.phase ?? 'workers', timeoutMs: opts.timeoutMs });
    return this;
  }

  get started(): boolean {
    return this.running !== null;
  }

  shutdown(reason = 'shutdown'): Promise<void> {
    this.running ??= this.run(reason);
    return this.running;
  }

  /** Wires SIGTERM and SIGINT to `shutdown`; sets the exit code and lets the process end once everything is closed. */
  installSignalHandlers(onDone?: () => void): void {
    const handler = (signal: NodeJS.Signals) => {
      if (this.started) {
        this.logger.warn(`${signal} again during shutdown; still closing`);
        return;
      }
      this.logger.info(`${signal} received, shutting down`);
      void this.shutdown(signal).then(() => {
        process.exitCode ??= 0;
        onDone?.();
        // Everything is closed; a stray timer or socket must not keep the process alive.
        setTimeout(() => process.exit(), 500).unref();
      });
    };
    process.once('SIGTERM', handler);
    process.once('SIGINT', handler);
  }

  private async run(reason: string): Promise<void> {
    const t0 = Date.now();
    const ordered = PHASES.flatMap((phase) => this.closers.filter((c) => c.phase === phase));
    for (const c of ordered) {
      const limit = c.timeoutMs ?? this.defaultTimeoutMs;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(c.close),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`did not close within ${limit} ms`)), limit);
          }),
        ]);
      } catch (err) {
        this.logger.warn(`shutdown step "${c.name}" failed`, { err });
      } finally {
        clearTimeout(timer);
      }
    }
    this.logger.info('shutdown complete', { reason, ms: Date.now() - t0 });
  }
}
