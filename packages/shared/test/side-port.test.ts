import { freePort } from '@ms1/test-utils';
import {
  answerSidePort,
  closeRedis,
  createRedis,
  createWorker,
  HttpError,
  loadConfig,
  QueueName,
  sidePortRoutes,
  workerHealthCheck,
  type HealthCheckResult,
  type SidePortChecks,
} from '../src';
import { queueHarness } from './helpers';

// The plain handlers of the workers' side port, called directly: answers, and failures as HttpError in the one
// error shape (the node:http adapter is covered by health-server.test.ts).
describe('side port handlers', () => {
  const metrics = async () => ({ contentType: 'text/plain; version=0.0.4', body: 'ms1_up 1\n' });
  const answer = (checks: SidePortChecks, method: string, path: string) =>
    answerSidePort(sidePortRoutes(checks), method, path);
  const failure = (checks: SidePortChecks, method: string, path: string): Promise<HttpError> =>
    answer(checks, method, path).then(
      (a) => {
        throw new Error(`expected a failure, got ${a.status}`);
      },
      (err: unknown) => {
        if (!(err instanceof HttpError)) throw err;
        return err;
      },
    );

  it('answers /health with the checks while they pass', async () => {
    const a = await answer(
      { check: async () => ({ ok: true, details: { redis: true, worker: true } }) },
      'GET',
      '/health',
    );
    expect(a.status).toBe(200);
    expect(a.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(a.body)).toEqual({ status: 'ok', redis: true, worker: true });
  });

  it('answers a failed check with 503 carrying the checks', async () => {
    const err = await failure(
      { check: async () => ({ ok: false, details: { redis: false, worker: true } }) },
      'GET',
      '/health',
    );
    expect(err.status).toBe(503);
    expect(err.body()).toEqual({
      error: { code: 'unavailable', message: 'a health check failed', checks: { redis: false, worker: true } },
    });
  });

  it('answers 503 when the check throws or never answers', async () => {
    const thrown = await failure(
      {
        check: async () => {
          throw new Error('boom');
        },
      },
      'GET',
      '/health',
    );
    expect(thrown.body()).toEqual({
      error: { code: 'unavailable', message: 'a health check failed', checks: { error: 'boom' } },
    });
    const hung = await failure(
      { check: () => new Promise<HealthCheckResult>(() => undefined), checkTimeoutMs: 50 },
      'GET',
      '/health',
    );
    expect(hung.body()).toMatchObject({ error: { code: 'unavailable', checks: { timeout: true } } });
  });

  it('answers /metrics with what the metrics give, and only when there are metrics', async () => {
    const check = async () => ({ ok: true, details: {} });
    expect(await answer({ check, metrics }, 'GET', '/metrics')).toEqual({
      status: 200,
      contentType: 'text/plain; version=0.0.4',
      body: 'ms1_up 1\n',
    });
    expect((await failure({ check }, 'GET', '/metrics')).body()).toEqual({
      error: { code: 'not_found', message: 'no route for GET /metrics' },
    });
  });

  it('answers an unknown route or method with 404 in the error shape', async () => {
    const check = async () => ({ ok: true, details: {} });
    const unknown = await failure({ check, metrics }, 'GET', '/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body()).toEqual({ error: { code: 'not_found', message: 'no route for GET /nope' } });
    expect((await failure({ check, metrics }, 'POST', '/health')).status).toBe(404);
  });

  it("checks a worker app: Redis answers and the worker runs, with the app's own details", async () => {
    const h = await queueHarness();
    const worker = createWorker(
      QueueName.EmailInbound,
      {
        'process-email': async (job) => ({
          mailboxId: job.data.mailboxId,
          messageId: job.data.messageId,
          outcome: 'not-an-invoice',
          invoices: 0,
          warnings: 0,
          reason: '',
        }),
      },
      { queueSetup: h.queueSetup, deadLetters: h.deadLetters },
    );
    try {
      const check = workerHealthCheck({ connection: h.connection, worker, details: () => ({ circuit: 'closed' }) });
      expect(await check()).toEqual({ ok: true, details: { redis: true, worker: true, circuit: 'closed' } });
      await worker.close();
      expect(await check()).toEqual({ ok: false, details: { redis: true, worker: false, circuit: 'closed' } });
      const err = await failure({ check }, 'GET', '/health');
      expect(err.body()).toMatchObject({ error: { code: 'unavailable', checks: { worker: false } } });
    } finally {
      await worker.close();
      await h.close();
    }
  });

  it('reports Redis down when nothing answers where Redis should be', async () => {
    const config = loadConfig('tool', { REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    const connection = createRedis(config.redis, { role: 'http', commandTimeoutMs: 300 });
    connection.on('error', () => undefined);
    try {
      const check = workerHealthCheck({ connection, worker: { isRunning: () => true } });
      expect(await check()).toEqual({ ok: false, details: { redis: false, worker: true } });
    } finally {
      await closeRedis(connection);
    }
  });
});
