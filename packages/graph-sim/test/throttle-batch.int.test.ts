import { BatchRequestContent, BatchResponseContent, type Client } from '@microsoft/microsoft-graph-client';
import { startGraphSim, type GraphSim, type RequestRecord, type StatsSnapshot } from '../src';
import { admin, appToken, graphClient, graphFetch, sampleMessage } from './helpers/clients';
import { trustCa } from './helpers/trust-ca';

const MB = 'busy@contoso.example';

describe('throttling, latency, faults and $batch', () => {
  let sim: GraphSim;
  let client: Client;
  let token: string;
  let ids: string[];

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [MB] });
    trustCa(sim.caPem);
    client = graphClient(sim);
    token = await appToken(sim);
    ids = [];
    for (let i = 0; i < 6; i++)
      ids.push((await admin<{ id: string }>(sim, 'POST', `/users/${MB}/messages`, sampleMessage(i))).body.id);
  });
  afterAll(() => sim.stop());
  afterEach(async () => {
    await admin(sim, 'PUT', '/config', {
      throttle: { concurrency: 4, requestsPerWindow: 10_000, windowMs: 600_000 },
      latency: { fixedMs: 0, perKbMs: 0, jitterMs: 0 },
      errorRate: 0,
      timeScale: 1,
    });
  });

  /** graph-sim's record of the Graph requests that arrived after `mark` (a seq). */
  const requestsAfter = async (mark: number): Promise<RequestRecord[]> =>
    (await admin<{ requests: RequestRecord[] }>(sim, 'GET', `/requests?afterSeq=${mark}&mailbox=${MB}`)).body.requests;
  const lastSeq = async (): Promise<number> => (await admin<{ lastSeq: number }>(sim, 'GET', '/requests')).body.lastSeq;
  /** Starts `n` requests that each hold a slot for the configured latency; resolves once graph-sim has them all. */
  const holdSlots = async (n: number): Promise<Promise<Response>[]> => {
    const held = Array.from({ length: n }, () => graphFetch(sim, token, `/users/${MB}/messages?$select=subject`));
    const deadline = Date.now() + 60_000;
    while ((await admin<StatsSnapshot>(sim, 'GET', '/stats')).body.inFlight[MB] !== n) {
      if (Date.now() > deadline) throw new Error(`graph-sim never had ${n} requests in flight`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return held;
  };

  it('a 5th request while 4 are in flight: 429 MailboxConcurrency with Retry-After', async () => {
    // Each admitted request holds its slot for 5 s; the 5th is sent once graph-sim has the 4 in flight.
    await admin(sim, 'PUT', '/config', { latency: { fixedMs: 5000 } });
    const mark = await lastSeq();
    const held = await holdSlots(4);
    const fifth = await graphFetch(sim, token, `/users/${MB}/messages?$select=subject`);
    expect(fifth.status).toBe(429);
    expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await fifth.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('ApplicationThrottled');
    expect(body.error.message).toContain('MailboxConcurrency');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const stats = (await admin<StatsSnapshot>(sim, 'GET', '/stats')).body;
    expect(stats.peakConcurrency[MB]).toBe(4);
    expect(stats.throttled.concurrency).toBeGreaterThanOrEqual(1);
    // The cause, as graph-sim recorded it: refused because 4 were in flight when it arrived.
    const log = await requestsAfter(mark);
    expect(log.filter((r) => r.status === 429).map((r) => [r.throttled, r.inFlightAtArrival])).toEqual([
      ['concurrency', 4],
    ]);
  });

  it('the request window answers 429 TooManyRequests with a Retry-After scaled by timeScale', async () => {
    // 600 s of the sim's clock at timeScale 60: a 10 s window of real time.
    await admin(sim, 'PUT', '/config', { throttle: { requestsPerWindow: 3, windowMs: 600_000 }, timeScale: 60 });
    const mark = await lastSeq();
    const statuses: number[] = [];
    let retryAfter = '';
    for (let i = 0; i < 4; i++) {
      const r = await graphFetch(sim, token, `/users/${MB}/mailFolders`);
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after') ?? '';
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Retry-After is when the first request leaves the 10 s window, in whole seconds: bounded by graph-sim's record
    // of when the first request and the refused one arrived and were answered.
    const [first, , , refused] = await requestsAfter(mark);
    const seconds = Number(retryAfter);
    expect(seconds).toBeLessThanOrEqual(Math.ceil(((first?.answeredAt ?? 0) + 10_000 - (refused?.at ?? 0)) / 1000));
    expect(seconds).toBeGreaterThanOrEqual(Math.ceil(((first?.at ?? 0) + 10_000 - (refused?.answeredAt ?? 0)) / 1000));
    expect(seconds).toBeLessThanOrEqual(10); // scaled: unscaled it would be about 600
  });

  it('the SDK RetryHandler obeys Retry-After on 429', async () => {
    // 4 requests hold the mailbox's slots for 5 s; the SDK's request is refused while they do, and each of its
    // retries waits the Retry-After it was given, counted from graph-sim's answer. At timeScale 0.25 a refusal asks
    // for 4 s: the first retry comes while the slots are still held, the second after (the SDK retries 3 times).
    await admin(sim, 'PUT', '/config', { latency: { fixedMs: 5000 }, timeScale: 0.25 });
    const held = await holdSlots(4);
    const mark = await lastSeq();
    const sdk = client.api(`/users/${MB}/messages`).select('subject').get() as Promise<{ value: unknown[] }>;
    await Promise.all(held);
    await admin(sim, 'PUT', '/config', { latency: { fixedMs: 0 } }); // (only shortens the test)
    expect((await sdk).value).toHaveLength(6);
    const chain = await requestsAfter(mark); // only the SDK's request and its retries came after the holders
    expect(chain.length).toBeGreaterThanOrEqual(2);
    expect(chain[0]?.retryAfterSeconds).toBe(4);
    expect(chain.slice(0, -1).every((r) => r.status === 429)).toBe(true);
    expect(chain[chain.length - 1]?.status).toBe(200);
    for (let i = 1; i < chain.length; i++) {
      const refused = chain[i - 1] as RequestRecord;
      expect(chain[i]?.at).toBeGreaterThanOrEqual(refused.answeredAt + (refused.retryAfterSeconds ?? 0) * 1000);
    }
  });

  it('$batch: inner responses, dependsOn, an inner 429 inside a 200 batch, more than 20 refused', async () => {
    const batch = new BatchRequestContent([
      {
        id: '1',
        request: new Request(`${sim.graphBaseUrl}/users/${MB}/messages/${ids[0]}?$select=subject`, { method: 'GET' }),
      },
      {
        id: '2',
        request: new Request(`${sim.graphBaseUrl}/users/${MB}/messages/${ids[1]}`, {
          method: 'PATCH',
          body: JSON.stringify({ isRead: true }),
          headers: { 'Content-Type': 'application/json' },
        }),
        dependsOn: ['1'],
      },
    ]);
    const res = new BatchResponseContent(await client.api('/$batch').post(await batch.getContent()));
    expect(res.getResponseById('1').status).toBe(200);
    expect(((await res.getResponseById('1').json()) as { subject: string }).subject).toBe('Invoice 0');
    expect(res.getResponseById('2').status).toBe(200);

    await admin(sim, 'PUT', '/config', { throttle: { requestsPerWindow: 3 } });
    const many = new BatchRequestContent(
      ids.slice(0, 5).map((id, i) => ({
        id: String(i + 1),
        request: new Request(`${sim.graphBaseUrl}/users/${MB}/messages/${id}?$select=id`, { method: 'GET' }),
      })),
    );
    const raw = await graphFetch(sim, token, '/$batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(await many.getContent()),
    });
    expect(raw.status).toBe(200);
    const body = (await raw.json()) as {
      responses: { id: string; status: number; headers: Record<string, string>; body: { error?: { code: string } } }[];
    };
    const inner429 = body.responses.filter((r) => r.status === 429);
    expect(inner429.length).toBe(2);
    expect(Number(inner429[0].headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(body.responses.filter((r) => r.status === 200)).toHaveLength(3);

    const tooMany = {
      requests: Array.from({ length: 21 }, (_, i) => ({
        id: String(i),
        method: 'GET',
        url: `/users/${MB}/mailFolders`,
      })),
    };
    const r21 = await graphFetch(sim, token, '/$batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tooMany),
    });
    expect(r21.status).toBe(400);
  });

  it('injects 5xx in Graph error shape', async () => {
    await admin(sim, 'PUT', '/config', { errorRate: 1 });
    const r = await graphFetch(sim, token, `/users/${MB}/mailFolders`);
    expect([500, 503]).toContain(r.status);
    const body = (await r.json()) as { error: { code: string; innerError: Record<string, string> } };
    expect(['serviceNotAvailable', 'generalException']).toContain(body.error.code);
    expect(body.error.innerError['request-id']).toBeTruthy();
  });
});
