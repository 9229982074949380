// Every request to /batch-metadata, read by GET /_sim/requests: when it arrived, when it was answered, with what.
// Tests check order and cause with it (nothing sent during the Retry-After window a 429 gave, a throttled batch sent
// again after it) instead of timing the sender on their own clock. Bounded: the oldest entries go first.

export interface RequestRecord {
  /** Arrival order, from 1. */
  seq: number;
  /** When the request arrived (epoch ms, the simulator's clock), before any simulated latency. */
  at: number;
  /** When the answer was sent (null while the request is still being answered). */
  answeredAt: number | null;
  /** The Idempotency-Key header (the batchId), or null. */
  batchId: string | null;
  status: number | null;
  /** Retry-After of a 429 or 503, in seconds. */
  retryAfterSeconds: number | null;
}

const DEFAULT_CAPACITY = 100_000;

export class RequestLog {
  private entries: RequestRecord[] = [];
  private seq = 0;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** Records an arrival; the returned record is completed by `answered`. */
  arrive(batchId: string | null, now: number = Date.now()): RequestRecord {
    const record: RequestRecord = {
      seq: ++this.seq,
      at: now,
      answeredAt: null,
      batchId,
      status: null,
      retryAfterSeconds: null,
    };
    this.entries.push(record);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return record;
  }

  answered(record: RequestRecord, status: number, retryAfterSeconds: number | null, now: number = Date.now()): void {
    record.answeredAt = now;
    record.status = status;
    record.retryAfterSeconds = retryAfterSeconds;
  }

  /** Copies of the records in arrival order, optionally only those after `afterSeq`. */
  all(afterSeq = 0): RequestRecord[] {
    return this.entries.filter((r) => r.seq > afterSeq).map((r) => ({ ...r }));
  }

  reset(): void {
    this.entries = [];
    this.seq = 0;
  }
}
