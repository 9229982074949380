import { waitFor } from '@ms1/test-utils';
import { createWorker, enqueueMailboxSync, jobIds, JobName, QueueName } from '../src';
import { emailData, emailOutcome, invoiceItem, queueHarness, type QueueHarness } from './helpers';
import { REDIS_KINDS, redisOfEachKind } from './redis-targets';

const N = 1000;
const MAILBOX = 'ap@contoso.example';

const redisKinds = redisOfEachKind();

describe.each(REDIS_KINDS)('1,000 jobs through the three queues (real Redis: %s, real worker factory)', (kind) => {
  const target = redisKinds.use(kind);
  let h: QueueHarness;
  const workers: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    h = await queueHarness({}, target());
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await h.close();
  });

  it('runs one sync for a burst of sync requests, and delivers every message exactly once', async () => {
    const seenKey = `${h.queueSetup.prefix}:test:seen`;
    const deliveries = `${h.queueSetup.prefix}:test:deliveries`;
    const syncRuns = `${h.queueSetup.prefix}:test:sync-runs`;
    const deps = { queueSetup: h.queueSetup, deadLetters: h.deadLetters, concurrency: 20 };

    // The burst arrives before any worker runs: every request after the first collapses into the waiting one.
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => enqueueMailboxSync(h.producer, 's1', MAILBOX, 'inbox', 'webhook')),
    );
    expect(new Set(burst).size).toBe(1);
    expect((await h.producer.queue(QueueName.MailSync).getJobCounts('waiting')).waiting).toBe(1);

    workers.push(
      createWorker(
        QueueName.MailSync,
        {
          'sync-tick': async () => ({ enqueued: 0 }),
          'renew-subscriptions': async () => ({ renewed: 0 }),
          'backfill-range': async () => ({ pages: 0, messages: 0, done: true }),
          'sync-mailbox': async (job) => {
            await h.connection.incr(syncRuns);
            const pages = 10;
            for (let p = 0; p < pages; p++) {
              const jobs = Array.from({ length: N / pages }, (_, i) => {
                const data = emailData(`msg-${p * (N / pages) + i}`, job.data.mailboxId, job.data.sessionId);
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
            const item = invoiceItem(job.data);
            await h.producer.add(JobName.InvoiceMetadata, item, { jobId: jobIds.invoiceMetadata(item.invoiceKey) });
            return emailOutcome(job.data);
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

    await waitFor(async () => Number(await h.connection.get(deliveries)) >= N, {
      timeoutMs: 60_000,
      what: `${N} deliveries`,
    });
    // Everything added has run: nothing waits, nothing is active, so no stray duplicate can still show up.
    await waitFor(
      async () => {
        const counts = await Promise.all(
          [QueueName.MailSync, QueueName.EmailInbound, QueueName.Ms4Outbound].map((q) =>
            h.producer.queue(q).getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
          ),
        );
        return counts.every((c) => Object.values(c).every((n) => n === 0));
      },
      { what: 'idle queues' },
    );
    expect(Number(await h.connection.get(syncRuns))).toBe(1);
    expect(Number(await h.connection.get(deliveries))).toBe(N);
    expect(await h.connection.scard(seenKey)).toBe(N);
    expect((await h.deadLetters.list()).total).toBe(0);
    const counts = await h.producer.queue(QueueName.EmailInbound).getJobCounts('failed', 'waiting', 'active');
    expect(counts).toEqual({ failed: 0, waiting: 0, active: 0 });
  });
});
