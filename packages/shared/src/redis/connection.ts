import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config/config';

export type RedisConnection = Redis | Cluster;

export interface ConnectionOptions {
  /**
   * Workers block on Redis and must wait for it through an outage (`maxRetriesPerRequest: null`, as BullMQ
   * requires). Clients that answer HTTP requests should fail fast instead, so that /health can say 503.
   */
  role: 'worker' | 'client';
  /** Shown in `CLIENT LIST`, handy when counting connections. */
  name?: string;
}

function baseOptions(opts: ConnectionOptions): RedisOptions {
  return {
    maxRetriesPerRequest: opts.role === 'worker' ? null : 2,
    enableReadyCheck: true,
    connectionName: opts.name,
    retryStrategy: (times: number) => Math.min(200 * times, 5000),
  };
}

/** The one way the project opens a Redis connection: a single node from REDIS_URL, or a Cluster from REDIS_CLUSTER_NODES. */
export function createRedis(redis: Config['redis'], opts: ConnectionOptions): RedisConnection {
  if (redis.clusterNodes.length > 0) {
    const nodes = redis.clusterNodes.map((hostPort) => {
      const [host, port] = hostPort.split(':');
      return { host: host ?? '127.0.0.1', port: Number(port ?? 6379) };
    });
    return new Cluster(nodes, {
      redisOptions: { ...baseOptions(opts), ...credentialsOf(redis.url) },
      enableOfflineQueue: true,
    });
  }
  return new Redis(redis.url, baseOptions(opts));
}

/** A cluster's nodes take the user, password and TLS (`rediss:`) of REDIS_URL: one place for the credentials. */
function credentialsOf(url: string): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const u = new URL(url);
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * The key prefix for every MS1 key, wrapped in a Redis Cluster hash tag so that all queues of a flow (and the
 * session, cursor and limiter keys) live in one slot. Stored in Redis: changing QUEUE_PREFIX orphans old data.
 */
export function keyPrefix(queuePrefix: string): string {
  return `{${queuePrefix}}`;
}

/** Closes a connection politely, falling back to disconnect when Redis does not answer. */
export async function closeRedis(conn: RedisConnection): Promise<void> {
  if (conn.status === 'end') return;
  try {
    await Promise.race([
      conn.quit(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('quit timed out')), 2000)),
    ]);
  } catch {
    conn.disconnect();
  }
}
