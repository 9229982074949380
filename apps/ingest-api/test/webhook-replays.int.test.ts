import type { Queue } from 'bullmq';
import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import { uniquePrefix, waitFor } from '@ms1/test-utils';
import { ingestApiHarness } from './helpers/ingest-api-harness';

// A captured lifecycle notification replayed 50 times, as an attacker (or a confused proxy) would: graph-sim as
// Graph, ingest-api as a process with its sync worker, real Redis. The replays must cost one repair: one job, one
// subscription deleted and re-created, not fifty.
const CLIENT_STATE = 'client-state-for-replay-tests';
const MAILBOX = 'b@contoso.example';

interface Subscription {
  id: string;
  resource: string;
  expirationDateTime: string;
}

describe('lifecycle notification replays', () => {
  let sim: GraphSim;
  let sync: Queue;
  const prefix = uniquePrefix('replays');
  const api = ingestApiHarness({
    prefix,
    sim: () => sim,
    env: (baseUrl) => ({
      INGEST_ROLES: 'http,sync',
      PUBLIC_BASE_URL: baseUrl,
      WEBHOOK_CLIENT_STATE: CLIENT_STATE,
      MAILBOXES: MAILBOX,
      ATTACHMENT_DIR: `/tmp/${prefix}`,
    }),
  });
  const { call, admin } = api;
  const subscriptions = async (): Promise<Subscription[]> => {
    const all = (await admin('GET', '/subscriptions')) as unknown as { value?: Subscription[] } | Subscription[];
    return (Array.isArray(all) ? all : (all.value ?? [])).filter((s) => s.resource.includes(MAILBOX));
  };
  const validations = async () =>
    ((await admin('GET', '/stats')) as unknown as { subscriptions: { validationsSent: number } }).subscriptions
      .validationsSent;
  const repairs = async () =>
    (await sync.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'])).filter(
      (j) => j.name === 'renew-subscriptions' && j.data.reason === 'subscriptionRemoved',
    );

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [MAILBOX], latency: { fixedMs: 5, perKbMs: 0, jitterMs: 5 } });
    trustCa(sim.caPem);
    await api.start();
    sync = api.queue('mail-sync');
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await sim?.stop();
  });

  it('50 replays of a captured subscriptionRemoved cost one job and one subscription change', async () => {
    const before = await validations();
    const started = await call('POST', '/session/start', { polling_mode: 'manual', enable_webhook: true });
    expect(started.status).toBe(201);
    const [original] = await waitFor(async () => ((await subscriptions()).length === 1 ? subscriptions() : null), {
      what: 'the subscription',
    });
    const perCreation = (await validations()) - before; // the handshakes one subscription costs

    const captured = JSON.stringify({
      value: [
        {
          subscriptionId: original?.id,
          subscriptionExpirationDateTime: original?.expirationDateTime,
          tenantId: 'contoso',
          clientState: CLIENT_STATE,
          lifecycleEvent: 'subscriptionRemoved',
        },
      ],
    });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${api.baseUrl}/webhooks/graph/lifecycle`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: captured,
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(202));
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as {
      handled: number;
      replays: number;
      unknown: number;
    }[];
    expect(bodies.reduce((n, b) => n + b.handled, 0)).toBe(1);
    // The others are replays, or (once the repair has replaced the subscription) name one that is no longer ours.
    expect(bodies.reduce((n, b) => n + b.replays + b.unknown, 0)).toBe(49);

    // The one repair runs: the subscription is deleted and created again, once.
    await waitFor(async () => (await repairs()).some((j) => j.finishedOn), { what: 'the repair job to finish' });
    expect(await repairs()).toHaveLength(1);
    const now = await subscriptions();
    expect(now).toHaveLength(1);
    expect(now[0]?.id).not.toBe(original?.id);
    expect((await validations()) - before).toBe(2 * perCreation);

    // Replayed again after the repair, the old subscription's notification names nothing of ours: still one job.
    const late = await fetch(`${api.baseUrl}/webhooks/graph/lifecycle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: captured,
    });
    expect(await late.json()).toMatchObject({ handled: 0 });
    expect(await repairs()).toHaveLength(1);
  });
});
