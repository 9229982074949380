import { uniquePrefix } from '@ms1/test-utils';
import { shortDigest, SessionActiveError, SessionStore, type RedisConnection, type SessionSettings } from '../src';
import { keysOnEveryNode, REDIS_KINDS, redisOfEachKind } from './redis-targets';

const settings: SessionSettings = {
  pollingMode: 'manual',
  pollingIntervalSeconds: 300,
  enableWebhook: false,
  mailboxes: ['a@x.example'],
  folder: 'inbox',
};

const redisKinds = redisOfEachKind();

describe.each(REDIS_KINDS)('SessionStore (real Redis: %s)', (kind) => {
  const target = redisKinds.use(kind);
  const prefix = uniquePrefix('sessions');
  let redis: RedisConnection;
  let store: SessionStore;
  beforeAll(() => {
    redis = target().connect();
    store = new SessionStore(redis, `{${prefix}}`, 3);
  });
  afterAll(async () => {
    redis.disconnect();
    await target().clean(prefix);
  });

  it('allows one active session, archives it once even when stopped twice at once, and caps the history', async () => {
    const first = await store.start(settings);
    await expect(store.start(settings)).rejects.toBeInstanceOf(SessionActiveError);
    const [a, b] = await Promise.all([store.stop('one'), store.stop('two')]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await store.current()).toBeNull();
    for (let i = 0; i < 4; i++) {
      await store.start(settings);
      await store.stop(`run ${i}`);
    }
    const history = await store.history();
    expect(history.map((s) => s.stopReason)).toEqual(['run 3', 'run 2', 'run 1']);
    expect(history.some((s) => s.sessionId === first.sessionId)).toBe(false);
  });

  it('counts atomically, and once per event with incrOnce', async () => {
    const s = await store.start(settings);
    await Promise.all(Array.from({ length: 50 }, () => store.incr(s.sessionId, { discovered: 2, enqueued: 1 })));
    expect(await store.incrOnce(s.sessionId, 'email:m1:1', { processed: 1, invoices: 2 })).toBe(true);
    expect(await store.incrOnce(s.sessionId, 'email:m1:1', { processed: 1, invoices: 2 })).toBe(false);
    const counters = await store.counters(s.sessionId);
    expect(counters).toMatchObject({ discovered: 100, enqueued: 50, processed: 1, invoices: 2, forwarded: 0 });
    const stopped = await store.stop('done');
    expect(stopped?.counters).toMatchObject({ processed: 1, invoices: 2 });
    const buckets = await keysOnEveryNode(redis, `{${prefix}}:session:${s.sessionId}:counted:*`);
    expect(buckets.length).toBeGreaterThan(0);
    for (const key of buckets) expect(await redis.ttl(key)).toBeGreaterThan(0);
  });

  it('remembers a counted event for the window only, in bucket keys that expire', async () => {
    let now = Date.parse('2026-01-01T00:00:05Z');
    // 70 s window: seven 10 s buckets; the clock is moved, nothing sleeps.
    const short = new SessionStore(redis, `{${prefix}}`, 3, { countedKeepSeconds: 70, now: () => now });
    const id = 'session-window';
    expect(await short.incrOnce(id, 'page:1', { pages: 1 })).toBe(true);
    now += 69_000;
    expect(await short.incrOnce(id, 'page:1', { pages: 1 })).toBe(false); // a re-run within the window
    now += 21_000;
    expect(await short.incrOnce(id, 'page:1', { pages: 1 })).toBe(true); // out of the window: counted again
    expect((await short.counters(id)).pages).toBe(2);
    const keys = await keysOnEveryNode(redis, `{${prefix}}:session:${id}:counted:*`);
    expect(keys).toHaveLength(2); // one per bucket written, never one set for the whole session
    for (const key of keys) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(90); // the window plus two buckets
    }
  });
  it('remembers a digest of each event, and still knows the ids that versions before digests remembered', async () => {
    const s = await store.start(settings);
    const eventId = `email:ap@contoso.example~${'A'.repeat(140)}:1764662400000`;
    expect(await store.incrOnce(s.sessionId, eventId, { processed: 1 })).toBe(true);
    const [bucket] = await keysOnEveryNode(redis, `{${prefix}}:session:${s.sessionId}:counted:*`);
    expect(await redis.smembers(bucket!)).toEqual([shortDigest(eventId)]);
    expect(shortDigest(eventId)).toHaveLength(22);
    // An event an earlier version counted: its bucket holds the id itself.
    const legacy = 'forwarded:9f2c';
    await redis.sadd(bucket!, legacy);
    expect(await store.incrOnce(s.sessionId, legacy, { forwarded: 1 })).toBe(false);
    expect(await store.counters(s.sessionId)).toMatchObject({ processed: 1, forwarded: 0 });
    await store.stop('done');
  });
});
