import { HttpError, pingRedis, type RedisConnection } from '@ms1/shared';
import { RETRY_AFTER_SECONDS } from '../edge/redis-gate';
import type { HttpHandler } from '../route';

/**
 * `GET /health`: 200 when Redis answers a PING within `timeoutMs`, else 503 (in the error shape, with the
 * checks). No auth: load balancers and compose health checks call it.
 */
export function healthHandlers(deps: { connection: RedisConnection; roles: readonly string[]; timeoutMs: number }) {
  const health: HttpHandler = async () => {
    if (!(await pingRedis(deps.connection, deps.timeoutMs)))
      throw new HttpError(503, `Redis does not answer within ${deps.timeoutMs} ms`, {
        details: { checks: { redis: 'down' }, roles: deps.roles },
        headers: { 'Retry-After': RETRY_AFTER_SECONDS },
      });
    return { status: 200, body: { status: 'ok', redis: 'up', roles: deps.roles } };
  };
  return { health };
}
