import { uniquePrefix } from '@ms1/test-utils';
import { MailboxLimiter, ThrottledError, type RedisConnection } from '../src';
import { REDIS_KINDS, redisOfEachKind } from './redis-targets';

const redisKinds = redisOfEachKind();

describe.each(REDIS_KINDS)('MailboxLimiter (real Redis: %s)', (kind) => {
  const target = redisKinds.use(kind);
  const prefix = uniquePrefix('limiter');
  const key = `{${prefix}}`;
  let redis: RedisConnection;
  beforeAll(() => {
    redis = target().connect();
  });
  afterAll(async () => {
    redis.disconnect();
    await target().clean(prefix);
  });

  it('never lets more than maxConcurrent requests run at once, across limiter instances', async () => {
    const other = target().connect();
    const a = new MailboxLimiter(redis, key, { maxConcurrent: 4, maxPerWindow: 1000, windowMs: 60_000 });
    const b = new MailboxLimiter(other, key, { maxConcurrent: 4, maxPerWindow: 1000, windowMs: 60_000 });
    let inFlight = 0;
    let peak = 0;
    const call = (l: MailboxLimiter) =>
      l.run('conc@x.example', async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight--;
      });
    await Promise.all(Array.from({ length: 24 }, (_, i) => call(i % 2 ? a : b)));
    other.disconnect();
    expect(peak).toBe(4);
    expect(a.stats.waits + b.stats.waits).toBeGreaterThan(0);
  });

  it('counts requests in a sliding window and says how long to wait', async () => {
    const l = new MailboxLimiter(redis, key, { maxConcurrent: 4, maxPerWindow: 5, windowMs: 1000 });
    for (let i = 0; i < 5; i++) {
      const r = await l.tryAcquire('window@x.example');
      expect(r.granted).toBe(true);
      if (r.granted) await l.release('window@x.example', r.leaseId, r.slots);
    }
    const denied = await l.tryAcquire('window@x.example');
    expect(denied).toMatchObject({ granted: false, reason: 'window' });
    if (!denied.granted) {
      expect(denied.waitMs).toBeGreaterThan(800);
      expect(denied.waitMs).toBeLessThanOrEqual(1000);
    }
    // Another mailbox has its own budget.
    expect((await l.tryAcquire('other@x.example')).granted).toBe(true);
  });

  it('shares a pause after a 429 and never shortens a longer one', async () => {
    const l = new MailboxLimiter(redis, key, { maxConcurrent: 4, maxPerWindow: 100, windowMs: 1000 });
    await l.pause('paused@x.example', 2000);
    await l.pause('paused@x.example', 100);
    const r = await l.tryAcquire('paused@x.example');
    expect(r).toMatchObject({ granted: false, reason: 'paused' });
    if (!r.granted) expect(r.waitMs).toBeGreaterThan(1500);
    expect(await l.pausedForMs('paused@x.example')).toBeGreaterThan(1500);
  });

  it('throws ThrottledError instead of waiting long, so the job is delayed', async () => {
    const l = new MailboxLimiter(redis, key, {
      maxConcurrent: 4,
      maxPerWindow: 100,
      windowMs: 1000,
      maxInlineWaitMs: 200,
    });
    await l.pause('long@x.example', 3000);
    const err = await l.run('long@x.example', async () => 'never').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottledError);
    expect((err as ThrottledError).retryAfterMs).toBeGreaterThan(2500);
  });

  it('charges a $batch its weight in the window and its slots in concurrency', async () => {
    const l = new MailboxLimiter(redis, key, { maxConcurrent: 4, maxPerWindow: 25, windowMs: 5000 });
    const batch = await l.tryAcquire('batch@x.example', { weight: 20, slots: 4 });
    expect(batch).toMatchObject({ granted: true, slots: 4 });
    expect(await l.tryAcquire('batch@x.example')).toMatchObject({ granted: false, reason: 'concurrency' });
    if (batch.granted) await l.release('batch@x.example', batch.leaseId, batch.slots);
    expect(await l.tryAcquire('batch@x.example', { weight: 10, slots: 4 })).toMatchObject({
      granted: false,
      reason: 'window',
    });
    expect((await l.tryAcquire('batch@x.example', { weight: 5, slots: 1 })).granted).toBe(true);
  });

  it('frees the slot of a crashed holder once its lease expires', async () => {
    const l = new MailboxLimiter(redis, key, { maxConcurrent: 1, maxPerWindow: 100, windowMs: 1000, leaseTtlMs: 200 });
    expect((await l.tryAcquire('lease@x.example')).granted).toBe(true); // never released
    expect(await l.tryAcquire('lease@x.example')).toMatchObject({ granted: false, reason: 'concurrency' });
    await new Promise((r) => setTimeout(r, 250));
    expect((await l.tryAcquire('lease@x.example')).granted).toBe(true);
  });
});
