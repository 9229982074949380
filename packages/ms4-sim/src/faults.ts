// Fault injection decisions: outage window, 429s, 5xx, 207 partial failures and latency. Holds the live
// configuration; random draws come from a seedable generator so that a run can be replayed.
import { applyConfig, defaultConfig, type SimConfig, type SimConfigInput } from './config';

export type RequestFault =
  | { kind: 'outage'; status: 503; retryAfterSeconds: number }
  | { kind: '429'; status: 429; retryAfterSeconds: number }
  | { kind: '5xx'; status: number };

/** mulberry32: a small, fast, seedable generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private config: SimConfig;
  private random: () => number;

  constructor(
    private readonly initial: SimConfigInput,
    private readonly randomSeed: number = Date.now(),
  ) {
    this.config = applyConfig(defaultConfig(), initial);
    this.random = seededRandom(randomSeed);
  }

  get current(): SimConfig {
    return this.config;
  }

  update(input: SimConfigInput, now: number = Date.now()): void {
    this.config = applyConfig(this.config, input, now);
  }

  /** Back to the settings given at start, and to the start of the random sequence. */
  reset(now: number = Date.now()): void {
    this.config = applyConfig(defaultConfig(), this.initial, now);
    this.random = seededRandom(this.randomSeed);
  }

  latencyMs(): number {
    const { fixedMs, jitterMs } = this.config.latency;
    return fixedMs + (jitterMs > 0 ? Math.round(this.random() * jitterMs) : 0);
  }

  /** A 503 for every request inside the outage window (checked before the bearer token). */
  outage(now: number = Date.now()): Extract<RequestFault, { kind: 'outage' }> | null {
    const c = this.config;
    if (c.outage && now >= c.outage.endsAt) c.outage = null;
    if (!c.outage || now < c.outage.startsAt) return null;
    return { kind: 'outage', status: 503, retryAfterSeconds: Math.max(1, Math.ceil((c.outage.endsAt - now) / 1000)) };
  }

  /** Decides whether this (authorized) request gets a 429 or 5xx on purpose before the batch is read. */
  requestFault(): Exclude<RequestFault, { kind: 'outage' }> | null {
    const c = this.config;
    if (c.failNext && c.failNext.count > 0 && c.failNext.status !== 207) {
      const { status, retryAfterSeconds } = c.failNext;
      this.spendFailNext();
      return status === 429 ? { kind: '429', status, retryAfterSeconds } : { kind: '5xx', status };
    }
    if (c.throttleNext && c.throttleNext.count > 0) {
      const { retryAfterSeconds } = c.throttleNext;
      c.throttleNext = c.throttleNext.count > 1 ? { ...c.throttleNext, count: c.throttleNext.count - 1 } : null;
      return { kind: '429', status: 429, retryAfterSeconds };
    }
    if (c.rateLimit && c.rateLimit.rate > 0 && this.random() < c.rateLimit.rate) {
      return { kind: '429', status: 429, retryAfterSeconds: c.rateLimit.retryAfterSeconds };
    }
    if (c.errorRate > 0 && this.random() < c.errorRate) return { kind: '5xx', status: c.errorStatus };
    return null;
  }

  /**
   * For a batch about to be accepted: the indexes of the items to answer 'failed' (a 207), or null to accept
   * them all. Deterministic with failNext status 207 (even indexes), else drawn with partialFailureRate.
   */
  partialFailure(itemCount: number): Set<number> | null {
    const c = this.config;
    if (c.failNext && c.failNext.count > 0 && c.failNext.status === 207) {
      this.spendFailNext();
      return new Set(Array.from({ length: itemCount }, (_, i) => i).filter((i) => i % 2 === 0));
    }
    if (c.partialFailureRate <= 0 || this.random() >= c.partialFailureRate) return null;
    const failed = new Set<number>();
    for (let i = 0; i < itemCount; i++) if (this.random() < c.partialItemShare) failed.add(i);
    if (failed.size === 0) failed.add(Math.floor(this.random() * itemCount));
    return failed;
  }

  private spendFailNext(): void {
    const f = this.config.failNext;
    if (f) this.config.failNext = f.count > 1 ? { ...f, count: f.count - 1 } : null;
  }
}
