import { waitFor } from '@ms1/test-utils';
import { APP_NAMES } from './helpers/app-handle';
import { expectComplete } from './helpers/completeness';
import { statusOf } from './helpers/http';
import { runCase, stopAllSystems } from './helpers/system';

// Redis killed (SIGKILL) mid-run and started again on its append-only file, fsynced on every write (appendfsync
// always): every app's /health answers 503 while Redis is away, the same processes (never restarted) reconnect by
// themselves, and nothing Redis had acknowledged is lost: the run ends complete.
const MAILBOX = 'redis@contoso.example';
const EMAILS = 200;

afterEach(stopAllSystems);

describe('Redis killed and restarted mid-run (AOF, appendfsync always)', () => {
  it('answers 503 on /health while Redis is down, reconnects by itself and loses nothing', async () => {
    await runCase(
      {
        label: 'redis',
        mailboxes: [MAILBOX],
        appendFsyncAlways: true,
        graph: { latency: { fixedMs: 250, perKbMs: 0, jitterMs: 0 } },
        env: { DELTA_PAGE_SIZE: '5' },
      },
      async (sys) => {
        await sys.seed(MAILBOX, EMAILS, 202);
        await sys.startApps();
        await sys.startSession();
        await waitFor(async () => (await sys.ms4Stats()).uniqueKeys > 0, {
          timeoutMs: 120_000,
          what: 'the first invoices at MS4',
        });
        const pids = APP_NAMES.map((a) => sys.apps[a].pid);

        await sys.redis.kill9();
        const atKill = (await sys.ms4Stats()).uniqueKeys;
        for (const app of APP_NAMES) {
          await waitFor(async () => (await statusOf(sys.apps[app].healthUrl)) === 503, {
            timeoutMs: 60_000,
            intervalMs: 200,
            what: `${app} /health answering 503 while Redis is down`,
          });
        }
        await sys.redis.start();
        for (const app of APP_NAMES) {
          await waitFor(async () => (await statusOf(sys.apps[app].healthUrl)) === 200, {
            timeoutMs: 60_000,
            intervalMs: 200,
            what: `${app} /health answering 200 again`,
          });
        }

        const figures = await expectComplete(sys);
        // Mid-run: work was left when Redis died, and the processes that did it are the ones that ran before.
        expect(atKill).toBeLessThan(sys.expectation.invoiceKeys.size);
        expect(APP_NAMES.map((a) => sys.apps[a].pid)).toEqual(pids);
        console.log(`redis: ${atKill} invoices at MS4 when Redis died; ${JSON.stringify(figures)}`);
      },
    );
  }, 480_000);
});
