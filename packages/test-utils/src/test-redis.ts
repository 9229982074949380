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

/** Deletes every key of a prefix (BullMQ keys are `{prefix}:...`; the braces are the cluster hash tag). */
export async function cleanPrefix(url: string, queuePrefix: string): Promise<number> {
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
        if (keys.length) deleted += await r.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    r.disconnect();
  }
  return deleted;
}
