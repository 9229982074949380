import http from 'node:http';
import type { Logger } from '../logging/logger';

export interface HealthServer {
  port: number | null;
  close(): Promise<void>;
}

/**
 * The small side port of worker apps: `GET /health` answers 200 when `check` says healthy, else 503, and
 * `GET /metrics` returns what `metrics` gives. A taken port is logged, not fatal: a worker without its
 * health port still does its work.
 */
export async function startHealthServer(opts: {
  port: number;
  logger: Logger;
  check: () => Promise<{ ok: boolean; details: Record<string, unknown> }>;
  metrics?: () => Promise<{ contentType: string; body: string }>;
}): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/health') {
        const { ok, details } = await opts.check();
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', ...details }));
      } else if (req.method === 'GET' && req.url === '/metrics' && opts.metrics) {
        const m = await opts.metrics();
        res.writeHead(200, { 'content-type': m.contentType });
        res.end(m.body);
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'not found' }));
      }
    })().catch(() => {
      res.writeHead(500).end();
    });
  });
  const port = await new Promise<number | null>((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      opts.logger.warn(`health port ${opts.port} unavailable (${err.code ?? err.message}); running without it`);
      resolve(null);
    });
    server.listen(opts.port, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : null);
    });
  });
  return {
    port,
    close: () => new Promise<void>((resolve) => (port === null ? resolve() : server.close(() => resolve()))),
  };
}
