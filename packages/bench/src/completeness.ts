// The completeness check: every expected invoice at MS4 once (one invoiceKey each), nothing unexpected.
import type { SeedSummary } from './seed';
import type { Ms4Receipt } from './stats';

export interface Completeness {
  /** Every expected invoice at MS4 under exactly one invoiceKey, and no item MS4 holds that was not expected. */
  complete: boolean;
  expected: number;
  missing: number;
  unexpected: number;
  /** Expected invoices MS4 holds under more than one invoiceKey (a duplicate MS4's idempotency cannot absorb). */
  underSeveralKeys: number;
  /** A few of the missing and unexpected, to start an investigation from. */
  examples: { missing: string[]; unexpected: string[] };
}

const id = (mailbox: string, number: string) => `${mailbox.toLowerCase()} ${number}`;

export function checkCompleteness(seed: SeedSummary, receipts: readonly Ms4Receipt[]): Completeness {
  const expected = new Map<string, number>();
  for (const [mailbox, numbers] of Object.entries(seed.expectedNumbers))
    for (const n of numbers) expected.set(id(mailbox, n), (expected.get(id(mailbox, n)) ?? 0) + 1);
  const keysOf = new Map<string, Set<string>>();
  for (const { item } of receipts) {
    const key = id(item.mailboxId, item.invoice?.number ?? '');
    const keys = keysOf.get(key) ?? new Set<string>();
    keys.add(item.invoiceKey);
    keysOf.set(key, keys);
  }
  const missing = [...expected.keys()].filter((k) => !keysOf.has(k));
  const unexpected = [...keysOf.keys()].filter((k) => !expected.has(k));
  const underSeveralKeys = [...keysOf].filter(([k, keys]) => keys.size > (expected.get(k) ?? 1)).length;
  return {
    complete: missing.length === 0 && unexpected.length === 0 && underSeveralKeys === 0,
    expected: seed.expectedInvoices,
    missing: missing.length,
    unexpected: unexpected.length,
    underSeveralKeys,
    examples: { missing: missing.slice(0, 5), unexpected: unexpected.slice(0, 5) },
  };
}
