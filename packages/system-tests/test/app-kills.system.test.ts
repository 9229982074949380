import { QueueName } from '@ms1/shared';
import { waitFor } from '@ms1/test-utils';
import { expectComplete } from './helpers/completeness';
import { expectRecovered, killMidWork } from './helpers/kill';
import { runCase, stopAllSystems } from './helpers/system';

// kill -9 of each app in turn while it holds jobs, each restarted: the jobs its death left active (stalled) are
// taken over after their lock runs out, and the run ends complete. Each app is killed while it is certainly working:
// ingest-api in the middle of a slow delta round (Graph answers after 250 ms, 10 messages a page); the processor
// and the sender are started only once a backlog waits for them, so their slots are full when the kill comes (MS4
// answers after 1 s, so the sender's batches are in flight).
const MAILBOX = 'kills@contoso.example';
const EMAILS = 200;

afterEach(stopAllSystems);

describe('kill -9 of each app in turn, mid-run', () => {
  it('recovers every stalled job and delivers every invoice', async () => {
    await runCase(
      {
        label: 'kills',
        mailboxes: [MAILBOX],
        graph: { latency: { fixedMs: 250, perKbMs: 0, jitterMs: 0 } },
        ms4: { latency: { fixedMs: 1000, jitterMs: 0 } },
        env: { DELTA_PAGE_SIZE: '10' },
      },
      async (sys) => {
        await sys.seed(MAILBOX, EMAILS, 101);
        await sys.startApps(['ingest-api']);
        await sys.startSession();

        // ingest-api, mid-round: some pages are in, the round goes on.
        await waitFor(async () => (await sys.queues.count(QueueName.EmailInbound, ['waiting'])) >= 20, {
          timeoutMs: 120_000,
          what: 'the first pages enqueued',
        });
        const syncOrphans = await killMidWork(sys, 'ingest-api', QueueName.MailSync);
        expect(syncOrphans.length).toBeGreaterThan(0);
        await sys.apps['ingest-api'].start();

        // processor-worker, with a backlog of e-mails in front of it.
        await sys.apps['processor-worker'].start();
        const emailOrphans = await killMidWork(sys, 'processor-worker', QueueName.EmailInbound);
        expect(emailOrphans.length).toBeGreaterThan(0);
        await sys.apps['processor-worker'].start();

        // ms4-sender, with items waiting and its batches in flight to a slow MS4.
        await waitFor(async () => (await sys.queues.count(QueueName.Ms4Outbound, ['waiting'])) >= 10, {
          timeoutMs: 120_000,
          what: 'a backlog of items for MS4',
        });
        await sys.apps['ms4-sender'].start();
        const itemOrphans = await killMidWork(sys, 'ms4-sender', QueueName.Ms4Outbound);
        expect(itemOrphans.length).toBeGreaterThan(0);
        await sys.apps['ms4-sender'].start();

        await expectRecovered(sys, QueueName.MailSync, syncOrphans);
        await expectRecovered(sys, QueueName.EmailInbound, emailOrphans);
        await expectRecovered(sys, QueueName.Ms4Outbound, itemOrphans);
        const figures = await expectComplete(sys);
        console.log(
          `kills: stalled jobs recovered: ${syncOrphans.length} sync, ${emailOrphans.length} e-mails, ${itemOrphans.length} items; ${JSON.stringify(figures)}`,
        );
      },
    );
  }, 480_000);
});
