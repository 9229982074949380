import { startHealthServer, type HealthCheckResult } from '../src';
import { memoryLogger } from './helpers';

// The workers' side port: one error shape (as on ingest-api), and an answer in time even when the check hangs.
describe('health server (workers side port)', () => {
  const serve = async (check: () => Promise<HealthCheckResult>) =>
    startHealthServer({
      port: 0,
      logger: memoryLogger().logger,
      check,
      metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'ms1_up 1\n' }),
    });

  it('answers 200 with the checks, 503 in the error shape, metrics as text and a JSON 404', async () => {
    let healthy = true;
    const server = await serve(async () => ({ ok: healthy, details: { redis: healthy, worker: true } }));
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const ok = await fetch(`${base}/health`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ status: 'ok', redis: true, worker: true });
      healthy = false;
      const down = await fetch(`${base}/health?probe=1`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({
        error: { code: 'unavailable', message: 'a health check failed', checks: { redis: false, worker: true } },
      });
      expect(await (await fetch(`${base}/metrics`)).text()).toBe('ms1_up 1\n');
      const missing = await fetch(`${base}/nope`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'no route for GET /nope' } });
    } finally {
      await server.close();
      await server.close(); // safe twice
    }
  });

  it('answers 503 when the check hangs or throws', async () => {
    const hanging = await serve(() => new Promise<HealthCheckResult>(() => undefined));
    const throwing = await serve(async () => {
      throw new Error('boom');
    });
    try {
      const slow = await fetch(`http://127.0.0.1:${hanging.port}/health`);
      expect(slow.status).toBe(503);
      expect(await slow.json()).toMatchObject({ error: { code: 'unavailable', checks: { timeout: true } } });
      const failed = await fetch(`http://127.0.0.1:${throwing.port}/health`);
      expect(await failed.json()).toMatchObject({ error: { code: 'unavailable', checks: { error: 'boom' } } });
    } finally {
      await hanging.close();
      await throwing.close();
    }
  });
});
