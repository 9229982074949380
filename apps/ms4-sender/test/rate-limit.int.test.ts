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

  it('two replicas together take no more than rate x time + burst, over every span of Redis time', async () => {
    const rate = 40;
    const burst = defaultBurst(rate);
    const opts = { ratePerSecond: rate, bucketKey: `${keys.bucket}:1`, pauseKey: keys.pause };
    const limiters = [new RateLimiter(a, opts), new RateLimiter(b, opts)];
    const PER_REPLICA = 30;
    // Each replica takes a fixed number of tokens (three callers each); Redis says when it granted every one.
    const granted: number[][] = [[], []];
    await Promise.all(
      limiters.flatMap((l, i) =>
        [0, 1, 2].map(async () => {
          while ((granted[i]?.length ?? 0) < PER_REPLICA) {
            const at = await l.take();
            if ((granted[i]?.length ?? 0) < PER_REPLICA) granted[i]?.push(at);
          }
        }),
      ),
    );
    const times = [...(granted[0] ?? []), ...(granted[1] ?? [])].sort((x, y) => x - y);
    expect(times).toHaveLength(2 * PER_REPLICA);
    // The bucket's promise, on Redis's own clock: any run of grants fits in burst + rate x its span.
    const over: string[] = [];
    for (let i = 0; i < times.length; i++) {
      for (let j = i; j < times.length; j++) {
        const span = (times[j] ?? 0) - (times[i] ?? 0);
        if (j - i + 1 > burst + (rate * span) / 1000 + 0.001) over.push(`${j - i + 1} grants in ${span} ms`);
      }
    }
    expect(over).toEqual([]);
    const spanS = ((times[times.length - 1] ?? 0) - (times[0] ?? 0)) / 1000;
    console.log(
      `[rate-limit] ${times.length} tokens for two replicas in ${spanS.toFixed(2)} s (limit ${rate}/s, burst ${burst})`,
    );
  });

  it('a fractional rate waits the right time for the next token', async () => {
    const l = new RateLimiter(a, { ratePerSecond: 0.5, bucketKey: `${keys.bucket}:2`, pauseKey: keys.pause });
    const t0 = Date.now();
    expect(await l.tryTake()).toMatchObject({ ok: true });
    const r = await l.tryTake();
    const elapsed = Date.now() - t0;
    expect(r.ok).toBe(false);
    if (!r.ok) {
      // One token per 2 s: the wait is 2 s less the time that passed between the two takes (at most `elapsed`).
      expect(r.waitMs).toBeLessThanOrEqual(2000);
      expect(r.waitMs).toBeGreaterThanOrEqual(2000 - elapsed);
      expect(r.paused).toBe(false);
    }
  });

  it('a pause set by one replica holds every replica, and is never shortened', async () => {
    const PAUSE_MS = 2000;
    const pauseKey = `${keys.pause}:3`;
    const pause = new SharedPause(a, pauseKey);
    const other = new RateLimiter(b, { ratePerSecond: 100, bucketKey: `${keys.bucket}:3`, pauseKey });
    expect(await other.tryTake()).toMatchObject({ ok: true });
    const t0 = Date.now();
    expect(await pause.pauseFor(PAUSE_MS, 'test')).toBe(PAUSE_MS);
    // A shorter Retry-After does not shorten it: what is left of the first pause stays in force.
    const left = await pause.pauseFor(100, 'test');
    expect(left).toBeGreaterThanOrEqual(Math.max(100, PAUSE_MS - (Date.now() - t0)));
    const r = await other.tryTake();
    expect(r).toMatchObject({ ok: false, paused: true });
    // The other replica's next token comes only once the pause is over: Redis granted it no earlier than the
    // pause's end, which is at least PAUSE_MS after t0.
    const grantedAt = await other.take();
    expect(grantedAt).toBeGreaterThanOrEqual(t0 + PAUSE_MS);
    expect(await pause.remainingMs()).toBe(0);
  });
});
