import express, { type Express } from 'express';
import {
  keyPrefix,
  type IngestApiConfig,
  type DeadLetters,
  type Logger,
  type Metrics,
  type MsalTokenProvider,
  type Producer,
  type RedisConnection,
  type SessionStore,
} from '@ms1/shared';
import type { SessionControl } from '../session/session-control';
import { errorMiddleware, notFound, route } from './adapter';
import { requireToken } from './auth';
import { BULL_BOARD_PATH, bullBoardRouter } from './bull-board';
import { healthHandler } from './health';
import { QueueOverview } from './queue-overview';
import { authRoutes } from './routes/auth';
import { dlqRoutes } from './routes/dlq';
import { metricsRoutes } from './routes/metrics';
import { pollingRoutes } from './routes/polling';
import { sessionRoutes } from './routes/session';
import { webhookRoutes } from './routes/webhooks';
import type { SubscriptionStore } from '../subscriptions/subscription-store';

export interface HttpDeps {
  config: IngestApiConfig;
  logger: Logger;
  /** A fail-fast client connection, so that /health answers 503 promptly while Redis is down. */
  healthConnection: RedisConnection;
  producer: Producer;
  store: SessionStore;
  control: SessionControl;
  deadLetters: DeadLetters;
  subscriptions: SubscriptionStore;
  metrics: Metrics;
  tokens: MsalTokenProvider;
  redis: RedisConnection;
}

/** The Express app: public routes first, then the bearer-token wall, then the control API and Bull Board. */
export function createHttpApp(deps: HttpDeps): Express {
  const { config } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(express.json({ limit: config.http.bodyLimit }));
  app.get('/health', route(healthHandler(deps.healthConnection, config.ingestRoles)));
  // Graph calls these: no bearer token (Graph cannot send one); clientState is checked instead.
  const hooks = webhookRoutes({
    config,
    logger: deps.logger,
    producer: deps.producer,
    sessions: deps.store,
    subscriptions: deps.subscriptions,
  });
  app.post('/webhooks/graph', route(hooks.notify));
  app.post('/webhooks/graph/lifecycle', route(hooks.lifecycle));
  // Microsoft's sign-in redirects the browser here: it cannot carry our token; the one-time `state` protects it.
  const auth = authRoutes({
    config,
    tokens: deps.tokens,
    redis: deps.redis,
    keyPrefix: keyPrefix(config.redis.queuePrefix),
  });
  app.get('/auth/callback', route(auth.callback));

  app.use(requireToken(config.http.controlApiToken));
  app.get('/auth/login', route(auth.login));
  const overview = new QueueOverview(deps.producer);
  const session = sessionRoutes({ control: deps.control, store: deps.store, config, overview });
  app.post('/session/start', route(session.start));
  app.post('/session/stop', route(session.stop));
  app.get('/session/status', route(session.status));
  app.get('/session/history', route(session.history));
  app.post('/polling/trigger', route(pollingRoutes({ control: deps.control, store: deps.store }).trigger));
  app.get('/metrics', route(metricsRoutes({ store: deps.store, overview, metrics: deps.metrics }).summary));
  const dlq = dlqRoutes(deps.deadLetters);
  app.get('/dlq', route(dlq.list));
  app.post('/dlq/replay', route(dlq.replayAll));
  app.post('/dlq/:id/replay', route(dlq.replayOne));
  app.use(BULL_BOARD_PATH, bullBoardRouter(deps.producer));

  app.use(notFound());
  app.use(errorMiddleware(deps.logger));
  return app;
}
