import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import {
  appEnv,
  cleanPrefix,
  freePort,
  startApp,
  testRedisUrl,
  uniquePrefix,
  waitFor,
  type AppProcess,
} from '@ms1/test-utils';

// A captured lifecycle notification replayed 50 times, as an attacker (or a confused proxy) would: graph-sim as
// Graph, ingest-api as a process with its sync worker, real Redis. The replays must cost one repair: one job, one
// subscription deleted and re-created, not fifty.
const TOKEN = 'test-control-token';
const CLIENT_STATE = 'client-state-for-replay-tests';
const MAILBOX = 'b@contoso.example';

interface Subscription {
  id: string;
  resource: string;
  expirationDateTime: string;
}

describe('lifecycle notification replays', () => {
  let sim: GraphSim;
  let api: AppProcess;
  let base: string;
  let redis: Redis;
  let sync: Queue;
  const prefix = uniquePrefix('replays');

  const admin = async (path: string) => (await fetch(`${sim.adminUrl}${path}`)).json() as Promise<unknown>;
  const subscriptions = async (): Promise<Subscription[]> => {
    const all = (await admin('/subscriptions')) as { value?: Subscription[] } | Subscription[];
    return (Array.isArray(all) ? all : (all.value ?? [])).filter((s) => s.resource.includes(MAILBOX));
  };
  const validations = async () =>
    ((await admin('/stats')) as { subscriptions: { validationsSent: number } }).subscriptions.validationsSent;
  const repairs = async () =>
    (await sync.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'])).filter(
      (j) => j.name === 'renew-subscriptions' && j.data.reason === 'subscriptionRemoved',
    );

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [MAILBOX], latency: { fixedMs: 5, perKbMs: 0, jitterMs: 5 } });
    trustCa(sim.caPem);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = await startApp('ingest-api', {
      env: appEnv(testRedisUrl(), prefix, {
        PORT: String(port),
        INGEST_ROLES: 'http,sync',
        AUTHORITY_HOST: sim.authorityHost,
        GRAPH_BASE_URL: sim.graphBaseUrl,
        NODE_EXTRA_CA_CERTS: sim.caFile,
        PUBLIC_BASE_URL: base,
        WEBHOOK_CLIENT_STATE: CLIENT_STATE,
        MAILBOXES: MAILBOX,
        ATTACHMENT_DIR: `/tmp/${prefix}`,
      }),
    });
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    sync = new Queue('mail-sync', { connection: redis, prefix: `{${prefix}}` });
  }, 60_000);
  afterAll(async () => {
    await sync?.close();
    redis?.disconnect();
    await api?.stop();
    await sim?.stop();
    await cleanPrefix(testRedisUrl(), prefix);
  });

  it('50 replays of a captured subscriptionRemoved cost one job and one subscription change', async () => {
    const before = await validations();
    const started = await fetch(`${base}/session/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ polling_mode: 'manual', enable_webhook: true }),
    });
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
        fetch(`${base}/webhooks/graph/lifecycle`, {
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
    const late = await fetch(`${base}/webhooks/graph/lifecycle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: captured,
    });
    expect(await late.json()).toMatchObject({ handled: 0 });
    expect(await repairs()).toHaveLength(1);
  });
});
