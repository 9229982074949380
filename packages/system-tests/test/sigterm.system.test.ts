import { QueueName } from '@ms1/shared';
import { waitFor } from '@ms1/test-utils';
import { APP_NAMES, type Exit } from './helpers/app-handle';
import { expectComplete } from './helpers/completeness';
import { runCase, stopAllSystems } from './helpers/system';

// SIGTERM to every app at once, mid-run (a delta round going on, items on their way to a slow MS4): each app
// finishes or hands back its work and exits by itself with code 0, within compose's grace period (30 s; the apps run
// with SHUTDOWN_TIMEOUT_MS=10000, so their bounded shutdown needs about 15 s at most), and the apps started again
// finish the run: complete, nothing failed.
const MAILBOX = 'sigterm@contoso.example';
const EMAILS = 200;
const COMPOSE_GRACE_MS = 30_000;

afterEach(stopAllSystems);

describe('SIGTERM to every app mid-run', () => {
  it('each app exits by itself within the grace period, and a restart finishes the run', async () => {
    await runCase(
      {
        label: 'sigterm',
        mailboxes: [MAILBOX],
        graph: { latency: { fixedMs: 300, perKbMs: 0, jitterMs: 0 } },
        ms4: { latency: { fixedMs: 500, jitterMs: 0 } },
        env: { DELTA_PAGE_SIZE: '5' },
      },
      async (sys) => {
        await sys.seed(MAILBOX, EMAILS, 601);
        await sys.startApps();
        await sys.startSession();
        // Mid-run: items on their way to MS4 while the delta round (40 pages of 300 ms at least) goes on.
        await waitFor(
          async () =>
            (await sys.queues.count(QueueName.Ms4Outbound, ['active', 'completed'])) > 0 &&
            (await sys.queues.count(QueueName.MailSync, ['active'])) > 0,
          { timeoutMs: 120_000, intervalMs: 100, what: 'items for MS4 while the delta round goes on' },
        );

        const sentAt = Date.now();
        const exits = await Promise.all(
          APP_NAMES.map(async (app) => {
            const exit: Exit = await sys.apps[app].terminate();
            return { app, ...exit, ms: Date.now() - sentAt };
          }),
        );
        const atStop = (await sys.ms4Stats()).uniqueKeys;
        for (const e of exits) {
          expect({ app: e.app, code: e.code, signal: e.signal }).toEqual({ app: e.app, code: 0, signal: null });
          expect(e.ms).toBeLessThan(COMPOSE_GRACE_MS);
          expect(sys.apps[e.app].output()).toContain('shutdown complete');
        }
        expect(atStop).toBeLessThan(sys.expectation.invoiceKeys.size);

        await sys.startApps();
        const figures = await expectComplete(sys);
        console.log(
          `sigterm: exits ${exits.map((e) => `${e.app} code ${e.code} after ${e.ms} ms`).join(', ')}; ${atStop} invoices at MS4 at the stop; ${JSON.stringify(figures)}`,
        );
      },
    );
  }, 480_000);
});
