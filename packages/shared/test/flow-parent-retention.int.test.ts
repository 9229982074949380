import { waitFor } from '@ms1/test-utils';
import { createWorker, flowParentRetention, jobIds, JobName, QueueName, type SyncPageOutcome } from '../src';
import { emailData, emailOutcome, queueHarness, type QueueHarness } from './helpers';

const CHILDREN = 5;
const PAGES = 4;

describe('completed flow parents kept for a share of KEEP_COMPLETED_COUNT (real Redis, real workers)', () => {
  let h: QueueHarness;
  const workers: { close(): Promise<void> }[] = [];
  beforeEach(async () => {
    h = await queueHarness({ KEEP_COMPLETED_COUNT: '10' });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    await h.close();
  });

  it('keeps count / children pages, and their children results go with the pages removed', async () => {
    const pageIds: string[] = [];
    for (let page = 1; page <= PAGES; page++) {
      const emails = Array.from({ length: CHILDREN }, (_, i) => emailData(`p${page}-m${i}`));
      const jobId = jobIds.syncPage('ap@contoso.example', 'round', page);
      pageIds.push(jobId);
      await h.producer.addFlow(
        {
          name: JobName.SyncPage,
          jobId,
          data: {
            sessionId: 's1',
            mailboxId: 'ap@contoso.example',
            folder: 'inbox',
            roundId: 'round',
            page,
            messageCount: CHILDREN,
          },
        },
        emails.map((data) => ({
          name: JobName.ProcessEmail,
          jobId: jobIds.processEmail(data.mailboxId, data.messageId),
          data,
        })),
      );
    }
    const finished: string[] = [];
    const deps = { queueSetup: h.queueSetup, deadLetters: h.deadLetters, concurrency: 1 };
    workers.push(
      createWorker(QueueName.EmailInbound, { 'process-email': async (job) => emailOutcome(job.data) }, deps),
    );
    workers.push(
      createWorker(
        QueueName.MailSyncResults,
        {
          'sync-page': async (job): Promise<SyncPageOutcome> => {
            finished.push(String(job.id));
            return { messages: CHILDREN, invoices: CHILDREN, notInvoices: 0, failed: 0, markedRead: 0 };
          },
        },
        deps,
      ),
    );
    await waitFor(async () => finished.length === PAGES, { what: 'every page parent to run' });
    const results = h.producer.queue(QueueName.MailSyncResults);
    // One page at a time, so the last to start is the last to complete; its completion trims the completed set to
    // its share in the same script: 10 / 5 = 2 pages.
    const last = finished[PAGES - 1]!;
    await waitFor(async () => (await results.getJobState(last)) === 'completed', { what: 'the last page completed' });
    const kept = await results.getCompleted();
    expect(kept.map((j) => j.id).sort()).toEqual(finished.slice(-2).sort());
    // A removed page's children results went with it; a kept page still has its 5.
    const processedKey = (id: string) => `${h.queueSetup.prefix}:${QueueName.MailSyncResults}:${id}:processed`;
    expect(await h.connection.hlen(processedKey(finished[0]!))).toBe(0);
    expect(await h.connection.hlen(processedKey(finished[PAGES - 1]!))).toBe(CHILDREN);
    // The children themselves keep the whole count: 20 e-mails completed, 10 kept.
    expect((await h.producer.queue(QueueName.EmailInbound).getJobCounts('completed')).completed).toBe(10);
  });

  it('shares every form of BullMQ retention', () => {
    expect(flowParentRetention({ age: 3600, count: 2000 }, 50)).toEqual({ age: 3600, count: 40 });
    expect(flowParentRetention({ age: 3600, count: 10 }, 50)).toEqual({ age: 3600, count: 1 });
    expect(flowParentRetention({ age: 3600 }, 50)).toEqual({ age: 3600 });
    expect(flowParentRetention(2000, 3)).toBe(667);
    expect(flowParentRetention(2000, 0)).toBe(2000);
    expect(flowParentRetention({ age: 3600, count: 0 }, 50)).toEqual({ age: 3600, count: 0 }); // remove at once
    expect(flowParentRetention(0, 50)).toBe(0);
    expect(flowParentRetention(true, 50)).toBe(true);
    expect(flowParentRetention(undefined, 50)).toBeUndefined();
  });
});
