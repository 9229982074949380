import { appEnv, cleanPrefix, freePort, startApp, testRedisUrl, uniquePrefix, type AppProcess } from '@ms1/test-utils';

const TOKEN = 'test-control-token';

describe('control API (ingest-api as a process, real Redis)', () => {
  let api: AppProcess;
  let base: string;
  const prefix = uniquePrefix('api');
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
  ) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: json as Record<string, unknown>, type: res.headers.get('content-type') ?? '' };
  };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = await startApp('ingest-api', {
      env: appEnv(testRedisUrl(), prefix, {
        PORT: String(port),
        MAILBOXES: 'a@contoso.example,b@contoso.example',
        INGEST_ROLES: 'http',
      }),
    });
  });
  afterAll(async () => {
    await api.stop();
    await cleanPrefix(testRedisUrl(), prefix);
  });

  it('answers /health without auth, and everything else only with the bearer token', async () => {
    expect(await call('GET', '/health', undefined, {})).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await call('GET', '/session/status', undefined, {})).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized' } },
    });
    expect((await call('GET', '/session/status', undefined, { authorization: 'Bearer wrong-token' })).status).toBe(401);
    // The right token as a Basic password is refused outside Bull Board.
    const basic = `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`;
    expect((await call('GET', '/session/status', undefined, { authorization: basic })).status).toBe(401);
    expect((await call('GET', '/session/status')).status).toBe(200);
  });

  it('validates bodies: 400 naming the field, 400 for bad JSON, 413 when too large, JSON 404, all in one shape', async () => {
    expect(await call('POST', '/session/start', { polling_interval: 2 })).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'invalid_request',
          field: 'polling_interval',
          message: expect.stringMatching(/^polling_interval .*greater than or equal to 5/),
        },
      },
    });
    for (const [body, field] of [
      [{ polling_mode: 'sometimes' }, 'polling_mode'],
      [{ mailboxes: [] }, 'mailboxes'],
      [{ surprise: 1 }, 'surprise'],
      [{ enable_webhook: true }, 'enable_webhook'],
    ] as const)
      expect(await call('POST', '/session/start', body)).toMatchObject({ status: 400, body: { error: { field } } });
    expect(await call('POST', '/session/start', '{"polling_mode":')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_json' } },
    });
    expect(await call('POST', '/session/start', { mailboxes: ['x'.repeat(2 * 1024 * 1024)] })).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large' } },
    });
    expect(await call('GET', '/no/such/route')).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found', message: 'no route for GET /no/such/route' } },
    });
    expect(await call('GET', '/dlq?limit=0')).toMatchObject({ status: 400, body: { error: { field: 'limit' } } });
  });

  it('runs a session: start 201, second start 409, trigger 202, status, stop 200, history', async () => {
    expect((await call('POST', '/polling/trigger')).status).toBe(409);
    const started = await call('POST', '/session/start', {
      polling_mode: 'scheduled',
      polling_interval: 60,
      enable_webhook: false,
    });
    expect(started).toMatchObject({
      status: 201,
      body: {
        status: 'active',
        polling_mode: 'scheduled',
        polling_interval: 60,
        enable_webhook: false,
        mailboxes: ['a@contoso.example', 'b@contoso.example'],
      },
    });
    const id = started.body.session_id as string;
    expect(await call('POST', '/session/start', {})).toMatchObject({
      status: 409,
      body: { error: { code: 'conflict', session: { session_id: id } } },
    });
    expect(await call('POST', '/polling/trigger')).toMatchObject({
      status: 202,
      body: { session_id: id, mailboxes: 2 },
    });

    const status = await call('GET', '/session/status');
    expect(status.body).toMatchObject({ active: true, session: { session_id: id, counters: { discovered: 0 } } });
    const queues = status.body.queues as Record<string, Record<string, number>>;
    // The start's sync and the trigger's collapse into one deduplicated job per mailbox (no sync worker runs
    // here), plus the polling scheduler's first tick.
    expect(queues['mail-sync']?.waiting).toBe(3);
    expect(status.body.services).toMatchObject({ 'processor-worker': { workers: 0, alive: false } });

    const metrics = await call('GET', '/metrics');
    expect(metrics.body).toMatchObject({ session_id: id, counters: { invoices: 0 } });

    const stopped = await call('POST', '/session/stop', { reason: 'test_done' });
    expect(stopped).toMatchObject({
      status: 200,
      body: { session_id: id, status: 'stopped', stop_reason: 'test_done' },
    });
    expect((await call('POST', '/session/stop', {})).status).toBe(409);
    const history = await call('GET', '/session/history');
    expect((history.body.sessions as { session_id: string }[])[0]).toMatchObject({ session_id: id, status: 'stopped' });
    expect((await call('GET', '/session/status')).body).toMatchObject({ active: false, session: null });
  });

  it('answers /metrics in Prometheus text when asked', async () => {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/plain' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^ms1_queue_jobs\{.*queue="email-inbound".*state="waiting".*\} \d+$/m);
    expect(text).toMatch(/^ms1_process_cpu_user_seconds_total/m);
    expect(text).toContain('app="ingest-api"');
  });

  it('lists an empty dead-letter queue and 404s an unknown replay', async () => {
    expect(await call('GET', '/dlq')).toMatchObject({ status: 200, body: { total: 0, items: [] } });
    expect((await call('POST', '/dlq/nope/replay')).status).toBe(404);
    expect(await call('POST', '/dlq/replay')).toMatchObject({ status: 202, body: { replayed: 0 } });
  });

  it('serves Bull Board behind basic auth with the token', async () => {
    const anon = await fetch(`${base}/admin/queues`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toMatch(/Basic/);
    const basic = `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`;
    const page = await fetch(`${base}/admin/queues`, { headers: { authorization: basic } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const queues = await fetch(`${base}/admin/queues/api/queues`, { headers: { authorization: basic } });
    const names = ((await queues.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toEqual([
      'dead-letter',
      'email-inbound',
      'mail-actions',
      'mail-sync',
      'mail-sync-results',
      'ms4-outbound',
    ]);
  });

  it('never echoes the token or client secret', async () => {
    expect(api.output()).not.toContain(TOKEN);
    expect(api.output()).not.toContain('test-client-secret');
  });
});
