import { QueueName } from '@ms1/shared';
import { waitFor } from '@ms1/test-utils';
import { PENDING_STATES } from './queues';
import type { System } from './system';

export interface RunFigures {
  emails: number;
  invoices: number;
  /** Items MS4 received again under a key it already had (absorbed by its idempotency). */
  repeatsAbsorbed: number;
  ms4Batches: number;
  deadLetters: number;
}

/**
 * The end of every case. Waits until MS4 holds as many invoiceKeys as expected and MS1 has nothing left to do
 * (no e-mail or item still pending), then checks:
 * - every expected invoiceKey is at MS4, none unexpected (each stored once: a repeat is absorbed by MS4's idempotency,
 *   and counted);
 * - the dead-letter queue holds exactly the e-mails that carry no readable invoice, each once, from the processor;
 * - no job failed for good in any queue except those e-mails.
 */
export async function expectComplete(sys: System, opts: { timeoutMs?: number } = {}): Promise<RunFigures> {
  const exp = sys.expectation;
  const timeoutMs = opts.timeoutMs ?? 240_000;
  await waitFor(async () => (await sys.ms4Stats()).uniqueKeys >= exp.invoiceKeys.size, {
    timeoutMs,
    intervalMs: 500,
    what: `${exp.invoiceKeys.size} invoices at MS4`,
  }).catch(async (err: unknown) => {
    const have = new Set(await sys.ms4Keys());
    const missing = [...exp.invoiceKeys].filter((k) => !have.has(k)).length;
    throw new Error(`${String(err)}: MS4 has ${have.size}, ${missing} expected keys missing`);
  });
  await waitFor(
    async () =>
      (await sys.queues.count(QueueName.EmailInbound, PENDING_STATES)) === 0 &&
      (await sys.queues.count(QueueName.Ms4Outbound, PENDING_STATES)) === 0,
    { timeoutMs, intervalMs: 500, what: 'e-mails and items settled (nothing pending)' },
  );

  const keys = await sys.ms4Keys();
  const stored = new Set(keys);
  const missing = [...exp.invoiceKeys].filter((k) => !stored.has(k));
  const unexpected = keys.filter((k) => !exp.invoiceKeys.has(k));
  expect({ missing: missing.length, unexpected: unexpected.length }).toEqual({ missing: 0, unexpected: 0 });
  expect(stored.size).toBe(keys.length);

  const dead = await sys.deadLetters();
  const deadIds = dead.map((d) => d.messageId ?? `(${d.source_queue}: ${d.failed_reason})`).sort();
  expect(deadIds).toEqual([...exp.unreadableMessageIds].sort());
  expect(new Set(dead.map((d) => d.source_queue))).toEqual(
    new Set(exp.unreadableMessageIds.size > 0 ? [QueueName.EmailInbound] : []),
  );
  expect(await sys.queues.failedByQueue()).toEqual({
    [QueueName.MailSync]: 0,
    [QueueName.MailSyncResults]: 0,
    [QueueName.EmailInbound]: exp.unreadableMessageIds.size,
    [QueueName.Ms4Outbound]: 0,
  });

  const ms4 = await sys.ms4Stats();
  return {
    emails: exp.emails,
    invoices: stored.size,
    repeatsAbsorbed: ms4.duplicates,
    ms4Batches: ms4.batches,
    deadLetters: dead.length,
  };
}
