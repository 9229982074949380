import type { Logger } from './logging/logger';

/** Steps run phase by phase: stop intake, drain workers, close queues, then connections. */
export type ShutdownPhase = 'intake' | 'workers' | 'queues' | 'connections';
const PHASES: readonly ShutdownPhase[] = ['intake', 'workers', 'queues', 'connections'];

type Closer = { name: string; close: () => Promise<unknown> | unknown; phase: ShutdownPhase; timeoutMs?: number };

/**
 * Ordered, bounded shutdown. Phases run one after another; the steps of one phase run side by side (a process with
 * two workers drains both at once, not one after the other), each in its own try/catch and under its own timer, so
 * one stuck step (a worker waiting on a dead Redis) cannot keep the others from running. The whole shutdown has a
 * budget (`totalTimeoutMs`): a step never waits past it, and once it is spent the steps left are started without
 * being waited for, so the process ends within the budget, under an orchestrator's grace period (compose: 30 s).
 * `shutdown()` is safe to call twice: the second call returns the first promise.
 */
export class Shutdown {
  private readonly closers: Closer[] = [];
  private running: Promise<void> | null = null;

  /**
   * @param defaultTimeoutMs a step's bound when it gives none
   * @param totalTimeoutMs the bound of the whole shutdown (default: `defaultTimeoutMs` + 5 s)
   */
  constructor(
    private readonly logger: Logger,
    private readonly defaultTimeoutMs = 10_000,
    private readonly totalTimeoutMs = defaultTimeoutMs + 5000,
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
    const deadline = t0 + this.totalTimeoutMs;
    for (const phase of PHASES) {
      const steps = this.closers.filter((c) => c.phase === phase);
      await Promise.all(steps.map((c) => this.runStep(c, deadline - Date.now())));
    }
    this.logger.info('shutdown complete', { reason, ms: Date.now() - t0 });
  }

  /** One step, bounded by its own timeout and what is left of the budget; never throws. */
  private async runStep(c: Closer, budgetLeftMs: number): Promise<void> {
    const own = c.timeoutMs ?? this.defaultTimeoutMs;
    const limit = Math.max(0, Math.min(own, budgetLeftMs));
    let timer: NodeJS.Timeout | undefined;
    const closing = Promise.resolve().then(c.close);
    try {
      await Promise.race([
        closing,
        new Promise((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(
                  limit < own
                    ? `did not close within the ${limit} ms left of the ${this.totalTimeoutMs} ms shutdown budget`
                    : `did not close within ${limit} ms`,
                ),
              ),
            limit,
          );
        }),
      ]);
    } catch (err) {
      this.logger.warn(`shutdown step "${c.name}" failed`, { err });
    } finally {
      clearTimeout(timer);
    }
    // A step given up on may still settle later; its failure then has nobody to tell.
    closing.catch(() => undefined);
  }
}
