import http from 'node:http';
import type { Logger } from '../logging/logger';
import { errorBody, type ErrorBody } from './http-error';

export interface HealthServer {
  port: number | null;
  close(): Promise<void>;
}

export interface HealthCheckResult {
  ok: boolean;
  details: Record<string, unknown>;
}

const CHECK_TIMEOUT_MS = 1500;

/**
 * The small side port of worker apps: `GET /health` answers 200 with the checks when `check` says healthy, else
 * 503 in the project's error shape (`{"error":{"code":"unavailable","message","checks"}}`), within 1.5 s even if
 * the check hangs; `GET /metrics` returns what `metrics` gives. A taken port is logged, not fatal: a worker without
 * its health port still does its work.
 */
export async function startHealthServer(opts: {
  port: number;
  logger: Logger;
  check: () => Promise<HealthCheckResult>;
  metrics?: () => Promise<{ contentType: string; body: string }>;
}): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      res.end(JSON.stringify(body));
    };
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/health') {
        const { ok, details } = await boundedCheck(opts.check);
        if (ok) json(200, { status: 'ok', ...details });
        else json(503, errorBody(503, 'a health check failed', { checks: details }));
      } else if (req.method === 'GET' && path === '/metrics' && opts.metrics) {
        const m = await opts.metrics();
        res.writeHead(200, { 'content-type': m.contentType, 'cache-control': 'no-store' });
        res.end(m.body);
      } else {
        json(404, errorBody(404, `no route for ${req.method ?? 'GET'} ${path}`) satisfies ErrorBody);
      }
    })().catch((err: unknown) => {
      opts.logger.error('health port request failed', { path: req.url, err });
      if (!res.headersSent) json(500, errorBody(500, 'internal error'));
      else res.end();
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
  let closing: Promise<void> | null = null;
  return {
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        if (port === null) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** The check, or "unhealthy" when it throws or does not answer in time (a hung Redis must not hang /health). */
async function boundedCheck(check: () => Promise<HealthCheckResult>): Promise<HealthCheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check(),
      new Promise<HealthCheckResult>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, details: { timeout: true } }), CHECK_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    return { ok: false, details: { error: err instanceof Error ? err.message : String(err) } };
  } finally {
    clearTimeout(timer);
  }
}
