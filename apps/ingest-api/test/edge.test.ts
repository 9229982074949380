import { TOKEN, httpHarness, type HttpHarness } from './helpers/http-harness';
import { uniquePrefix } from '@ms1/test-utils';

// The edge as a browser, an attacker and Graph meet it: ingest-api's HTTP app in this process, real Redis.
const bearer = { authorization: `Bearer ${TOKEN}` };
const basic = { authorization: `Basic ${Buffer.from(`operator:${TOKEN}`).toString('base64')}` };
const json = { 'content-type': 'application/json' };

function expectSecurityHeaders(res: Response): void {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('x-powered-by')).toBeNull();
}

describe('the HTTP edge', () => {
  let h: HttpHarness;
  let base: string;
  beforeAll(async () => {
    h = await httpHarness({ PUBLIC_BASE_URL: 'https://ms1.contoso.example' });
    base = await h.listen();
  });
  afterAll(async () => {
    await h.close();
  });

  it('puts security headers on every answer: success, 400, 401, 403, 404 and Bull Board', async () => {
    const answers = [
      await fetch(`${base}/health`),
      await fetch(`${base}/webhooks/graph`, { method: 'POST', headers: json, body: '{"value":[null]}' }),
      await fetch(`${base}/session/status`),
      await fetch(`${base}/session/stop`, { method: 'POST', headers: { ...bearer, 'sec-fetch-site': 'cross-site' } }),
      await fetch(`${base}/nowhere`),
      await fetch(`${base}/admin/queues`, { headers: basic }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 400, 401, 403, 404, 200]);
    for (const res of answers) expectSecurityHeaders(res);
    for (const res of answers.slice(1, 5))
      expect(await res.json()).toEqual({
        error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
      });
    // The API loads nothing; only Bull Board's page may load its own scripts (and no inline or foreign one).
    expect(answers[0]?.headers.get('content-security-policy')).toContain("default-src 'none'");
    const boardPolicy = answers[5]?.headers.get('content-security-policy') ?? '';
    expect(boardPolicy).toContain("script-src 'self'");
    expect(boardPolicy).not.toMatch(/script-src[^;]*unsafe/);
  });

  it('takes Basic credentials only under /admin/queues, bearer tokens everywhere', async () => {
    expect((await fetch(`${base}/admin/queues`)).headers.get('www-authenticate')).toMatch(/^Basic /);
    expect((await fetch(`${base}/admin/queues/api/queues`, { headers: basic })).status).toBe(200);
    expect((await fetch(`${base}/admin/queues/api/queues`, { headers: bearer })).status).toBe(200);
    const refused = await fetch(`${base}/session/status`, { headers: basic });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await fetch(`${base}/dlq`, { headers: basic })).status).toBe(401);
    expect((await fetch(`${base}/session/status`, { headers: bearer })).status).toBe(200);
  });

  it('refuses a forged cross-site form post carrying Basic credentials, and any cross-origin state change', async () => {
    const forged = await fetch(`${base}/session/start`, {
      method: 'POST',
      headers: {
        ...basic,
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
        'sec-fetch-mode': 'navigate',
      },
      body: 'polling_mode=scheduled&polling_interval=5',
    });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toEqual({
      error: { code: 'forbidden', message: 'cross-origin request refused: Sec-Fetch-Site is cross-site' },
    });
    expect(await h.side.store.current()).toBeNull();

    const attempts: [string, string, Record<string, string>][] = [
      ['POST', '/session/stop', { ...bearer, origin: 'https://evil.example' }], // an older browser: Origin only
      ['POST', '/dlq/replay', { ...bearer, 'sec-fetch-site': 'same-site', origin: 'https://sub.contoso.example' }],
      ['POST', '/polling/trigger', { ...bearer, origin: 'null' }],
      ['PUT', '/admin/queues/api/queues/mail-sync/retry/failed', { ...basic, 'sec-fetch-site': 'cross-site' }],
      ['POST', '/webhooks/graph', { ...json, 'sec-fetch-site': 'cross-site' }],
    ];
    for (const [method, path, headers] of attempts)
      expect([method, path, (await fetch(`${base}${path}`, { method, headers, body: '{}' })).status]).toEqual([
        method,
        path,
        403,
      ]);
    expect(await h.side.store.current()).toBeNull();
  });

  it('lets through what is not a cross-site browser request: CLI and curl, same origin, the public origin, Graph', async () => {
    const start = JSON.stringify({ polling_mode: 'manual', enable_webhook: false });
    const host = new URL(base).host;
    expect(
      (await fetch(`${base}/session/start`, { method: 'POST', headers: { ...bearer, ...json }, body: start })).status,
    ).toBe(201);
    const passes: Record<string, string>[] = [
      { origin: `http://${host}` },
      { 'sec-fetch-site': 'same-origin', origin: 'http://whatever.example' },
      { 'sec-fetch-site': 'none' },
      { origin: 'https://ms1.contoso.example' }, // PUBLIC_BASE_URL, behind a proxy that rewrites Host
    ];
    for (const headers of passes)
      expect(
        (await fetch(`${base}/polling/trigger`, { method: 'POST', headers: { ...bearer, ...headers } })).status,
      ).toBe(202);
    // Safe methods change nothing: a cross-site GET is answered (the token still guards it).
    expect(
      (await fetch(`${base}/session/status`, { headers: { ...bearer, 'sec-fetch-site': 'cross-site' } })).status,
    ).toBe(200);
    // Graph's POSTs carry neither header.
    const graph = await fetch(`${base}/webhooks/graph`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        value: [{ subscriptionId: 's', clientState: 'x', changeType: 'created', resource: 'r' }],
      }),
    });
    expect(graph.status).toBe(202);
  });

  it('answers malformed notifications 400 naming the item, bad JSON 400, and echoes a capped token as text only', async () => {
    const malformed = await fetch(`${base}/webhooks/graph/lifecycle`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ value: [{ subscriptionId: 's', clientState: 'x', lifecycleEvent: 'missed' }, null] }),
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({
      error: { code: 'invalid_request', field: 'value[1]', message: 'value[1] must be of type object' },
    });
    const broken = await fetch(`${base}/webhooks/graph`, { method: 'POST', headers: json, body: '{"value": [' });
    expect(await broken.json()).toMatchObject({ error: { code: 'invalid_json' } });

    const token = '<script>alert(1)</script>';
    const echo = await fetch(`${base}/webhooks/graph?validationToken=${encodeURIComponent(token)}`, { method: 'POST' });
    expect(echo.status).toBe(200);
    expect(echo.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(echo.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await echo.text()).toBe(token);
    const long = await fetch(`${base}/webhooks/graph?validationToken=${'x'.repeat(1025)}`, { method: 'POST' });
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ error: { field: 'validationToken' } });
  });
});

describe('the webhook rate limit', () => {
  it('is one budget for every replica, counted in Redis: beyond it 429 with Retry-After', async () => {
    const prefix = uniquePrefix('ratelimit');
    const env = { WEBHOOK_RATE_LIMIT_MAX: '5', WEBHOOK_RATE_LIMIT_WINDOW_SECONDS: '60' };
    const a = await httpHarness(env, { prefix });
    const b = await httpHarness(env, { prefix });
    try {
      const [baseA, baseB] = [await a.listen(), await b.listen()];
      const hook = (url: string) => fetch(`${url}/webhooks/graph?validationToken=t`, { method: 'POST' });
      const first = [await hook(baseA), await hook(baseB), await hook(baseA), await hook(baseB), await hook(baseA)];
      expect(first.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      const over = await hook(baseB);
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await over.json()).toMatchObject({ error: { code: 'too_many_requests' } });
      expect((await hook(baseA)).status).toBe(429);
      // Only the webhook path is limited.
      expect((await fetch(`${baseA}/health`)).status).toBe(200);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
