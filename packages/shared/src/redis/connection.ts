import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisSettings } from '../config/config';

export type RedisConnection = Redis | Cluster;

export interface ConnectionOptions {
  /**
   * - `worker`: blocks on Redis and waits for it through an outage (`maxRetriesPerRequest: null`, as BullMQ
   *   requires for workers).
   * - `client`: tools (CLI, tests) that queue commands until connected and give up after a few reconnects.
   * - `http`: what answers HTTP requests. Fails fast: a command fails after `commandTimeoutMs` (Redis hangs), at
   *   once while disconnected (no offline queue), and is never retried, so a handler answers 503 in time; the
   *   connection itself keeps reconnecting (at most a second apart), so the edge resumes when Redis returns.
   */
  role: 'worker' | 'client' | 'http';
  /** Shown in `CLIENT LIST`, handy when counting connections. */
  name?: string;
  /** `http` role only: how long one command may wait for Redis's answer (default 1000 ms). */
  commandTimeoutMs?: number;
}

function baseOptions(opts: ConnectionOptions): RedisOptions {
  if (opts.role === 'http')
    return {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      commandTimeout: opts.commandTimeoutMs ?? 1000,
      connectTimeout: 2000,
      enableReadyCheck: true,
      connectionName: opts.name,
      retryStrategy: (times: number) => Math.min(100 * times, 1000),
    };
  return {
    maxRetriesPerRequest: opts.role === 'worker' ? null : 2,
    enableReadyCheck: true,
    connectionName: opts.name,
    retryStrategy: (times: number) => Math.min(200 * times, 5000),
  };
}

/** The one way the project opens a Redis connection: a single node from REDIS_URL, or a Cluster from REDIS_CLUSTER_NODES. */
export function createRedis(redis: RedisSettings, opts: ConnectionOptions): RedisConnection {
  if (redis.clusterNodes.length > 0) {
    const nodes = redis.clusterNodes.map((hostPort) => {
      const [host, port] = hostPort.split(':');
      return { host: host ?? '127.0.0.1', port: Number(port ?? 6379) };
    });
    return new Cluster(nodes, {
      redisOptions: { ...baseOptions(opts), ...credentialsOf(redis.url) },
      enableOfflineQueue: opts.role !== 'http',
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
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      conn.quit(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('quit timed out')), 2000);
      }),
    ]);
  } catch {
    conn.disconnect();
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves true once the connection is ready, or false after `timeoutMs` (it keeps trying in the background). */
export function waitForReady(conn: RedisConnection, timeoutMs: number): Promise<boolean> {
  if (conn.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      conn.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    conn.once('ready', onReady);
  });
}
