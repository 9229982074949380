// Circuit breaker for MS4: `failures` consecutive failed sends open it for `openMs`; while open nothing is sent
// (the jobs wait, locked, and the backlog stays in the queue); then one probe batch goes out, and its success
// closes the breaker while its failure opens it again. A 429 neither opens nor closes it.

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failures: number;
  openMs: number;
  now?: () => number;
  onChange?: (state: BreakerState, info: { consecutiveFailures: number; openUntil: number | null }) => void;
}

/** What `acquire` hands out: report the send's outcome through it exactly once. */
export interface Permit {
  readonly probe: boolean;
  success(): void;
  failure(): void;
  /** The send ended without telling anything about MS4's health (429, shutdown). */
  neutral(): void;
}

export class AbortedError extends Error {
  override name = 'AbortedError';
}

export class CircuitBreaker {
  private consecutive = 0;
  private openUntil: number | null = null;
  private probing = false;
  private waiters: (() => void)[] = [];
  /** Callers of `acquire`, oldest first: the probe goes to the head. */
  private queue: object[] = [];
  private readonly now: () => number;

  constructor(private readonly opts: BreakerOptions) {
    this.now = opts.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.openUntil === null) return 'closed';
    return this.now() < this.openUntil && !this.probing ? 'open' : 'half-open';
  }

  get consecutiveFailures(): number {
    return this.consecutive;
  }

  /**
   * Without waiting: a permit, or how long to wait before asking again (`null`: until the breaker wakes the
   * waiters, when a probe's outcome is known or the probe turn passes on). With a `ticket` (what `acquire` uses)
   * the probe goes to the longest waiting caller, so that held batches take turns as the probe.
   */
  tryAcquire(ticket?: object): { permit: Permit } | { waitMs: number | null } {
    if (this.openUntil === null) return { permit: this.permit(false) };
    if (this.probing) return { waitMs: null };
    const left = this.openUntil - this.now();
    if (left > 0) return { waitMs: left };
    if (ticket && this.queue[0] !== ticket) return { waitMs: null };
    this.probing = true;
    this.emit('half-open');
    return { permit: this.permit(true) };
  }

  /** Waits until a batch may be sent (immediately while closed). Rejects with AbortedError when `signal` aborts. */
  async acquire(signal?: AbortSignal): Promise<Permit> {
    const ticket = {};
    this.queue.push(ticket);
    try {
      for (;;) {
        if (signal?.aborted) throw new AbortedError('aborted while waiting for the circuit breaker');
        const r = this.tryAcquire(ticket);
        if ('permit' in r) return r.permit;
        await this.wait(r.waitMs, signal);
      }
    } finally {
      const wasHead = this.queue[0] === ticket;
      this.queue = this.queue.filter((t) => t !== ticket);
      // The next in line may be owed the probe turn this caller leaves.
      if (wasHead && this.openUntil !== null && !this.probing) this.wake();
    }
  }

  private wait(ms: number | null, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      if (ms !== null) timer = setTimeout(done, ms);
      this.waiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private permit(probe: boolean): Permit {
    let used = false;
    const once = (f: () => void) => () => {
      if (used) return;
      used = true;
      f();
    };
    return {
      probe,
      success: once(() => this.onSuccess()),
      failure: once(() => this.onFailure(probe)),
      neutral: once(() => {
        if (probe) {
          this.probing = false;
          this.wake();
        }
      }),
    };
  }

  private onSuccess(): void {
    const wasOpen = this.openUntil !== null;
    this.consecutive = 0;
    this.openUntil = null;
    this.probing = false;
    if (wasOpen) this.emit('closed');
    this.wake();
  }

  private onFailure(probe: boolean): void {
    this.consecutive++;
    if (probe || (this.openUntil === null && this.consecutive >= this.opts.failures)) {
      this.openUntil = this.now() + this.opts.openMs;
      this.probing = false;
      this.emit('open');
      this.wake();
    }
  }

  private emit(state: BreakerState): void {
    this.opts.onChange?.(state, { consecutiveFailures: this.consecutive, openUntil: this.openUntil });
  }
}
