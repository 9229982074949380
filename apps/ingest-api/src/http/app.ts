import express, { type Express, type RequestHandler } from 'express';
import { DailyMetrics, type IngestApiConfig, type Logger, type Metrics, type MsalTokenProvider } from '@ms1/shared';
import { errorMiddleware, mountRoutes, notFound } from './adapter';
import { BULL_BOARD_PATH, bullBoardRouter } from './bull-board';
import { requireBearer, requireBoardCredentials } from './edge/authenticate';
import { crossOriginGuard } from './edge/cross-origin';
import { redisUnavailable } from './edge/redis-gate';
import { securityHeaders } from './edge/security-headers';
import { webhookRateLimit } from './edge/webhook-rate-limit';
import { authHandlers } from './handlers/auth';
import { dlqHandlers } from './handlers/dlq';
import { healthHandlers } from './handlers/health';
import { LifecycleReplays } from './handlers/lifecycle-replays';
import { metricsHandlers } from './handlers/metrics';
import { pollingHandlers } from './handlers/polling';
import { sessionHandlers } from './handlers/session';
import { webhookHandlers } from './handlers/webhooks';
import type { HttpSide } from './http-side';
import { QueueOverview } from './queue-overview';
import { routeTable, type Handlers } from './routes';

export interface HttpDeps {
  config: IngestApiConfig;
  logger: Logger;
  side: HttpSide;
  metrics: Metrics;
  tokens: MsalTokenProvider;
}

/** The plain handlers, built on the HTTP side's fail-fast stores and queues. */
export function createHandlers({ config, logger, side, metrics, tokens }: HttpDeps): Handlers {
  const overview = new QueueOverview(side.producer);
  return {
    health: healthHandlers({
      connection: side.connection,
      roles: config.ingestRoles,
      timeoutMs: config.http.redisCommandTimeoutMs,
    }),
    webhooks: webhookHandlers({
      config,
      logger,
      producer: side.producer,
      sessions: side.store,
      subscriptions: side.subscriptions,
      replays: new LifecycleReplays(side.connection, side.keyPrefix, config.webhooks.lifecycleDedupMs),
    }),
    auth: authHandlers({ config, tokens, redis: side.connection, keyPrefix: side.keyPrefix }),
    session: sessionHandlers({ control: side.control, store: side.store, config, overview }),
    polling: pollingHandlers({ control: side.control, store: side.store }),
    metrics: metricsHandlers({
      store: side.store,
      overview,
      metrics,
      daily: new DailyMetrics(side.connection, side.keyPrefix, config.retention.dailyMetricsDays),
    }),
    dlq: dlqHandlers(side.deadLetters),
  };
}

/**
 * The Express app, in the order a request meets it: security headers (every answer), the cross-origin guard
 * (state-changing requests from another site: 403), the webhooks' rate limit, body parsing, the route table
 * (each route behind its auth kind), Bull Board (basic auth), then the JSON 404 and the one error middleware.
 */
export function createHttpApp(deps: HttpDeps): Express {
  const { config, side } = deps;
  const token = config.http.controlApiToken ?? '';
  const app = express();
  app.disable('x-powered-by');
  app.set(
    'trust proxy',
    typeof config.http.trustProxy === 'number' ? config.http.trustProxy : [...config.http.trustProxy],
  );
  app.use(securityHeaders(BULL_BOARD_PATH));
  const publicBase = config.webhooks.publicBaseUrl;
  app.use(crossOriginGuard(publicBase ? [new URL(publicBase).origin] : []));
  app.use(
    '/webhooks',
    webhookRateLimit({
      connection: side.connection,
      keyPrefix: side.keyPrefix,
      max: config.webhooks.rateLimitMax,
      windowMs: config.webhooks.rateLimitWindowMs,
    }),
  );
  app.use(express.json({ limit: config.http.bodyLimit }));
  mountRoutes(app, routeTable(createHandlers(deps)), {
    guards: { none: [], webhook: [], bearer: [requireBearer(token)] },
    gate: side.gate,
    defaultTimeoutMs: config.http.requestTimeoutMs,
  });
  const whileRedisConnected: RequestHandler = (_req, _res, next) =>
    next(side.gate.connected() ? undefined : redisUnavailable('not connected'));
  app.use(BULL_BOARD_PATH, requireBoardCredentials(token), whileRedisConnected, bullBoardRouter(side.producer));
  app.use(notFound());
  app.use(errorMiddleware(deps.logger, side.gate));
  return app;
}
