import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { cleanPrefix, testRedisUrl, uniquePrefix } from '@ms1/test-utils';
import { CursorStore } from '../src/sync/cursor-store';

// The seen-sets and the learned page size on a real Redis; the seen window is short and the clock is moved.
describe('CursorStore (real Redis)', () => {
  const prefix = uniquePrefix('cursors');
  const key = `{${prefix}}`;
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    redis.disconnect();
    await cleanPrefix(testRedisUrl(), prefix);
  });

  it('suppresses a message for the whole seen window and forgets it after, in daily-style buckets that expire', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    // 300 s window: thirty 10 s buckets (the defaults are thirty one-day buckets).
    const cursors = new CursorStore(redis, key, { seenKeepSeconds: 300, now: () => now });
    await cursors.markSeen('A@x.example', ['m1', 'm2']);
    now += 5_000;
    await cursors.markSeen('a@x.example', ['m3']);
    expect(await cursors.unseen('a@x.example', 'inbox', ['m0', 'm1', 'm2', 'm3', 'm4'])).toEqual(['m0', 'm4']);
    now += 294_000; // 299 s after m1: still inside the window
    expect(await cursors.unseen('a@x.example', 'inbox', ['m1', 'm3'])).toEqual([]);
    // Per mailbox: a message moved to another watched folder keeps its (immutable) id and is seen there too.
    expect(await cursors.unseen('a@x.example', 'inbox/Processed', ['m1', 'm3', 'm5'])).toEqual(['m5']);
    now += 21_000; // m1's bucket has left the window, m3's too
    expect(await cursors.unseen('a@x.example', 'inbox', ['m1', 'm3'])).toEqual(['m1', 'm3']);
    const buckets = await redis.keys(`${key}:seen-mailbox:a@x.example:*`);
    expect(buckets.length).toBeGreaterThanOrEqual(1);
    for (const b of buckets) {
      const ttl = await redis.ttl(b);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(320); // the window plus two buckets: Redis drops it on its own
    }
  });

  it('still honours the seen-sets of earlier versions (one set per folder, then buckets per folder) in that folder', async () => {
    const digest = (id: string) => createHash('sha256').update(id).digest().subarray(0, 16).toString('base64');
    const now = Date.parse('2026-03-01T00:00:00Z');
    const cursors = new CursorStore(redis, key, { seenKeepSeconds: 300, now: () => now });
    await redis.sadd(`${key}:seen:b@x.example:inbox`, digest('old-message'));
    await redis.sadd(`${key}:seen:b@x.example:inbox:${Math.floor(now / 1000 / 10)}`, digest('bucketed-message'));
    expect(await cursors.unseen('b@x.example', 'inbox', ['old-message', 'bucketed-message', 'new-message'])).toEqual([
      'new-message',
    ]);
    expect(await cursors.unseen('b@x.example', 'archive', ['old-message'])).toEqual(['old-message']);
  });

  it('keeps the learned page size per mailbox and folder', async () => {
    const cursors = new CursorStore(redis, key);
    expect(await cursors.pageSize('c@x.example', 'inbox')).toBeNull();
    await cursors.savePageSize('C@x.example', 'inbox', 7);
    expect(await cursors.pageSize('c@x.example', 'inbox')).toBe(7);
    expect(await cursors.pageSize('c@x.example', 'archive')).toBeNull();
    expect(await redis.ttl(`${key}:delta-page-size:c@x.example:inbox`)).toBeGreaterThan(0);
  });
});
