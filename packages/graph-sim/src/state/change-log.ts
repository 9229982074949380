import type { ChangeEntry, ChangeKind } from './types';

/**
 * The change log of one delta scope (a folder or the whole mailbox): entries in sequence order,
 * the latest sequence per message, and the sequence at which a message entered the scope.
 */
export class ChangeLog {
  readonly entries: ChangeEntry[] = [];
  readonly latest = new Map<string, number>();
  readonly entered = new Map<string, number>();
  readonly present = new Set<string>();

  record(seq: number, messageId: string, kind: ChangeKind): void {
    this.entries.push({ seq, messageId, kind });
    this.latest.set(messageId, seq);
    if (kind === 'created') {
      this.entered.set(messageId, seq);
      this.present.add(messageId);
    } else if (kind === 'removed') {
      this.present.delete(messageId);
    }
  }

  /** Index of the first entry with seq > afterSeq (binary search). */
  firstAfter(afterSeq: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid].seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
