// Fairness with mail that arrives while a big mailbox backfills: the other mailboxes are seeded only once the first
// mailbox's whole round is in MS1's queues, then synced; their time to MS4 counts from that arrival.
import { postJson } from './http';
import { say } from './log';
import type { Pipeline } from './pipeline';
import { seedMailboxes, type SeedSummary } from './seed';
import { sessionCounters } from './stats';

/**
 * Waits until the first mailbox's `bigSize` e-mails are enqueued, seeds `sizes[i]` e-mails into mailbox i + 1 (the
 * "small" ones), adds them to the run's expectations and asks for a sync of every mailbox. Resolves with the instant
 * (ms) the small mailboxes' mail arrived, for each of them.
 */
export async function seedLate(
  p: Pipeline,
  bigSize: number,
  sizes: readonly number[],
  randomSeed: number,
  timeoutMs: number,
): Promise<Record<string, number>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const counters = await sessionCounters(p.ingestUrl, p.controlToken);
    if (counters && counters.enqueued >= bigSize) break;
    if (Date.now() > until) throw new Error(`the first mailbox's ${bigSize} e-mails not enqueued in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const small = p.mailboxes.slice(1);
  const arrivedAt = Date.now();
  const late = await seedMailboxes(p.graph.adminUrl, small, 0, randomSeed + 1, () => undefined, sizes);
  mergeInto(p.seed, late);
  await postJson(`${p.ingestUrl}/polling/trigger`, {}, { authorization: `Bearer ${p.controlToken}` });
  say(`late mail: ${late.emails} e-mails seeded into ${small.length} mailboxes once ${bigSize} were enqueued`);
  return Object.fromEntries(small.map((m) => [m, arrivedAt]));
}

function mergeInto(into: SeedSummary, more: SeedSummary): void {
  into.emails += more.emails;
  into.expectedInvoices += more.expectedInvoices;
  into.invoiceEmails += more.invoiceEmails;
  into.nonInvoiceEmails += more.nonInvoiceEmails;
  into.malformedEmails += more.malformedEmails;
  for (const [m, n] of Object.entries(more.byMailbox)) into.byMailbox[m] = (into.byMailbox[m] ?? 0) + n;
  for (const [m, list] of Object.entries(more.expectedNumbers)) (into.expectedNumbers[m] ??= []).push(...list);
}
