import type { SimConfig } from '../options';

export type Admission =
  { ok: true; release: () => void } | { ok: false; reason: 'concurrency' | 'window'; retryAfterSeconds: number };

/**
 * Outlook's limits per app and mailbox: at most N requests in flight and at most M requests
 * in a sliding window. Simulated time runs timeScale times faster than real time.
 */
export class Limiter {
  private readonly inFlight = new Map<string, number>();
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly config: () => SimConfig) {}

  reset(): void {
    this.inFlight.clear();
    this.windows.clear();
  }

  /** Forget the request windows (after a change of limits); requests in flight stay counted. */
  resetWindows(): void {
    this.windows.clear();
  }

  tryAcquire(key: string): Admission {
    const cfg = this.config();
    const t = cfg.throttle;
    if (!t) return { ok: true, release: () => undefined };
    const scale = cfg.timeScale;
    const now = Date.now();
    const windowRealMs = t.windowMs / scale;
    let stamps = this.windows.get(key);
    if (!stamps) {
      stamps = [];
      this.windows.set(key, stamps);
    }
    let drop = 0;
    while (drop < stamps.length && stamps[drop] <= now - windowRealMs) drop++;
    if (drop > 0) stamps.splice(0, drop);
    if (stamps.length >= t.requestsPerWindow) {
      const waitMs = stamps[0] + windowRealMs - now;
      return { ok: false, reason: 'window', retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    const current = this.inFlight.get(key) ?? 0;
    if (current >= t.concurrency) {
      return { ok: false, reason: 'concurrency', retryAfterSeconds: Math.max(1, Math.ceil(1 / scale)) };
    }
    stamps.push(now);
    this.inFlight.set(key, current + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const n = (this.inFlight.get(key) ?? 1) - 1;
        if (n <= 0) this.inFlight.delete(key);
        else this.inFlight.set(key, n);
      },
    };
  }
}
