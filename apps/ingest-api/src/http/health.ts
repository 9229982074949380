import { pingRedis, type RedisConnection } from '@ms1/shared';
import type { HttpHandler } from './types';

/** 200 when Redis answers, else 503. No auth: load balancers and compose health checks call it. */
export function healthHandler(connection: RedisConnection, roles: readonly string[]): HttpHandler {
  return async () => {
    const redis = await pingRedis(connection);
    return {
      status: redis ? 200 : 503,
      body: { status: redis ? 'ok' : 'unavailable', redis: redis ? 'up' : 'down', roles },
    };
  };
}
