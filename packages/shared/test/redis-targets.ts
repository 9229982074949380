import { Cluster } from 'ioredis';
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

/** Each shared Redis suite runs on both: a CROSSSLOT error or a cluster-only failure shows up here, not in production. */
export const REDIS_KINDS: readonly RedisKind[] = ['standalone', 'cluster'];

/**
 * Call once at the top of a test file; then, inside `describe.each(REDIS_KINDS)`, `use(kind)` gives the suite its
 * Redis. The private 3-master cluster starts with the first suite that needs it and is stopped by a file-level
 * afterAll, which jest runs after every suite's own afterAll (so their cleanup still has a Redis to talk to).
 */
export function redisOfEachKind(): { use(kind: RedisKind): () => RedisTarget } {
  let cluster: Promise<PrivateRedisCluster> | null = null;
  afterAll(async () => {
    await cluster?.then(
      (c) => c.stop(),
      () => undefined,
    );
  }, 30_000);
  return {
    use(kind) {
      let current: RedisTarget | null = null;
      beforeAll(async () => {
        if (kind === 'standalone') {
          current = standaloneRedis();
          return;
        }
        cluster ??= startRedisCluster({ masters: 3 });
        const c = await cluster;
        current = target('cluster', c.env, c.nodes);
      }, 60_000);
      return () => {
        if (!current) throw new Error(`the ${kind} Redis of this suite did not start`);
        return current;
      };
    },
  };
}

/** KEYS on every master: a cluster client sends KEYS to one node only, which may not hold the slot asked about. */
export async function keysOnEveryNode(redis: RedisConnection, pattern: string): Promise<string[]> {
  if (redis instanceof Cluster) {
    const perNode = await Promise.all(redis.nodes('master').map((node) => node.keys(pattern)));
    return perNode.flat();
  }
  return redis.keys(pattern);
}
