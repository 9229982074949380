// Counters for GET /_sim/stats: requests, outcomes, faults injected on purpose, batch sizes, a per-second timeline.
import type { RequestFault } from './faults';

const BUCKETS: [string, number][] = [
  ['1', 1],
  ['2-10', 10],
  ['11-50', 50],
  ['51-100', 100],
  ['101-250', 250],
  ['251-500', 500],
  ['501-1000', 1000],
  ['1001+', Infinity],
];
const TIMELINE_SECONDS = 3600;

interface Second {
  requests: number;
  items: number;
}

export class Stats {
  private startedAt = Date.now();
  private requests = 0;
  private bytesReceived = 0;
  private readonly responses = new Map<number, number>();
  private batches = 0;
  private partialBatches = 0;
  private itemsReceived = 0;
  private duplicates = 0;
  private rejectedItems = 0;
  private failedItems = 0;
  private failedOnPurpose = { '5xx': 0, '207': 0, '429': 0, outage: 0 };
  private readonly sizes = new Map<number, number>();
  private sizeSum = 0;
  private maxBatch = 0;
  private firstItemAt: number | null = null;
  private lastItemAt: number | null = null;
  private readonly timeline = new Map<number, Second>();

  private second(now: number): Second {
    const t = Math.floor(now / 1000);
    let s = this.timeline.get(t);
    if (!s) {
      s = { requests: 0, items: 0 };
      this.timeline.set(t, s);
      if (this.timeline.size > TIMELINE_SECONDS) this.timeline.delete(this.timeline.keys().next().value as number);
    }
    return s;
  }

  request(now: number = Date.now()): void {
    this.requests++;
    this.second(now).requests++;
  }

  bytes(n: number): void {
    this.bytesReceived += n;
  }

  response(status: number): void {
    this.responses.set(status, (this.responses.get(status) ?? 0) + 1);
  }

  fault(fault: RequestFault): void {
    this.failedOnPurpose[fault.kind]++;
  }

  /** A batch that was answered 200 or 207. */
  batch(
    o: {
      size: number;
      accepted: number;
      duplicates: number;
      rejected: number;
      failed: number;
      partialOnPurpose: boolean;
    },
    now: number = Date.now(),
  ): void {
    this.batches++;
    if (o.rejected > 0 || o.failed > 0) this.partialBatches++;
    if (o.partialOnPurpose) this.failedOnPurpose['207']++;
    this.itemsReceived += o.accepted;
    this.duplicates += o.duplicates;
    this.rejectedItems += o.rejected;
    this.failedItems += o.failed;
    this.sizes.set(o.size, (this.sizes.get(o.size) ?? 0) + 1);
    this.sizeSum += o.size;
    this.maxBatch = Math.max(this.maxBatch, o.size);
    if (o.accepted > 0) {
      this.firstItemAt ??= now;
      this.lastItemAt = now;
      this.second(now).items += o.accepted;
    }
  }

  /** Items of a batch refused whole (400 because every item was invalid). */
  rejected(n: number): void {
    this.rejectedItems += n;
  }

  snapshot(uniqueKeys: number): Record<string, unknown> {
    const histogram: Record<string, number> = {};
    for (const [name] of BUCKETS) histogram[name] = 0;
    for (const [size, n] of this.sizes) {
      const bucket = BUCKETS.find(([, max]) => size <= max);
      if (bucket) histogram[bucket[0]] += n;
    }
    const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
    return {
      startedAt: iso(this.startedAt),
      requests: this.requests,
      bytesReceived: this.bytesReceived,
      responses: Object.fromEntries([...this.responses].sort(([a], [b]) => a - b)),
      batches: this.batches,
      partialBatches: this.partialBatches,
      itemsReceived: this.itemsReceived,
      uniqueKeys,
      duplicates: this.duplicates,
      rejectedItems: this.rejectedItems,
      failedItems: this.failedItems,
      failedOnPurpose: { ...this.failedOnPurpose },
      batchSizeHistogram: histogram,
      batchSizes: Object.fromEntries([...this.sizes].sort(([a], [b]) => a - b)),
      maxBatch: this.maxBatch,
      meanBatch: this.batches > 0 ? this.sizeSum / this.batches : 0,
      firstItemAt: iso(this.firstItemAt),
      lastItemAt: iso(this.lastItemAt),
      timeline: [...this.timeline].map(([t, s]) => ({ t: new Date(t * 1000).toISOString(), ...s })),
    };
  }

  reset(): void {
    Object.assign(this, new Stats());
  }
}
