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
    // Waiting is the point here: a minute of inline wait, so a busy machine never turns a wait into ThrottledError.
    const settings = { maxConcurrent: 4, maxPerWindow: 1000, windowMs: 60_000, maxInlineWaitMs: 60_000 };
    const a = new MailboxLimiter(redis, key, settings);
    const b = new MailboxLimiter(other, key, settings);
    let inFlight = 0;
    let peak = 0;
    // The first holders keep their slots until the test has seen four of them at once (and the others refused):
    // the peak is reached by construction, not by how fast the machine is.
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const call = (l: MailboxLimiter) =>
      l.run('conc@x.example', async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await gate;
        await new Promise((r) => setImmediate(r));
        inFlight--;
      });
    try {
      const all = Promise.all(Array.from({ length: 24 }, (_, i) => call(i % 2 ? a : b)));
      while (inFlight < 4 || a.stats.waits + b.stats.waits === 0) await new Promise((r) => setTimeout(r, 10));
      open();
      await all;
    } finally {
      open();
      other.disconnect();
    }
    expect(peak).toBe(4);
    expect(a.stats.waits + b.stats.waits).toBeGreaterThan(0);
  });

  it('counts requests in a sliding window and says how long to wait', async () => {
    const WINDOW_MS = 600_000;
    const l = new MailboxLimiter(redis, key, { maxConcurrent: 4, maxPerWindow: 5, windowMs: WINDOW_MS });
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) {
      const r = await l.tryAcquire('window@x.example');
      expect(r.granted).toBe(true);
      if (r.granted) await l.release('window@x.example', r.leaseId, r.slots);
    }
    const denied = await l.tryAcquire('window@x.example');
    const elapsed = Date.now() - t0;
    expect(denied).toMatchObject({ granted: false, reason: 'window' });
    // The oldest grant leaves the window WINDOW_MS after it was made: at most that, at least that less what passed.
    if (!denied.granted) {
      expect(denied.waitMs).toBeLessThanOrEqual(WINDOW_MS);
      expect(denied.waitMs).toBeGreaterThanOrEqual(WINDOW_MS - elapsed);
    }
    // Another mailbox has its own budget.
    expect((await l.tryAcquire('other@x.example')).granted).toBe(true);
  });

  it('shares a pause after a 429 and never shortens a longer one', async () => {
    const l = new MailboxLimiter(redis, key, { maxConcurrent: 4, maxPerWindow: 100, windowMs: 1000 });
    const t0 = Date.now();
    await l.pause('paused@x.example', 10_000);
    await l.pause('paused@x.example', 100);
    const r = await l.tryAcquire('paused@x.example');
    const left = 10_000 - (Date.now() - t0); // the first pause, less the time that passed since it was set
    expect(r).toMatchObject({ granted: false, reason: 'paused' });
    if (!r.granted) expect(r.waitMs).toBeGreaterThanOrEqual(left);
    expect(await l.pausedForMs('paused@x.example')).toBeGreaterThanOrEqual(10_000 - (Date.now() - t0));
  });

  it('throws ThrottledError instead of waiting long, so the job is delayed', async () => {
    const l = new MailboxLimiter(redis, key, {
      maxConcurrent: 4,
      maxPerWindow: 100,
      windowMs: 1000,
      maxInlineWaitMs: 200,
    });
    const t0 = Date.now();
    await l.pause('long@x.example', 10_000);
    const err = await l.run('long@x.example', async () => 'never').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottledError);
    expect((err as ThrottledError).retryAfterMs).toBeGreaterThanOrEqual(10_000 - (Date.now() - t0));
  });

  it('charges a $batch its weight in the window and its slots in concurrency', async () => {
    const l = new MailboxLimiter(redis, key, { maxConcurrent: 4, maxPerWindow: 25, windowMs: 600_000 });
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

  it('frees the slot of a crashed holder once its lease expires, not before', async () => {
    const LEASE_MS = 3000;
    const l = new MailboxLimiter(redis, key, {
      maxConcurrent: 1,
      maxPerWindow: 100,
      windowMs: 600_000,
      leaseTtlMs: LEASE_MS,
    });
    const t0 = Date.now();
    expect((await l.tryAcquire('lease@x.example')).granted).toBe(true); // never released
    const second = await l.tryAcquire('lease@x.example');
    if (Date.now() - t0 < LEASE_MS) expect(second).toMatchObject({ granted: false, reason: 'concurrency' });
    // Asked again and again: the slot comes free once the lease has run out, counted from its grant (after t0).
    for (;;) {
      if ((await l.tryAcquire('lease@x.example')).granted) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(Date.now() - t0).toBeGreaterThanOrEqual(LEASE_MS);
  });
});
