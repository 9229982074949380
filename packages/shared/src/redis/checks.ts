import type { Logger } from '../logging/logger';
import type { RedisConnection } from './connection';

/**
 * BullMQ loses jobs when Redis evicts keys: it must run with `maxmemory-policy noeviction`. Warns loudly otherwise
 * (managed Redis services sometimes forbid CONFIG GET; then we can only warn that we could not check).
 */
export async function checkEvictionPolicy(conn: RedisConnection, logger: Logger): Promise<string | null> {
  try {
    const reply: unknown = await Promise.race([
      conn.call('CONFIG', 'GET', 'maxmemory-policy'),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('Redis did not answer within 5 s')), 5000).unref(),
      ),
    ]);
    const policy = parseConfigReply(reply);
    if (policy !== 'noeviction') {
      logger.warn(
        `Redis maxmemory-policy is "${policy ?? 'unknown'}", not "noeviction": Redis may evict queue keys and lose jobs. Set maxmemory-policy noeviction.`,
      );
    }
    return policy;
  } catch (err) {
    logger.warn('Could not read Redis maxmemory-policy (CONFIG GET refused?); make sure it is "noeviction"', { err });
    return null;
  }
}

function parseConfigReply(reply: unknown): string | null {
  // RESP2 answers a flat array; RESP3 a map (ioredis gives an object or a Map).
  if (Array.isArray(reply)) return reply.length >= 2 ? String(reply[1]) : null;
  if (reply instanceof Map) return reply.has('maxmemory-policy') ? String(reply.get('maxmemory-policy')) : null;
  if (reply && typeof reply === 'object') {
    const v = (reply as Record<string, unknown>)['maxmemory-policy'];
    return v === undefined ? null : String(v);
  }
  return null;
}

/** True when Redis answers PING within the timeout. */
export async function pingRedis(conn: RedisConnection, timeoutMs = 1000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const pong = await Promise.race([
      conn.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return pong === 'PONG';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
