import { Redis } from 'ioredis';
import { cleanPrefix, testRedisUrl, uniquePrefix } from '@ms1/test-utils';
import { SharedPause } from '../src/pause';
import { defaultBurst, RateLimiter } from '../src/rate-limit';
import { ms4Keys } from '../src/sender';

// The shared token bucket and pause against a real Redis, with two "replicas" (two connections).
describe('RateLimiter and SharedPause (real Redis)', () => {
  const prefix = uniquePrefix('rl');
  const keys = ms4Keys(`{${prefix}}`);
  const a = new Redis(testRedisUrl());
  const b = new Redis(testRedisUrl());
  afterAll(async () => {
    a.disconnect();
    b.disconnect();
    await cleanPrefix(testRedisUrl(), prefix);
  });

  it('two replicas together take no more than rate x time + burst', async () => {
    const rate = 40;
    const opts = { ratePerSecond: rate, bucketKey: `${keys.bucket}:1`, pauseKey: keys.pause };
    const limiters = [new RateLimiter(a, opts), new RateLimiter(b, opts)];
    const until = Date.now() + 1000;
    const taken = [0, 0];
    await Promise.all(
      limiters.flatMap((l, i) =>
        [0, 1, 2].map(async () => {
          for (;;) {
            await l.take();
            if (Date.now() >= until) return;
            taken[i] = (taken[i] ?? 0) + 1;
          }
        }),
      ),
    );
    const total = (taken[0] ?? 0) + (taken[1] ?? 0);
    expect(total).toBeLessThanOrEqual(rate + defaultBurst(rate) + 1);
    expect(total).toBeGreaterThanOrEqual(rate * 0.8);
    expect(taken[0]).toBeGreaterThan(0);
    expect(taken[1]).toBeGreaterThan(0);
  });

  it('a fractional rate waits the right time for the next token', async () => {
    const l = new RateLimiter(a, { ratePerSecond: 0.5, bucketKey: `${keys.bucket}:2`, pauseKey: keys.pause });
    expect(await l.tryTake()).toEqual({ ok: true });
    const r = await l.tryTake();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.waitMs).toBeGreaterThan(1900);
      expect(r.waitMs).toBeLessThanOrEqual(2000);
      expect(r.paused).toBe(false);
    }
  });

  it('a pause set by one replica holds every replica, and is never shortened', async () => {
    const pauseKey = `${keys.pause}:3`;
    const pause = new SharedPause(a, pauseKey);
    const other = new RateLimiter(b, { ratePerSecond: 100, bucketKey: `${keys.bucket}:3`, pauseKey });
    expect(await other.tryTake()).toEqual({ ok: true });
    expect(await pause.pauseFor(400, 'test')).toBe(400);
    expect(await pause.pauseFor(100, 'test')).toBeGreaterThan(300); // a shorter Retry-After does not shorten it
    const r = await other.tryTake();
    expect(r).toMatchObject({ ok: false, paused: true });
    const t0 = Date.now();
    await other.take();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(await pause.remainingMs()).toBe(0);
  });
});
