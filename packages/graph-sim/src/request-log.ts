/**
 * Every Graph request graph-sim answered (inner requests of a $batch included), read by GET /_sim/requests. Tests
 * check causes and order with it (a retry came after the Retry-After it was given, nobody asked during a pause)
 * instead of measuring durations on their own clock. Bounded: the oldest entries go first.
 */
export interface RequestRecord {
  /** Arrival order, from 1. */
  seq: number;
  /** When the request arrived (epoch ms, graph-sim's clock). */
  at: number;
  /** When its answer was ready to be written (after Graph's service time). */
  answeredAt: number;
  method: string;
  kind: string;
  mailbox: string | null;
  status: number;
  /** Retry-After of a 429 or 503, in seconds. */
  retryAfterSeconds: number | null;
  /** Why a 429 was given. */
  throttled: 'concurrency' | 'window' | null;
  /** Admitted requests of this app and mailbox in flight when it arrived (itself not counted). */
  inFlightAtArrival: number;
  /** An inner request of a $batch. */
  inBatch: boolean;
  clientRequestId: string;
}

export interface RequestQuery {
  mailbox?: string;
  kind?: string;
  /** Only requests with seq greater than this. */
  afterSeq?: number;
}

const DEFAULT_CAPACITY = 50_000;

export class RequestLog {
  private entries: RequestRecord[] = [];
  private seq = 0;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** The next arrival number; the record is added once the request is answered. */
  arrive(): number {
    return ++this.seq;
  }

  add(record: RequestRecord): void {
    this.entries.push(record);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** Matching records in arrival order. */
  query(q: RequestQuery = {}): RequestRecord[] {
    const mailbox = q.mailbox?.toLowerCase();
    return this.entries
      .filter(
        (r) =>
          (mailbox === undefined || r.mailbox?.toLowerCase() === mailbox) &&
          (q.kind === undefined || r.kind === q.kind) &&
          (q.afterSeq === undefined || r.seq > q.afterSeq),
      )
      .sort((a, b) => a.seq - b.seq);
  }

  /** The seq of the latest arrival (0 before any): a mark to ask for what came after it. */
  get lastSeq(): number {
    return this.seq;
  }

  reset(): void {
    this.entries = [];
    this.seq = 0;
  }
}
