// Groups arriving entries into batches bounded by item count, body bytes and the wait since the batch's first
// entry. Pure in-memory bookkeeping: what happens to a cut batch is the `emit` callback's business.
import { ENVELOPE_BYTES } from './batch';

export interface BatchLimits {
  maxItems: number;
  maxBytes: number;
  maxWaitMs: number;
}

export type CutReason = 'items' | 'bytes' | 'wait' | 'flush';

export interface Sized {
  bytes: number;
}

export class Batcher<T extends Sized> {
  private open: T[] = [];
  private openBytes = ENVELOPE_BYTES;
  private timer: NodeJS.Timeout | null = null;
  private immediate = false;

  constructor(
    private readonly limits: BatchLimits,
    private readonly emit: (batch: T[], reason: CutReason) => void,
  ) {}

  /** Entries waiting in the open batch. */
  get size(): number {
    return this.open.length;
  }

  add(entry: T): void {
    // An entry that would push the open batch over the byte bound starts the next batch instead. An entry bigger
    // than the bound on its own goes alone (MS4 may still take it; a 413 then dead-letters it).
    if (this.open.length > 0 && this.openBytes + 1 + entry.bytes > this.limits.maxBytes) this.cut('bytes');
    this.openBytes += entry.bytes + (this.open.length > 0 ? 1 : 0);
    this.open.push(entry);
    if (this.immediate) this.cut('flush');
    else if (this.open.length >= this.limits.maxItems) this.cut('items');
    else if (this.openBytes >= this.limits.maxBytes) this.cut('bytes');
    else if (this.open.length === 1) {
      this.timer = setTimeout(() => this.cut('wait'), this.limits.maxWaitMs);
    }
  }

  /** Cuts the open batch now (when it holds anything). */
  flush(): void {
    this.cut('flush');
  }

  /** From now on every entry is emitted at once (shutdown: nothing waits for company). Flushes what is open. */
  flushAlways(): void {
    this.immediate = true;
    this.flush();
  }

  private cut(reason: CutReason): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.open.length === 0) return;
    const batch = this.open;
    this.open = [];
    this.openBytes = ENVELOPE_BYTES;
    this.emit(batch, reason);
  }
}
