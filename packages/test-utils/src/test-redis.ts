import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';

/** The Redis the test run uses: TEST_REDIS_URL, which the jest global setup points at a private redis-server. */
export function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url)
    throw new Error(
      'TEST_REDIS_URL is not set: run tests through the root jest config (its global setup starts a private redis-server)',
    );
  return url;
}

/** A queue prefix no other test uses, so suites can run in parallel and in any order. */
export function uniquePrefix(label = 't'): string {
  return `${label.replace(/[^A-Za-z0-9_-]/g, '')}-${randomBytes(5).toString('hex')}`;
}

/**
 * Deletes every key of a prefix (BullMQ keys are `{prefix}:...`; the braces are the cluster hash tag). `target` is a
 * Redis URL, or the `host:port` list of a Redis Cluster (each node is scanned: a SCAN sees only its own node's keys).
 */
export async function cleanPrefix(target: string | readonly string[], queuePrefix: string): Promise<number> {
  if (typeof target === 'string') return cleanNode(target, queuePrefix, false);
  let deleted = 0;
  for (const node of target) deleted += await cleanNode(`redis://${node}`, queuePrefix, true);
  return deleted;
}

async function cleanNode(url: string, queuePrefix: string, clusterNode: boolean): Promise<number> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    for (const pattern of [`{${queuePrefix}}:*`, `${queuePrefix}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(
          cursor,
          'MATCH',
          pattern.replace(/[{}]/g, (c) => `\\${c}`),
          'COUNT',
          1000,
        );
        cursor = next;
        if (keys.length === 0) continue;
        if (!clusterNode) {
          deleted += await r.unlink(...keys);
          continue;
        }
        // On a cluster node a multi-key command must stay in one slot: unlink key by key.
        const pipeline = r.pipeline();
        for (const key of keys) pipeline.unlink(key);
        for (const [err, n] of (await pipeline.exec()) ?? []) if (!err) deleted += Number(n);
      } while (cursor !== '0');
    }
  } finally {
    r.disconnect();
  }
  return deleted;
}
