import { PassThrough } from 'node:stream';
import type { Server } from 'node:http';
import type { Express } from 'express';
import {
  closeRedis,
  createGraphStack,
  createLogger,
  createRedis,
  keyPrefix,
  loadConfig,
  Metrics,
  SessionStore,
  Shutdown,
  type Config,
  type Logger,
  type MsalTokenProvider,
} from '@ms1/shared';
import { appEnv, cleanPrefix, testRedisUrl, uniquePrefix } from '@ms1/test-utils';
import { createHandlers, createHttpApp } from '../../src/http/app';
import { openHttpSide, type HttpSide } from '../../src/http/http-side';
import type { Handlers } from '../../src/http/routes';

export const TOKEN = 'test-control-token';
export const CLIENT_STATE = 'client-state-for-edge-tests';

export interface HttpHarness {
  config: Config;
  logger: Logger;
  /** Everything logged so far, as JSON lines. */
  logged(): string;
  side: HttpSide;
  tokens: MsalTokenProvider;
  metrics: Metrics;
  handlers: Handlers;
  prefix: string;
  /** The Express app of these handlers, listening on a free port (opened on first use, closed with the harness). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The HTTP side of ingest-api in this process, on the test run's real Redis under a prefix of its own: the same
 * fail-fast connection, queues, stores and handlers as production, without the sync worker.
 */
export async function httpHarness(
  env: Record<string, string> = {},
  opts: { redisUrl?: string; prefix?: string } = {},
): Promise<HttpHarness> {
  const redisUrl = opts.redisUrl ?? testRedisUrl();
  const prefix = opts.prefix ?? uniquePrefix('edge');
  const config = loadConfig(
    'ingest-api',
    appEnv(redisUrl, prefix, {
      MAILBOXES: 'a@contoso.example,b@contoso.example',
      PUBLIC_BASE_URL: 'http://127.0.0.1:9',
      WEBHOOK_CLIENT_STATE: CLIENT_STATE,
      ...env,
    }),
  );
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (b: Buffer) => (text += b.toString()));
  const logger = createLogger({ service: 'test', level: 'debug', format: 'json', secrets: config.secrets, stream });
  const shutdown = new Shutdown(logger, 5000);
  const workerConnection = createRedis(config.redis, { role: 'worker', name: 'edge-test-worker' });
  workerConnection.on('error', () => undefined);
  shutdown.add('worker redis', () => closeRedis(workerConnection), { phase: 'connections' });
  const metrics = new Metrics('ingest-api');
  const key = keyPrefix(prefix);
  const { graph, tokens } = createGraphStack(
    config,
    workerConnection,
    key,
    logger,
    new SessionStore(workerConnection, key),
  );
  const side = await openHttpSide({ config, logger, graph, shutdown });
  const deps = { config, logger, side, metrics, tokens };
  let server: Server | null = null;
  let app: Express | null = null;
  return {
    config,
    logger,
    logged: () => text,
    side,
    tokens,
    metrics,
    // Handlers called directly by the tests; the listening app builds its own (each registers its gauges once).
    handlers: createHandlers({ ...deps, metrics: new Metrics('ingest-api') }),
    prefix,
    async listen() {
      app ??= createHttpApp(deps);
      const listening = app;
      server ??= await new Promise<Server>((resolve) => {
        const s = listening.listen(0, '127.0.0.1', () => resolve(s));
      });
      const address = server.address();
      return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    },
    async close() {
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        });
      }
      await shutdown.shutdown('test done');
      await cleanPrefix(redisUrl, prefix).catch(() => undefined);
    },
  };
}
