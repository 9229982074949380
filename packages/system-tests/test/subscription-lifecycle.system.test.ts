import { waitFor } from '@ms1/test-utils';
import { expectComplete } from './helpers/completeness';
import { json, jsonBody } from './helpers/http';
import { runCase, stopAllSystems, type System } from './helpers/system';

// Webhooks on, polling manual: after the session's first sync, only Graph's notifications (and its lifecycle
// notifications) can make MS1 look at the mailbox again. graph-sim drops the change notifications of new mail
// (missed), then tells MS1 so with a `missed` lifecycle notification; later it removes the subscription
// (`subscriptionRemoved`) while notifications are still being dropped. Each time the mail is at MS4 only after the
// lifecycle notification (nothing else could have synced it), the removed subscription is replaced by a new one,
// and mail that comes after is notified through the new one. The run ends complete.
const MAILBOX = 'lifecycle@contoso.example';
const PER_STEP = 50;

afterEach(stopAllSystems);

interface Subscription {
  id: string;
  resource: string;
}

async function subscriptionIds(sys: System): Promise<string[]> {
  const all = await json<{ value: Subscription[] }>(`${sys.graph.adminUrl}/subscriptions`);
  return all.value.filter((s) => s.resource.includes(MAILBOX)).map((s) => s.id);
}

async function atMs4(sys: System, keys: readonly string[]): Promise<number> {
  const have = new Set(await sys.ms4Keys());
  return keys.filter((k) => have.has(k)).length;
}

async function waitAtMs4(sys: System, keys: readonly string[], what: string): Promise<void> {
  await waitFor(async () => (await atMs4(sys, keys)) === keys.length, {
    timeoutMs: 120_000,
    intervalMs: 250,
    what: `${keys.length} invoices of ${what} at MS4`,
  });
}

async function lifecycle(sys: System, event: 'missed' | 'subscriptionRemoved'): Promise<void> {
  const answer = await json<{ sent: number; failed: number }>(
    `${sys.graph.adminUrl}/users/${MAILBOX}/lifecycle`,
    jsonBody('POST', { event }),
  );
  expect(answer).toMatchObject({ sent: 1, failed: 0 });
}

describe('a subscription removed and notifications missed', () => {
  it('resyncs on the lifecycle notifications, replaces the subscription and misses nothing', async () => {
    await runCase({ label: 'lifecycle', mailboxes: [MAILBOX], webhooks: true }, async (sys) => {
      const first = await sys.seed(MAILBOX, PER_STEP, 501);
      await sys.startApps();
      await sys.startSession();
      const [original] = await waitFor(
        async () => {
          const ids = await subscriptionIds(sys);
          return ids.length === 1 ? ids : null;
        },
        { timeoutMs: 60_000, what: 'the subscription' },
      );
      await waitAtMs4(sys, first, 'the first sync');

      // Notifications missed, then Graph says so.
      await sys.graphConfig({ notificationDropRate: 1 });
      const dropped = (await sys.graphStats()).notifications.dropped;
      const missed = await sys.seed(MAILBOX, PER_STEP, 502);
      expect((await sys.graphStats()).notifications.dropped - dropped).toBeGreaterThanOrEqual(PER_STEP);
      expect(await atMs4(sys, missed)).toBe(0);
      await lifecycle(sys, 'missed');
      await waitAtMs4(sys, missed, 'the missed notifications');

      // The subscription removed (its notifications still missed): a new subscription, and a resync.
      const unnotified = await sys.seed(MAILBOX, PER_STEP, 503);
      expect(await atMs4(sys, unnotified)).toBe(0);
      await lifecycle(sys, 'subscriptionRemoved');
      const [replacement] = await waitFor(
        async () => {
          const ids = await subscriptionIds(sys);
          return ids.length === 1 && ids[0] !== original ? ids : null;
        },
        { timeoutMs: 60_000, what: 'a new subscription replacing the removed one' },
      );
      await waitAtMs4(sys, unnotified, 'the removed subscription');

      // Mail after the repair is notified through the new subscription.
      await sys.graphConfig({ notificationDropRate: 0 });
      const sent = (await sys.graphStats()).notifications.sent;
      const later = await sys.seed(MAILBOX, PER_STEP, 504);
      await waitAtMs4(sys, later, 'mail notified through the new subscription');
      await waitFor(async () => (await sys.graphStats()).notifications.sent - sent >= PER_STEP, {
        timeoutMs: 60_000,
        what: `${PER_STEP} notifications delivered to ingest-api`,
      });
      expect(await subscriptionIds(sys)).toEqual([replacement]);

      const figures = await expectComplete(sys);
      console.log(`lifecycle: subscription ${original} replaced by ${replacement}; ${JSON.stringify(figures)}`);
    });
  }, 480_000);
});
