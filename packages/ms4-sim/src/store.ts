// What the simulated MS4 has persisted: items by invoiceKey (kept once) and the batches it has answered.
import type { ItemResult, Ms4Item } from './contract';

export interface StoredItem {
  item: Ms4Item;
  /** The batch that first carried the item. */
  batchId: string;
  receivedAt: string;
  /** How many accepted batches carried this invoiceKey (1 + duplicates). */
  timesReceived: number;
}

export interface BatchRecord {
  batchId: string;
  receivedAt: string;
  sentAt: string;
  size: number;
  /** The sorted invoiceKeys: a repeat of the batchId with other items is a misuse of the Idempotency-Key. */
  fingerprint: string;
  status: 200 | 207;
  accepted: number;
  duplicates: number;
  rejected: number;
  failed: number;
  /** Per-item results, kept for 207 answers only. */
  results?: ItemResult[];
}

export class Store {
  private readonly items = new Map<string, StoredItem>();
  private readonly batches = new Map<string, BatchRecord>();

  /** Stores the item unless its invoiceKey is known; returns true when it was new. */
  addItem(item: Ms4Item, batchId: string, receivedAt: string): boolean {
    const known = this.items.get(item.invoiceKey);
    if (known) {
      known.timesReceived++;
      return false;
    }
    this.items.set(item.invoiceKey, { item, batchId, receivedAt, timesReceived: 1 });
    return true;
  }

  getItem(invoiceKey: string): StoredItem | undefined {
    return this.items.get(invoiceKey);
  }

  allItems(): StoredItem[] {
    return [...this.items.values()];
  }

  get uniqueKeys(): number {
    return this.items.size;
  }

  getBatch(batchId: string): BatchRecord | undefined {
    return this.batches.get(batchId);
  }

  addBatch(record: BatchRecord): void {
    this.batches.set(record.batchId, record);
  }

  allBatches(): BatchRecord[] {
    return [...this.batches.values()];
  }

  reset(): void {
    this.items.clear();
    this.batches.clear();
  }
}

export function fingerprint(invoiceKeys: (string | null)[]): string {
  return invoiceKeys
    .map((k, i) => k ?? `#${i}`)
    .sort()
    .join('\n');
}
