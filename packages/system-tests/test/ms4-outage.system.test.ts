import { QueueName } from '@ms1/shared';
import { waitFor } from '@ms1/test-utils';
import { expectComplete } from './helpers/completeness';
import { PENDING_STATES } from './helpers/queues';
import { runCase, stopAllSystems } from './helpers/system';

// MS4 down for 60 s (ms4-sim answers every batch 503, as a load balancer in front of a dead service would): the
// whole backlog of items waits in Redis, the sender holds no more than its window of jobs (3 batches) and its memory
// stays bounded, nothing fails for good; once MS4 is back the backlog drains and the run ends complete.
const MAILBOX = 'ms4down@contoso.example';
const EMAILS = 200;
const OUTAGE_MS = 60_000;
const BATCH_ITEMS = 10;
/** The sender holds one batch being filled and two in flight: 3 x MS4_BATCH_MAX_ITEMS jobs at most. */
const SENDER_WINDOW = 3 * BATCH_ITEMS;
/** Generous: the sender runs at about 100-150 MB; a sender that kept the backlog in memory would still fit, but one
 * that grew with every failed send would not. */
const SENDER_RSS_BOUND_MB = 400;

afterEach(stopAllSystems);

describe('MS4 down for 60 s', () => {
  it('keeps the backlog in the queue with bounded memory, then drains it completely', async () => {
    await runCase(
      { label: 'ms4-outage', mailboxes: [MAILBOX], env: { MS4_BATCH_MAX_ITEMS: String(BATCH_ITEMS) } },
      async (sys) => {
        await sys.seed(MAILBOX, EMAILS, 303);
        const expected = sys.expectation.invoiceKeys.size;
        const downSince = Date.now();
        await sys.ms4Config({ outageUntil: downSince + 10 * OUTAGE_MS });
        await sys.startApps();
        await sys.startSession();

        // Every e-mail read and every item queued for MS4: the whole backlog waits in ms4-outbound.
        await waitFor(
          async () =>
            (await sys.queues.count(QueueName.EmailInbound, PENDING_STATES)) === 0 &&
            (await sys.queues.count(QueueName.Ms4Outbound, PENDING_STATES)) === expected,
          { timeoutMs: 180_000, intervalMs: 500, what: `all ${expected} items waiting for MS4` },
        );
        const rss: number[] = [];
        let maxActive = 0;
        do {
          const active = await sys.queues.count(QueueName.Ms4Outbound, ['active']);
          maxActive = Math.max(maxActive, active);
          expect(await sys.queues.count(QueueName.Ms4Outbound, PENDING_STATES)).toBe(expected);
          rss.push(sys.apps['ms4-sender'].rssMb());
          await new Promise((r) => setTimeout(r, 2000));
        } while (Date.now() - downSince < OUTAGE_MS);
        const during = await sys.ms4Stats();
        expect(during.uniqueKeys).toBe(0);
        expect(during.responses['503'] ?? 0).toBeGreaterThan(0); // the sender did try, and was refused
        expect(maxActive).toBeLessThanOrEqual(SENDER_WINDOW);
        expect(Math.max(...rss)).toBeLessThan(SENDER_RSS_BOUND_MB);

        await sys.ms4Config({ outageUntil: null });
        const figures = await expectComplete(sys);
        console.log(
          `ms4-outage: ${expected} items waited; sender held at most ${maxActive} jobs, RSS ${Math.min(...rss).toFixed(0)}-${Math.max(...rss).toFixed(0)} MB; ${during.responses['503']} batches refused; ${JSON.stringify(figures)}`,
        );
      },
    );
  }, 480_000);
});
