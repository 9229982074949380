import { HttpError, pingRedis, type RedisConnection } from '@ms1/shared';

/** Graph and load balancers try again later; five seconds is a polite first pause. */
export const RETRY_AFTER_SECONDS = '5';

export function redisUnavailable(why: string): HttpError {
  return new HttpError(503, `Redis is unavailable (${why}); try again later`, {
    headers: { 'Retry-After': RETRY_AFTER_SECONDS },
  });
}

/**
 * Tells the edge whether Redis can answer, without guessing from error messages:
 * - `connected()` is false while the HTTP connection is down or reconnecting: the request is answered 503 at
 *   once instead of queueing behind an outage;
 * - `answers()` is asked after a handler failed unexpectedly: one PING, shared by concurrent callers, bounded by
 *   the probe timeout. No answer means the failure was Redis being away (503), an answer means a bug (500).
 */
export class RedisGate {
  private probe: Promise<boolean> | null = null;

  constructor(
    readonly connection: RedisConnection,
    private readonly probeTimeoutMs: number,
  ) {}

  connected(): boolean {
    return this.connection.status === 'ready';
  }

  answers(): Promise<boolean> {
    this.probe ??= pingRedis(this.connection, this.probeTimeoutMs).finally(() => {
      this.probe = null;
    });
    return this.probe;
  }
}
