import express, { type Express } from 'express';
import type { Logger, RedisConnection } from '@ms1/shared';
import { errorMiddleware, notFound, route } from './adapter';
import { requireToken } from './auth';
import { healthHandler } from './health';

export interface HttpDeps {
  logger: Logger;
  /** A fail-fast client connection, so that /health answers 503 promptly while Redis is down. */
  healthConnection: RedisConnection;
  controlApiToken: string;
  bodyLimit: string;
  roles: readonly string[];
}

/** The Express app: public routes first, then the bearer-token wall, then the control API. */
export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(express.json({ limit: deps.bodyLimit }));
  app.get('/health', route(healthHandler(deps.healthConnection, deps.roles)));
  app.use(requireToken(deps.controlApiToken));
  app.use(notFound());
  app.use(errorMiddleware(deps.logger));
  return app;
}
