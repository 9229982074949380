import type { ChangeEntry, ChangeKind, IdView } from './types';

/** Per id view: the latest sequence per id, when an id entered the scope, and which ids are in it now. */
class ViewIndex {
  readonly latest = new Map<string, number>();
  readonly entered = new Map<string, number>();
  readonly present = new Set<string>();

  note(id: string, seq: number, kind: ChangeKind): void {
    this.latest.set(id, seq);
    if (kind === 'created') {
      this.entered.set(id, seq);
      this.present.add(id);
    } else if (kind === 'removed') {
      this.present.delete(id);
    }
  }
}

/** The change log of one delta scope (a folder or the whole mailbox), readable with either kind of id. */
export class ChangeLog {
  readonly entries: ChangeEntry[] = [];
  private readonly views: Record<IdView, ViewIndex> = { immutable: new ViewIndex(), rest: new ViewIndex() };

  record(entry: ChangeEntry): void {
    this.entries.push(entry);
    for (const view of ['immutable', 'rest'] as const) {
      const kind = entry.kinds[view];
      if (kind) this.views[view].note(idIn(entry, view), entry.seq, kind);
    }
  }

  view(view: IdView): ViewIndex {
    return this.views[view];
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

export function idIn(entry: ChangeEntry, view: IdView): string {
  return view === 'immutable' ? entry.key : entry.restId;
}
