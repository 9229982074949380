import http from 'node:http';
import type { Logger } from '../logging/logger';
import { HttpError } from './http-error';
import { answerSidePort, sidePortRoutes, type SidePortAnswer, type SidePortChecks } from './side-port';

export interface HealthServer {
  port: number | null;
  close(): Promise<void>;
}

const HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/**
 * The small side port of worker apps (`/health`, `/metrics`): the plain handlers of `side-port.ts` behind a bare
 * node:http server, which is all this adapter does. Failures answer in the project's one error shape, built by
 * `HttpError.body()` as on ingest-api. A taken port is logged, not fatal: a worker without its health port still
 * does its work.
 */
export async function startHealthServer(
  opts: SidePortChecks & { port: number; logger: Logger },
): Promise<HealthServer> {
  const routes = sidePortRoutes(opts);
  const server = http.createServer((req, res) => {
    const send = (a: SidePortAnswer, headers: Record<string, string> = {}) => {
      res.writeHead(a.status, { ...HEADERS, ...headers, 'content-type': a.contentType });
      res.end(a.body);
    };
    const sendError = (err: HttpError) =>
      send(
        { status: err.status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(err.body()) },
        err.headers,
      );
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    answerSidePort(routes, req.method ?? 'GET', path)
      .then(send, (err: unknown) => {
        if (err instanceof HttpError) return sendError(err);
        opts.logger.error('health port request failed', { path, err });
        sendError(new HttpError(500, 'internal error'));
      })
      .catch((err: unknown) => {
        opts.logger.error('health port answer failed', { path, err });
        res.destroy();
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
