import http from 'node:http';
import { startHealthServer, type HealthCheckResult } from '../src';
import { memoryLogger } from './helpers';

// The side port's node:http adapter: the handlers' answers and errors as HTTP, in the one error shape (as on
// ingest-api); the handlers themselves are covered by side-port.test.ts.
describe('health server (workers side port)', () => {
  const serve = async (check: () => Promise<HealthCheckResult>, port = 0) =>
    startHealthServer({
      port,
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
      expect(ok.headers.get('cache-control')).toBe('no-store');
      expect(await ok.json()).toEqual({ status: 'ok', redis: true, worker: true });
      healthy = false;
      const down = await fetch(`${base}/health?probe=1`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({
        error: { code: 'unavailable', message: 'a health check failed', checks: { redis: false, worker: true } },
      });
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4');
      expect(await metrics.text()).toBe('ms1_up 1\n');
      const missing = await fetch(`${base}/nope`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'no route for GET /nope' } });
    } finally {
      await server.close();
      await server.close(); // safe twice
    }
  });

  it('runs without its port when the port is taken', async () => {
    const taken = http.createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const address = taken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const server = await serve(async () => ({ ok: true, details: {} }), port);
      expect(server.port).toBeNull();
      await server.close();
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
