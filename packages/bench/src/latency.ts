import type { Ms4BatchRecord, Ms4Receipt } from './stats';

export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Latency of each item from `startMs` to the MS4 batch that first carried it: every batch counts once per item it
 * stored for the first time (accepted minus duplicates), at its receivedAt.
 */
export function itemLatency(batches: Ms4BatchRecord[], startMs: number): Latency {
  const points = batches
    .map((b) => ({ ms: Date.parse(b.receivedAt) - startMs, n: Math.max(0, b.accepted - b.duplicates) }))
    .filter((p) => p.n > 0)
    .sort((a, b) => a.ms - b.ms);
  const total = points.reduce((s, p) => s + p.n, 0);
  const at = (q: number): number => {
    if (total === 0) return 0;
    const rank = Math.ceil(q * total);
    let seen = 0;
    for (const p of points) {
      seen += p.n;
      if (seen >= rank) return p.ms;
    }
    return points[points.length - 1]?.ms ?? 0;
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: points[points.length - 1]?.ms ?? 0 };
}

/**
 * Time to MS4 per mailbox, from `startMs` to the arrival of each of its items: with unequal mailboxes, whether the
 * small ones wait behind the big one.
 */
export function latencyByMailbox(receipts: readonly Ms4Receipt[], startMs: number): Record<string, Latency> {
  const byMailbox = new Map<string, number[]>();
  for (const r of receipts) {
    const list = byMailbox.get(r.item.mailboxId) ?? [];
    list.push(Date.parse(r.receivedAt) - startMs);
    byMailbox.set(r.item.mailboxId, list);
  }
  const out: Record<string, Latency> = {};
  for (const [mailbox, list] of [...byMailbox].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => a - b);
    const at = (q: number) => list[Math.max(0, Math.ceil(q * list.length) - 1)] ?? 0;
    out[mailbox] = { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: list[list.length - 1] ?? 0 };
  }
  return out;
}
