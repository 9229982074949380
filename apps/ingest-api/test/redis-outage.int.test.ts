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

// A Redis outage is survived: /health says 503 while Redis is away and 200 again once it is back, and the
// process keeps running (its workers reconnect).
describe('Redis outage', () => {
  let redis: PrivateRedis;
  let api: AppProcess;
  let base: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = await startApp('ingest-api', { env: appEnv(redis.url, uniquePrefix('outage'), { PORT: String(port) }) });
  });
  afterAll(async () => {
    await api?.stop();
    await redis?.stop();
  });

  it('answers 503 on /health while Redis is down and recovers when it returns', async () => {
    const health = async () => (await fetch(`${base}/health`)).status;
    expect(await health()).toBe(200);
    const port = redis.port;
    await redis.stop();
    await waitFor(async () => (await health()) === 503, { timeoutMs: 15_000, what: '/health 503' });
    expect(api.child.exitCode).toBeNull();
    redis = await startRedisServer({ port });
    await waitFor(async () => (await health()) === 200, { timeoutMs: 20_000, what: '/health 200 again' });
    const status = await fetch(`${base}/session/status`, { headers: { authorization: 'Bearer test-control-token' } });
    expect(status.status).toBe(200);
  });
});
