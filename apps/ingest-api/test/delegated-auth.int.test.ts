import { randomBytes } from 'node:crypto';
import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import { uniquePrefix, waitFor } from '@ms1/test-utils';
import { CONTROL_TOKEN, ingestApiHarness } from './helpers/ingest-api-harness';

// Delegated mode (the old get_access_token flow): sign in once through /auth/login, then sync with the person's
// token; the encrypted MSAL cache in Redis survives a restart, so no second login.
const MAILBOX = 'ap@contoso.example';

describe('delegated sign-in (graph-sim identity, ingest-api process)', () => {
  let sim: GraphSim;
  const prefix = uniquePrefix('deleg');
  const tokenCacheKey = randomBytes(32).toString('hex'); // the same at the restart, or the cache could not be read
  const api = ingestApiHarness({
    prefix,
    sim: () => sim,
    env: (baseUrl) => ({
      AUTH_MODE: 'delegated',
      TOKEN_CACHE_KEY: tokenCacheKey,
      PUBLIC_BASE_URL: baseUrl,
      MAILBOXES: MAILBOX,
      ATTACHMENT_DIR: `/tmp/${prefix}`,
    }),
  });
  const { call, admin } = api;
  const auth = { authorization: `Bearer ${CONTROL_TOKEN}` };

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [MAILBOX] });
    trustCa(sim.caPem);
    await api.start();
  });
  afterAll(async () => {
    await api.close();
    await sim?.stop();
  });

  it('refuses a callback it did not start', async () => {
    const r = await fetch(`${api.baseUrl}/auth/callback?code=abc&state=forged`);
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ error: { field: 'state' } });
  });

  it('signs in through /auth/login, syncs with the delegated token, and needs no new login after a restart', async () => {
    const login = await fetch(`${api.baseUrl}/auth/login`, { headers: auth, redirect: 'manual' });
    expect(login.status).toBe(302);
    const authorize = login.headers.get('location') ?? '';
    expect(authorize.startsWith(`${sim.authorityHost}/`)).toBe(true);
    const consent = await fetch(authorize, { redirect: 'manual' });
    const callback = consent.headers.get('location') ?? '';
    expect(callback.startsWith(`${api.baseUrl}/auth/callback?`)).toBe(true);
    const done = await fetch(callback);
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ status: 'signed_in' });

    await admin('POST', '/seed', { mailbox: MAILBOX, count: 5, seed: 5 });
    const start = await call('POST', '/session/start', { polling_mode: 'manual', enable_webhook: false });
    expect(start.status).toBe(201);
    const inbound = api.queue('email-inbound');
    // A page's e-mails are prioritized by the page's rank (fair mailboxes): they wait in `prioritized`.
    const count = async () => {
      const c = await inbound.getJobCounts('waiting', 'prioritized');
      return (c.waiting ?? 0) + (c.prioritized ?? 0);
    };
    await waitFor(async () => (await count()) === 5, { what: '5 e-mails synced with the delegated token' });

    const tokensBefore = (await admin('GET', '/stats')).tokenRequests as number;
    await api.stop();
    await api.start();
    await admin('POST', `/users/${MAILBOX}/messages`, {
      subject: 'Invoice 6',
      from: { emailAddress: { address: 's@x.example' } },
      receivedDateTime: new Date().toISOString(),
      body: { contentType: 'text', content: '' },
      attachments: [],
    });
    await call('POST', '/polling/trigger');
    await waitFor(async () => (await count()) === 6, { what: 'the 6th e-mail after the restart' });
    expect((await admin('GET', '/stats')).tokenRequests).toBe(tokensBefore);
  });
});
