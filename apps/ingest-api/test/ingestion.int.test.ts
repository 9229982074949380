import type { Queue } from 'bullmq';
import { startGraphSim, trustCa, type GraphSim, type RequestRecord } from '@ms1/graph-sim';
import { uniquePrefix, waitFor } from '@ms1/test-utils';
import { ingestApiHarness } from './helpers/ingest-api-harness';

// Ingestion end to end: graph-sim (real HTTPS, real throttling), ingest-api as a process (real MSAL, Graph SDK,
// BullMQ), real Redis. No processor runs, so every enqueued e-mail stays visible in email-inbound.
const CLIENT_STATE = 'client-state-for-tests';

interface SimStats {
  tokenRequests: number;
  requests: { byKind: Record<string, number> };
  throttled: { total: number };
  peakConcurrency: Record<string, number>;
  subscriptions: { validationsSent: number };
  notifications: { sent: number; failed: number };
}

describe('ingestion (graph-sim + ingest-api process + Redis)', () => {
  let sim: GraphSim;
  let inbound: Queue;
  let sync: Queue;
  const prefix = uniquePrefix('ingest');
  const api = ingestApiHarness({
    prefix,
    sim: () => sim,
    env: (baseUrl) => ({
      INGEST_ROLES: 'http,sync',
      PUBLIC_BASE_URL: baseUrl,
      WEBHOOK_CLIENT_STATE: CLIENT_STATE,
      MAILBOXES: 'a@contoso.example,b@contoso.example',
      DELTA_PAGE_SIZE: '25',
      ATTACHMENT_DIR: `/tmp/${prefix}`,
    }),
  });
  const { call, admin } = api;
  const stats = async () => (await admin('GET', '/stats')) as unknown as SimStats;
  const inject = async (mailbox: string, subject: string) =>
    (await admin('POST', `/users/${mailbox}/messages`, {
      subject,
      from: { emailAddress: { name: 'S', address: 's@supplier.example' } },
      receivedDateTime: new Date().toISOString(),
      body: { contentType: 'text', content: 'invoice attached' },
      attachments: [],
    })) as { id: string };
  const jobsFor = async (mailbox: string) =>
    (
      await inbound.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children'])
    ).filter((j) => j?.data?.mailboxId === mailbox);
  const startSession = async (mailboxes: string[], extra: Record<string, unknown> = {}) => {
    await call('POST', '/session/stop', {});
    const r = await call('POST', '/session/start', {
      polling_mode: 'manual',
      enable_webhook: false,
      mailboxes,
      ...extra,
    });
    expect(r.status).toBe(201);
    return r.body.session_id as string;
  };
  /** graph-sim's record of the delta requests answered since `mark` (a seq of its request log). */
  const deltasSince = async (mark: number) =>
    ((await admin('GET', `/requests?afterSeq=${mark}&kind=delta`)) as unknown as { requests: RequestRecord[] })
      .requests;
  const roundsIdle = async () =>
    waitFor(
      async () =>
        (await sync.getJobs(['waiting', 'active', 'delayed', 'prioritized'])).filter((j) => j?.name === 'sync-mailbox')
          .length === 0,
      { timeoutMs: 30_000, what: 'sync rounds to finish' },
    );

  beforeAll(async () => {
    sim = await startGraphSim({
      port: 0,
      mailboxes: ['a@contoso.example', 'b@contoso.example'],
      latency: { fixedMs: 5, perKbMs: 0, jitterMs: 5 },
    });
    trustCa(sim.caPem);
    await api.start();
    inbound = api.queue('email-inbound');
    sync = api.queue('mail-sync');
  }, 60_000);
  afterAll(async () => {
    if (process.env.DEBUG_INGEST)
      console.log(
        api.process
          ?.output()
          .split('\n')
          .filter((l) => /lifecycle|subscription|error|warn/i.test(l))
          .slice(-40)
          .join('\n'),
      );
    await api.close();
    await sim?.stop();
  });

  it('ingests every seeded e-mail of two mailboxes once, within 4 requests in flight, with one token', async () => {
    await admin('POST', '/seed', { mailbox: 'a@contoso.example', count: 80, seed: 11 });
    await admin('POST', '/seed', { mailbox: 'b@contoso.example', count: 70, seed: 12 });
    const sessionId = await startSession(['a@contoso.example', 'b@contoso.example']);
    await waitFor(
      async () =>
        (await jobsFor('a@contoso.example')).length === 80 && (await jobsFor('b@contoso.example')).length === 70,
      { timeoutMs: 60_000, what: '150 process-email jobs' },
    );
    await roundsIdle();
    const a = await jobsFor('a@contoso.example');
    expect(new Set(a.map((j) => j.data.messageId)).size).toBe(80);
    // Claim check: attachment content is in the store, the job holds a reference and stays small.
    const sizes = a.map((j) => JSON.stringify(j.data).length);
    expect(Math.max(...sizes)).toBeLessThan(8000);
    expect(
      a.some((j) =>
        (j.data.listing.attachments as { storageRef: string | null }[]).some((x) =>
          x.storageRef?.startsWith('sha256/'),
        ),
      ),
    ).toBe(true);

    const s = await stats();
    for (const peak of Object.values(s.peakConcurrency)) expect(peak).toBeLessThanOrEqual(4);
    expect(s.tokenRequests).toBe(1);
    const status = await call('GET', '/session/status');
    expect(status.body.session).toMatchObject({
      session_id: sessionId,
      counters: { discovered: 150, enqueued: 150, syncRounds: 2 },
    });
    // Delta carried the attachments: a few requests for 150 e-mails, not one per e-mail.
    const delta = s.requests.byKind.delta ?? 0;
    expect(delta).toBeLessThan(20);
  }, 120_000);

  it('enqueues nothing twice on a delta replay or after an expired cursor', async () => {
    await startSession(['a@contoso.example']);
    await roundsIdle();
    const before = (await jobsFor('a@contoso.example')).length;
    await admin('PUT', '/config', { deltaReplayRate: 1 });
    const fresh = await inject('a@contoso.example', 'Invoice after replay');
    await call('POST', '/polling/trigger');
    await waitFor(async () => (await jobsFor('a@contoso.example')).some((j) => j.data.messageId === fresh.id), {
      what: 'the new e-mail',
    });
    await roundsIdle();
    await admin('PUT', '/config', { deltaReplayRate: 0 });
    expect((await jobsFor('a@contoso.example')).length).toBe(before + 1);

    await admin('POST', '/users/a@contoso.example/expire-delta');
    const discovered = ((await call('GET', '/session/status')).body.session as { counters: { discovered: number } })
      .counters.discovered;
    await call('POST', '/polling/trigger');
    await waitFor(
      async () =>
        ((await call('GET', '/session/status')).body.session as { counters: { discovered: number } }).counters
          .discovered >=
        discovered + before + 1,
      { timeoutMs: 30_000, what: 'a full resync' },
    );
    await roundsIdle();
    expect((await jobsFor('a@contoso.example')).length).toBe(before + 1);
  }, 120_000);

  it('ingests an e-mail injected while the session runs through the webhook, not through polling', async () => {
    const sent = (await stats()).subscriptions.validationsSent;
    await startSession(['b@contoso.example'], { enable_webhook: true });
    await waitFor(async () => (await stats()).subscriptions.validationsSent >= sent + 2, {
      what: 'subscription handshakes',
    });
    await roundsIdle();
    const notified = (await stats()).notifications.sent;
    const since = Date.now();
    const msg = await inject('b@contoso.example', 'Rechnung 4711');
    await waitFor(async () => (await jobsFor('b@contoso.example')).some((j) => j.data.messageId === msg.id), {
      timeoutMs: 60_000,
      what: 'the e-mail via webhook',
    });
    // The cause, not the clock: Graph notified us, and every sync since the injection was asked for by a webhook
    // (polling is manual in this session, so nothing else could have found the e-mail).
    expect((await stats()).notifications.sent).toBeGreaterThan(notified);
    const syncsSince = (await sync.getJobs(['completed', 'active', 'waiting', 'delayed', 'failed'])).filter(
      (j) => j?.name === 'sync-mailbox' && j.data.mailboxId === 'b@contoso.example' && j.timestamp >= since,
    );
    expect(syncsSince.length).toBeGreaterThan(0);
    expect(syncsSince.map((j) => j.data.trigger as string)).toEqual(syncsSince.map(() => 'webhook'));
  }, 120_000);

  it('collapses a burst of 100 notifications into one sync, and drops a wrong clientState', async () => {
    await roundsIdle();
    const subs = (await admin('GET', '/subscriptions')) as unknown as
      { value?: { id: string; resource: string }[] } | { id: string; resource: string }[];
    const list = Array.isArray(subs) ? subs : (subs.value ?? []);
    const sub = list.find((s) => s.resource.includes('b@contoso.example'));
    expect(sub).toBeDefined();
    const note = (clientState: string) => ({
      subscriptionId: sub?.id,
      clientState,
      changeType: 'created',
      resource: 'Users/x/Messages/y',
      tenantId: 't',
    });

    const deltaBefore = (await stats()).requests.byKind.delta ?? 0;
    const bad = await fetch(`${api.baseUrl}/webhooks/graph`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: Array.from({ length: 5 }, () => note('wrong-state')) }),
    });
    expect(bad.status).toBe(202);
    expect(await bad.json()).toMatchObject({ rejected: 5, syncs: 0 });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await stats()).requests.byKind.delta ?? 0).toBe(deltaBefore);
    expect(api.process?.output()).not.toContain('wrong-state');

    // Graph holds every request 5 s: a webhook that waited for its sync would answer after that.
    await admin('PUT', '/config', { latency: { fixedMs: 5000, perKbMs: 0, jitterMs: 0 } });
    const mark = ((await admin('GET', '/requests')) as { lastSeq: number }).lastSeq;
    let answeredAt: number;
    try {
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          fetch(`${api.baseUrl}/webhooks/graph`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ value: Array.from({ length: 10 }, () => note(CLIENT_STATE)) }),
          }),
        ),
      );
      answeredAt = Date.now();
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
      await waitFor(async () => (await deltasSince(mark)).length > 0, { what: 'the sync the notifications asked for' });
      await roundsIdle();
    } finally {
      await admin('PUT', '/config', { latency: { fixedMs: 5, perKbMs: 0, jitterMs: 5 } });
    }
    // One delta round of an up-to-date mailbox is one request; 100 notifications must not cost 100 rounds.
    expect(((await stats()).requests.byKind.delta ?? 0) - deltaBefore).toBeLessThanOrEqual(2);
    // The notifications were answered before Graph answered the sync they asked for: answering never waits for it.
    const deltas = await deltasSince(mark);
    expect(deltas.length).toBeGreaterThan(0);
    for (const r of deltas) expect(answeredAt).toBeLessThan(r.answeredAt);
  }, 120_000);

  it('handles lifecycle notifications: recreates a removed subscription, renews on reauthorization, resyncs after missed', async () => {
    const subsFor = async () => {
      const all = (await admin('GET', '/subscriptions')) as unknown as
        | { value?: { id: string; resource: string; expirationDateTime: string }[] }
        | { id: string; resource: string; expirationDateTime: string }[];
      return (Array.isArray(all) ? all : (all.value ?? [])).filter((x) => x.resource.includes('b@contoso.example'));
    };
    const [before] = await subsFor();
    expect(before).toBeDefined();
    await admin('POST', '/users/b@contoso.example/lifecycle', { event: 'subscriptionRemoved' });
    const [recreated] = await waitFor(
      async () => {
        const now = await subsFor();
        return now.length === 1 && now[0]?.id !== before?.id ? now : null;
      },
      { what: 'a new subscription' },
    );
    const missedMsg = await inject('b@contoso.example', 'Invoice during a gap');
    await admin('POST', '/users/b@contoso.example/lifecycle', { event: 'missed' });
    await waitFor(async () => (await jobsFor('b@contoso.example')).some((j) => j.data.messageId === missedMsg.id), {
      what: 'the resync after missed',
    });
    await new Promise((r) => setTimeout(r, 1100)); // expiration timestamps have second precision
    await admin('POST', '/users/b@contoso.example/lifecycle', { event: 'reauthorizationRequired' });
    await waitFor(
      async () => {
        const [now] = await subsFor();
        return (
          now?.id === recreated?.id &&
          Date.parse(now.expirationDateTime) > Date.parse(recreated?.expirationDateTime ?? '')
        );
      },
      { what: 'a renewed subscription' },
    );
  }, 120_000);

  it("deletes the session's subscriptions when it stops", async () => {
    const live = async () => {
      const all = (await admin('GET', '/subscriptions')) as unknown as { value?: unknown[] } | unknown[];
      return (Array.isArray(all) ? all : (all.value ?? [])).length;
    };
    expect(await live()).toBeGreaterThan(0);
    expect((await call('POST', '/session/stop', { reason: 'test' })).status).toBe(200);
    expect(await live()).toBe(0);
  });

  it('obeys a 429 storm: throttled jobs are delayed, none fails, no request inside a Retry-After', async () => {
    const storm = 'storm@contoso.example';
    await admin('POST', '/seed', { mailbox: storm, count: 40, seed: 21 });
    // The next 5 requests to the mailbox are answered 429 (Retry-After 1 s), whatever the clock: the storm happens
    // however slow or fast the machine is.
    await admin('PUT', '/config', { throttleNext: { count: 5, retryAfterSeconds: 1, mailbox: storm } });
    const mark = ((await admin('GET', '/requests')) as { lastSeq: number }).lastSeq;
    try {
      await startSession([storm]);
      await waitFor(async () => (await jobsFor(storm)).length === 40, {
        timeoutMs: 120_000,
        what: '40 e-mails through the storm',
      });
    } finally {
      await admin('PUT', '/config', { throttleNext: null });
    }
    expect((await sync.getJobCounts('failed')).failed).toBe(0);
    expect((await call('GET', '/dlq')).body).toMatchObject({ total: 0 });
    // graph-sim's record: five 429s, and after each, nothing asked of the mailbox before its Retry-After was over.
    const log = (await admin('GET', `/requests?afterSeq=${mark}&mailbox=${storm}`)) as unknown as {
      requests: RequestRecord[];
    };
    const refused = log.requests.filter((r) => r.status === 429);
    expect(refused).toHaveLength(5);
    for (const r of refused) {
      const next = log.requests.find((x) => x.seq > r.seq);
      expect(next).toBeDefined();
      expect(next?.at).toBeGreaterThanOrEqual(r.answeredAt + (r.retryAfterSeconds ?? 0) * 1000);
    }
    expect(log.requests.filter((r) => r.at > r.answeredAt)).toEqual([]);
  }, 180_000);
});
