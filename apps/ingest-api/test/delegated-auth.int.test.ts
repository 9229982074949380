import { randomBytes } from 'node:crypto';
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

// Delegated mode (the old get_access_token flow): sign in once through /auth/login, then sync with the person's
// token; the encrypted MSAL cache in Redis survives a restart, so no second login.
const TOKEN = 'test-control-token';
const MAILBOX = 'ap@contoso.example';

describe('delegated sign-in (graph-sim identity, ingest-api process)', () => {
  let sim: GraphSim;
  let api: AppProcess;
  let base: string;
  let env: Record<string, string>;
  const prefix = uniquePrefix('deleg');
  const auth = { authorization: `Bearer ${TOKEN}` };
  const admin = async (method: string, path: string, body?: unknown) =>
    (await (
      await fetch(`${sim.adminUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    ).json()) as Record<string, unknown>;

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [MAILBOX] });
    trustCa(sim.caPem);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = appEnv(testRedisUrl(), prefix, {
      PORT: String(port),
      AUTH_MODE: 'delegated',
      TOKEN_CACHE_KEY: randomBytes(32).toString('hex'),
      AUTHORITY_HOST: sim.authorityHost,
      GRAPH_BASE_URL: sim.graphBaseUrl,
      NODE_EXTRA_CA_CERTS: sim.caFile,
      PUBLIC_BASE_URL: base,
      MAILBOXES: MAILBOX,
      ATTACHMENT_DIR: `/tmp/${prefix}`,
    });
    api = await startApp('ingest-api', { env });
  });
  afterAll(async () => {
    await api?.stop();
    await sim?.stop();
    await cleanPrefix(testRedisUrl(), prefix);
  });

  it('refuses a callback it did not start', async () => {
    const r = await fetch(`${base}/auth/callback?code=abc&state=forged`);
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ error: { field: 'state' } });
  });

  it('signs in through /auth/login, syncs with the delegated token, and needs no new login after a restart', async () => {
    const login = await fetch(`${base}/auth/login`, { headers: auth, redirect: 'manual' });
    expect(login.status).toBe(302);
    const authorize = login.headers.get('location') ?? '';
    expect(authorize.startsWith(`${sim.authorityHost}/`)).toBe(true);
    const consent = await fetch(authorize, { redirect: 'manual' });
    const callback = consent.headers.get('location') ?? '';
    expect(callback.startsWith(`${base}/auth/callback?`)).toBe(true);
    const done = await fetch(callback);
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ status: 'signed_in' });

    await admin('POST', '/seed', { mailbox: MAILBOX, count: 5, seed: 5 });
    const start = await fetch(`${base}/session/start`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ polling_mode: 'manual', enable_webhook: false }),
    });
    expect(start.status).toBe(201);
    const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const inbound = new Queue('email-inbound', { connection: redis, prefix: `{${prefix}}` });
    try {
      // A page's e-mails are prioritized by the page's rank (fair mailboxes): they wait in `prioritized`.
      const count = async () => {
        const c = await inbound.getJobCounts('waiting', 'prioritized');
        return (c.waiting ?? 0) + (c.prioritized ?? 0);
      };
      await waitFor(async () => (await count()) === 5, { what: '5 e-mails synced with the delegated token' });

      const tokensBefore = (await admin('GET', '/stats')).tokenRequests as number;
      await api.stop();
      api = await startApp('ingest-api', { env });
      await admin('POST', `/users/${MAILBOX}/messages`, {
        subject: 'Invoice 6',
        from: { emailAddress: { address: 's@x.example' } },
        receivedDateTime: new Date().toISOString(),
        body: { contentType: 'text', content: '' },
        attachments: [],
      });
      await fetch(`${base}/polling/trigger`, { method: 'POST', headers: auth });
      await waitFor(async () => (await count()) === 6, { what: 'the 6th e-mail after the restart' });
      expect((await admin('GET', '/stats')).tokenRequests).toBe(tokensBefore);
    } finally {
      await inbound.close();
      redis.disconnect();
    }
  });
});
