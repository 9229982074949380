import {
  appEnv,
  freePort,
  startApp,
  startRedisServer,
  uniquePrefix,
  waitFor,
  type AppProcess,
  type PrivateRedis,
} from '@ms1/test-utils';

// A replica with only the sync role (compose's `mail-sync`, Kubernetes' `mail-sync`) serves no control API, so its
// /health and /metrics are on the side port HEALTH_PORT, as on the workers: 200 while Redis answers and its sync
// workers run, 503 once Redis is gone.
describe('ingest-api with INGEST_ROLES=sync', () => {
  let redis: PrivateRedis;
  let app: AppProcess;
  let httpPort: number;
  let health: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    httpPort = await freePort();
    const env = appEnv(redis.url, uniquePrefix('sync-health'), {
      INGEST_ROLES: 'sync',
      PORT: String(httpPort),
      HEALTH_PORT: '0',
      MAILBOXES: 'a@contoso.example',
    });
    app = await startApp('ingest-api', { env });
    const started = JSON.parse(await app.waitForOutput(/"message":"started"/)) as {
      roles: string[];
      healthPort: number;
    };
    expect(started.roles).toEqual(['sync']);
    health = `http://127.0.0.1:${started.healthPort}/health`;
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  it('answers /health and /metrics on HEALTH_PORT, and nothing on PORT', async () => {
    const res = await fetch(health);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', redis: true, workers: true, roles: ['sync'] });

    const metrics = await fetch(health.replace('/health', '/metrics'), { headers: { accept: 'text/plain' } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('ms1_');

    const refused = await fetch(`http://127.0.0.1:${httpPort}/health`).then(
      () => 'answered',
      (err: Error & { cause?: { code?: string } }) => err.cause?.code,
    );
    expect(refused).toBe('ECONNREFUSED');
  });

  it('answers 503 naming Redis once Redis is gone', async () => {
    await redis.stop();
    let last: { status: number; body: unknown } | undefined;
    await waitFor(
      async () => {
        const res = await fetch(health, { signal: AbortSignal.timeout(5000) });
        last = { status: res.status, body: await res.json() };
        return res.status === 503;
      },
      { timeoutMs: 20_000, what: 'sync replica /health 503' },
    );
    expect(last?.body).toMatchObject({ error: { code: 'unavailable', checks: { redis: false } } });
  });
});
