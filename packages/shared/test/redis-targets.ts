import { cleanPrefix, startRedisCluster, testRedisUrl, type PrivateRedisCluster } from '@ms1/test-utils';
import { createRedis, loadConfig, type ConnectionOptions, type RedisConnection } from '../src';

export type RedisKind = 'standalone' | 'cluster';

/** One Redis deployment the shared package's tests run against, reached the way the apps reach it. */
export interface RedisTarget {
  kind: RedisKind;
  /** REDIS_URL, and REDIS_CLUSTER_NODES for a cluster: what an app's environment would say. */
  env: Record<string, string>;
  /** A connection through the project's `createRedis` (an ioredis Cluster when REDIS_CLUSTER_NODES is set). */
  connect(opts?: Partial<ConnectionOptions>): RedisConnection;
  /** Deletes every key of a queue prefix. */
  clean(queuePrefix: string): Promise<number>;
}

function target(kind: RedisKind, env: Record<string, string>, nodes: readonly string[] | null): RedisTarget {
  const redis = loadConfig('tool', env).redis;
  return {
    kind,
    env,
    connect: (opts = {}) => createRedis(redis, { role: 'worker', name: 'test', ...opts }),
    clean: (queuePrefix) => cleanPrefix(nodes ?? env.REDIS_URL ?? testRedisUrl(), queuePrefix),
  };
}

/** The run's private single redis-server (jest's global setup). */
export function standaloneRedis(): RedisTarget {
  return target('standalone', { REDIS_URL: testRedisUrl() }, null);
}

/**
 * Runs a suite on the single test Redis and again on a private 3-master Redis Cluster, started for the suite and
 * stopped after it, so that a CROSSSLOT error or a cluster-only failure shows up here rather than in production.
 */
export function onEveryRedis(body: (redis: () => RedisTarget) => void): void {
  describe.each<RedisKind>(['standalone', 'cluster'])('on a %s Redis', (kind) => {
    let cluster: PrivateRedisCluster | null = null;
    let current: RedisTarget | null = null;
    beforeAll(async () => {
      if (kind === 'cluster') {
        cluster = await startRedisCluster({ masters: 3 });
        current = target('cluster', cluster.env, cluster.nodes);
      } else {
        current = standaloneRedis();
      }
    }, 60_000);
    body(() => {
      if (!current) throw new Error('the Redis of this suite did not start');
      return current;
    });
    // Declared after the suite's own hooks, so it runs after them (jest runs afterAll hooks in declaration order).
    afterAll(async () => {
      await cluster?.stop();
    });
  });
}
