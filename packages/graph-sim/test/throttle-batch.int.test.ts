import { BatchRequestContent, BatchResponseContent, type Client } from '@microsoft/microsoft-graph-client';
import { startGraphSim, type GraphSim, type StatsSnapshot } from '../src';
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

  it('5 concurrent requests to one mailbox: at least one 429 MailboxConcurrency with Retry-After', async () => {
    await admin(sim, 'PUT', '/config', { latency: { fixedMs: 300 } });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => graphFetch(sim, token, `/users/${MB}/messages?$select=subject`)),
    );
    const throttled = results.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(1);
    expect(Number(throttled[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await throttled[0].json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('ApplicationThrottled');
    expect(body.error.message).toContain('MailboxConcurrency');
    const stats = (await admin<StatsSnapshot>(sim, 'GET', '/stats')).body;
    expect(stats.peakConcurrency[MB]).toBe(4);
    expect(stats.throttled.concurrency).toBeGreaterThanOrEqual(1);
  });

  it('the request window answers 429 TooManyRequests with a Retry-After scaled by timeScale', async () => {
    await admin(sim, 'PUT', '/config', { throttle: { requestsPerWindow: 3, windowMs: 600_000 }, timeScale: 60 });
    const statuses: number[] = [];
    let retryAfter = '';
    for (let i = 0; i < 4; i++) {
      const r = await graphFetch(sim, token, `/users/${MB}/mailFolders`);
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after') ?? '';
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(9);
    expect(Number(retryAfter)).toBeLessThanOrEqual(10);
  });

  it('the SDK RetryHandler obeys Retry-After on 429', async () => {
    await admin(sim, 'PUT', '/config', { latency: { fixedMs: 400 } });
    const before = (await admin<StatsSnapshot>(sim, 'GET', '/stats')).body.throttled.total;
    const t0 = Date.now();
    const pages = await Promise.all(
      Array.from(
        { length: 5 },
        () => client.api(`/users/${MB}/messages`).select('subject').get() as Promise<{ value: unknown[] }>,
      ),
    );
    const elapsed = Date.now() - t0;
    expect(pages.every((p) => p.value.length === 6)).toBe(true);
    const after = (await admin<StatsSnapshot>(sim, 'GET', '/stats')).body.throttled.total;
    expect(after - before).toBeGreaterThanOrEqual(1);
    expect(elapsed).toBeGreaterThanOrEqual(1000); // waited Retry-After: 1
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
