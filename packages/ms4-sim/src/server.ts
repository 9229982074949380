// Assembles the HTTP server: /batch-metadata, the /_sim admin API, JSON 404s and errors; start and stop.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { adminRouter } from './admin';
import { batchHandler } from './batch';
import { parseConfigInput, type SimConfigInput } from './config';
import { Faults } from './faults';
import type { SimState } from './state';
import { RequestLog } from './request-log';
import { Stats } from './stats';
import { Store } from './store';
import { isObject } from './validate';

export interface Ms4SimOptions extends SimConfigInput {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, /batch-metadata requires `Authorization: Bearer <apiToken>` (else 401). */
  apiToken?: string;
  /** Seed of the random draws of fault injection (default: the clock), to replay a run. */
  randomSeed?: number;
}

export interface Ms4Sim {
  /** Where MS1 sends batches: `${baseUrl}/batch-metadata`. */
  baseUrl: string;
  /** `${baseUrl}/_sim`. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function errorStatus(err: unknown): number {
  if (!isObject(err)) return 500;
  const status =
    typeof err.status === 'number' ? err.status : typeof err.statusCode === 'number' ? err.statusCode : 500;
  return status >= 400 && status < 600 ? status : 500;
}

export async function startMs4Sim(options: Ms4SimOptions = {}): Promise<Ms4Sim> {
  const { port = 0, host = '127.0.0.1', apiToken, randomSeed, ...configInput } = options;
  const parsed = parseConfigInput(configInput);
  if (!parsed.ok) throw new Error(`ms4-sim: invalid options: ${parsed.reasons.join('; ')}`);
  if (apiToken === '') throw new Error('ms4-sim: apiToken must not be empty (leave it unset for no auth)');

  const timers = new Map<NodeJS.Timeout, () => void>();
  const state: SimState = {
    faults: new Faults(parsed.value, randomSeed),
    store: new Store(),
    stats: new Stats(),
    requests: new RequestLog(),
    apiToken,
    sleep: (ms) =>
      ms <= 0
        ? Promise.resolve()
        : new Promise((resolve) => {
            const timer = setTimeout(() => {
              timers.delete(timer);
              resolve();
            }, ms);
            timers.set(timer, resolve);
          }),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.all('/batch-metadata', batchHandler(state));
  app.use('/_sim', adminRouter(state));
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: 'not found', method: req.method, path: req.path });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = errorStatus(err);
    if (status >= 500) process.stderr.write(`ms4-sim: ${err instanceof Error ? err.stack : String(err)}\n`);
    const message =
      status === 400
        ? 'invalid JSON'
        : status === 413
          ? 'payload too large'
          : status >= 500
            ? 'internal error'
            : 'bad request';
    if (!res.headersSent) res.status(status).json({ error: message });
  });

  const server = http.createServer(app);
  server.listen(port, host);
  await once(server, 'listening');
  const bound = (server.address() as AddressInfo).port;
  const baseUrl = `http://${urlHost(host)}:${bound}`;

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      for (const [timer, wake] of timers) {
        clearTimeout(timer);
        wake();
      }
      timers.clear();
      server.closeAllConnections();
    });
    return stopping;
  };

  return { baseUrl, adminUrl: `${baseUrl}/_sim`, port: bound, stop };
}
