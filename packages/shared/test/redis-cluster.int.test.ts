import { FlowProducer, Worker } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { startRedisCluster, uniquePrefix, type PrivateRedisCluster } from '@ms1/test-utils';
import { createRedis, keyPrefix, loadConfig, QueueName, type RedisConnection } from '../src';

// What makes MS1 work on a Redis Cluster: createRedis opens a Cluster from REDIS_CLUSTER_NODES, and every key of a
// queue prefix (queues, flows, session, limiter) hashes to one slot thanks to the `{prefix}` tag, so that BullMQ's
// multi-key scripts and the project's own never meet CROSSSLOT. (The shared suites also run whole on a cluster.)
describe('a 3-master Redis Cluster', () => {
  let cluster: PrivateRedisCluster;
  let conn: RedisConnection;
  const prefix = uniquePrefix('cluster');

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
    conn = createRedis(loadConfig('tool', { ...cluster.env, QUEUE_PREFIX: prefix }).redis, {
      role: 'worker',
      name: 'cluster-test',
    });
  }, 60_000);
  afterAll(async () => {
    conn?.disconnect();
    await cluster?.stop();
  });

  /** Keys of the prefix per node, read with SCAN on each node (a node only sees its own slots). */
  const keysByNode = async (): Promise<Map<string, string[]>> => {
    const out = new Map<string, string[]>();
    for (const node of cluster.nodes) {
      const r = new Redis(`redis://${node}`);
      try {
        const keys: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await r.scan(cursor, 'MATCH', `\\{${prefix}\\}:*`, 'COUNT', 1000);
          cursor = next;
          keys.push(...batch);
        } while (cursor !== '0');
        if (keys.length) out.set(node, keys);
      } finally {
        r.disconnect();
      }
    }
    return out;
  };

  it('is a real cluster: REDIS_CLUSTER_NODES gives an ioredis Cluster over 3 masters that refuses cross-slot work', async () => {
    expect(conn).toBeInstanceOf(Cluster);
    const masters = (conn as Cluster).nodes('master');
    expect(masters).toHaveLength(3);
    // Two hash tags, two slots: a transaction over both is refused, so the suites passing here mean something.
    await expect(conn.multi().set('{a}:x', '1').set('{b}:y', '1').exec()).rejects.toThrow(/CROSSSLOT|same slot/i);
    await expect(conn.eval("return redis.call('MGET', KEYS[1], KEYS[2])", 2, '{a}:x', '{b}:y')).rejects.toThrow(
      /CROSSSLOT|different slot|same slot/i,
    );
  });

  it('runs a BullMQ flow across two queues, and keeps every key of the prefix in one slot on one node', async () => {
    const tag = keyPrefix(prefix);
    const flows = new FlowProducer({ connection: conn, prefix: tag });
    const done: string[] = [];
    const workers: Worker[] = [];
    const children = new Worker(
      QueueName.EmailInbound,
      async (job) => {
        done.push(job.id ?? '');
        return { ok: true };
      },
      { connection: conn, prefix: tag, concurrency: 4 },
    );
    workers.push(children);
    let parentValues: Record<string, unknown> | null = null;
    const parentDone = new Promise<void>((resolve) => {
      const parents: Worker = new Worker(
        QueueName.MailSyncResults,
        async (job) => {
          parentValues = await job.getChildrenValues();
          resolve();
          return { children: Object.keys(parentValues).length };
        },
        { connection: conn, prefix: tag },
      );
      workers.push(parents);
    });
    try {
      await flows.add({
        name: 'sync-page',
        queueName: QueueName.MailSyncResults,
        data: {},
        opts: { jobId: 'page~cluster~1' },
        children: ['m1', 'm2', 'm3'].map((m) => ({
          name: 'process-email',
          queueName: QueueName.EmailInbound,
          data: { messageId: m },
          opts: { jobId: `ap@contoso.example~${m}`, ignoreDependencyOnFailure: true },
        })),
      });
      await parentDone;
      expect(done.sort()).toEqual(['ap@contoso.example~m1', 'ap@contoso.example~m2', 'ap@contoso.example~m3']);
      expect(Object.keys(parentValues ?? {})).toHaveLength(3);

      const byNode = await keysByNode();
      expect(byNode.size).toBe(1);
      const keys = [...byNode.values()].flat();
      expect(keys.length).toBeGreaterThan(5);
      const slots = new Set(await Promise.all(keys.map((k) => conn.call('CLUSTER', 'KEYSLOT', k))));
      expect(slots.size).toBe(1);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await flows.close();
    }
  });

  it('reaches a password-protected cluster with the credentials of REDIS_URL', async () => {
    const password = 'cluster-password-for-the-test-000000';
    for (const node of cluster.nodes) {
      const r = new Redis(`redis://${node}`);
      try {
        await r.config('SET', 'requirepass', password);
      } finally {
        r.disconnect();
      }
    }
    // The nodes now refuse a client without the password...
    const [host, port] = (cluster.nodes[0] ?? '').split(':');
    const anonymous = new Redis(`redis://${host}:${port}`, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    anonymous.on('error', () => undefined);
    try {
      await expect(anonymous.get('{x}:y')).rejects.toThrow(/NOAUTH|Authentication required/i);
    } finally {
      anonymous.disconnect();
    }
    // ...and createRedis hands REDIS_URL's password to every node of REDIS_CLUSTER_NODES.
    const withPassword = createRedis(
      loadConfig('tool', {
        REDIS_CLUSTER_NODES: cluster.env.REDIS_CLUSTER_NODES,
        REDIS_URL: `redis://:${password}@${host}:${port}`,
      }).redis,
      { role: 'client', name: 'cluster-auth-test' },
    );
    withPassword.on('error', () => undefined);
    let timer: NodeJS.Timeout | undefined;
    try {
      const roundTrip = (async () => {
        await withPassword.set(`${keyPrefix(prefix)}:auth`, 'ok');
        return withPassword.get(`${keyPrefix(prefix)}:auth`);
      })();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer from the cluster within 20 s')), 20_000);
      });
      expect(await Promise.race([roundTrip, timeout])).toBe('ok');
    } finally {
      clearTimeout(timer);
      withPassword.disconnect();
    }
  });
});
