import type { Worker } from 'bullmq';
import { waitFor } from '@ms1/test-utils';
import { createWorker, jobIds, JobName, QueueName, type ProcessEmailData } from '../src';
import { queueHarness, type QueueHarness } from './helpers';
import { REDIS_KINDS, redisOfEachKind } from './redis-targets';

const N = 1000;

const redisKinds = redisOfEachKind();

describe.each(REDIS_KINDS)('1,000 jobs through the three queues (real Redis: %s, real worker factory)', (kind) => {
  const target = redisKinds.use(kind);
  let h: QueueHarness;
  const workers: Worker[] = [];
  beforeAll(async () => {
    h = await queueHarness({}, target());
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await h.close();
  });

  it('delivers every message exactly once', async () => {
    const seenKey = `${h.ctx.prefix}:test:seen`;
    const deliveries = `${h.ctx.prefix}:test:deliveries`;
    const deps = { ctx: h.ctx, deadLetters: h.deadLetters, concurrency: 20 };
    workers.push(
      createWorker(
        QueueName.MailSync,
        {
          'sync-tick': async () => ({ enqueued: 0 }),
          'renew-subscriptions': async () => ({ renewed: 0 }),
          'sync-mailbox': async (job) => {
            const pages = 10;
            for (let p = 0; p < pages; p++) {
              const jobs = Array.from({ length: N / pages }, (_, i) => {
                const data: ProcessEmailData = {
                  sessionId: job.data.sessionId,
                  mailboxId: job.data.mailboxId,
                  messageId: `msg-${p * (N / pages) + i}`,
                  receivedDateTime: new Date().toISOString(),
                  listing: {
                    subject: 'Invoice',
                    from: { name: null, address: 'x@y.example' },
                    internetMessageId: null,
                    hasAttachments: false,
                    bodyPreview: null,
                    attachments: [],
                  },
                };
                return { data, opts: { jobId: jobIds.processEmail(data.mailboxId, data.messageId) } };
              });
              await h.producer.addBulk(JobName.ProcessEmail, jobs);
            }
            return { pages, messages: N, removed: 0 };
          },
        },
        deps,
      ),
      createWorker(
        QueueName.EmailInbound,
        {
          'process-email': async (job) => {
            const d = job.data;
            await h.producer.add(
              JobName.InvoiceMetadata,
              {
                invoiceKey: `${d.mailboxId}-${d.messageId}`,
                sessionId: d.sessionId,
                mailboxId: d.mailboxId,
                messageId: d.messageId,
                internetMessageId: null,
                receivedDateTime: d.receivedDateTime,
                from: { name: null, address: 'x@y.example' },
                subject: 'Invoice',
                attachment: null,
                invoice: {
                  format: 'none',
                  kind: 'invoice',
                  number: null,
                  issueDate: null,
                  dueDate: null,
                  currency: null,
                  totalAmount: null,
                  taxExclusiveAmount: null,
                  payableAmount: null,
                  sellerName: null,
                  sellerVatId: null,
                  buyerName: null,
                  iban: null,
                  confidence: 0,
                },
                warnings: [],
              },
              { jobId: jobIds.invoiceMetadata(`${d.mailboxId}-${d.messageId}`) },
            );
            return { outcome: 'invoice', invoices: 1, warnings: 0, reason: 'test' };
          },
        },
        deps,
      ),
      createWorker(
        QueueName.Ms4Outbound,
        {
          'invoice-metadata': async (job) => {
            await h.connection.multi().sadd(seenKey, job.data.messageId).incr(deliveries).exec();
            return { batchId: 'test' };
          },
        },
        deps,
      ),
    );
    // A duplicate sync request collapses into one (deduplication id) while the first is pending.
    const sync = { sessionId: 's1', mailboxId: 'ap@contoso.example', folder: 'inbox', trigger: 'manual' as const };
    await h.producer.add(JobName.SyncMailbox, sync, {
      deduplication: { id: 'sync:ap@contoso.example:inbox', ttl: 60_000 },
    });

    await waitFor(async () => Number(await h.connection.get(deliveries)) >= N, {
      timeoutMs: 60_000,
      what: `${N} deliveries`,
    });
    await new Promise((r) => setTimeout(r, 300)); // would let a stray duplicate show up
    expect(Number(await h.connection.get(deliveries))).toBe(N);
    expect(await h.connection.scard(seenKey)).toBe(N);
    expect((await h.deadLetters.list()).total).toBe(0);
    const counts = await h.producer.queue(QueueName.EmailInbound).getJobCounts('failed', 'waiting', 'active');
    expect(counts).toEqual({ failed: 0, waiting: 0, active: 0 });
  });
});
