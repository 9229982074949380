import { testRedisUrl, waitFor } from '@ms1/test-utils';
import { harness, logLines, makeItem, type Harness } from './fixtures';

// Two sender processes share MS4_MAX_REQUESTS_PER_SECOND and the pause after a 429: one 429 with
// `Retry-After: 2` silences both replicas for about two seconds.
const N = 3000;
const BATCH = 20;
const RATE = 20;

describe('ms4-sender replicas share the rate limit and the 429 pause', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(testRedisUrl());
  });
  afterAll(async () => {
    await h.close();
  });

  it('a 429 with Retry-After: 2 pauses every replica; together they stay within the rate', async () => {
    await h.addItems(Array.from({ length: N }, (_, i) => makeItem(h.run, i)));
    const env = {
      MS4_BATCH_MAX_ITEMS: String(BATCH),
      MS4_BATCH_MAX_WAIT_MS: '100',
      MS4_MAX_REQUESTS_PER_SECOND: String(RATE),
      LOG_LEVEL: 'debug',
    };
    const [a, b] = await Promise.all([h.startSender(env), h.startSender(env)]);
    if (!a || !b) throw new Error('senders did not start');
    await waitFor(async () => (await h.stats()).uniqueKeys >= N / 4, {
      timeoutMs: 30_000,
      what: 'a quarter of the items',
    });
    await h.simConfig({ throttleNext: { count: 1, retryAfterSeconds: 2 } });
    await waitFor(async () => (await h.stats()).uniqueKeys >= N, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: `${N} items in MS4`,
    });
    await waitFor(async () => (await h.unfinished()) === 0, { timeoutMs: 20_000, what: 'every job finished' });

    const stats = await h.stats();
    expect(stats.uniqueKeys).toBe(N);
    expect(stats.duplicates).toBe(0);
    expect(stats.responses['429']).toBe(1);
    expect(stats.maxBatch).toBe(BATCH);

    // MS4's record of accepted batches has exactly one gap of about two seconds: the pause, for both replicas.
    const times = (await h.batches()).map((x) => Date.parse(x.receivedAt)).sort((x, y) => x - y);
    const gaps = times.slice(1).map((t, i) => ({ from: times[i] ?? 0, ms: t - (times[i] ?? 0) }));
    const long = gaps.filter((g) => g.ms > 600);
    expect(long).toHaveLength(1);
    const pause = long[0];
    expect(pause?.ms).toBeGreaterThanOrEqual(1900);
    expect(pause?.ms).toBeLessThan(3000);
    // MS4's per-second request timeline has a second without any request inside the pause.
    const seconds = new Set(
      stats.timeline.filter((s) => s.requests > 0).map((s) => Math.floor(Date.parse(s.t) / 1000)),
    );
    const first = Math.min(...seconds);
    const last = Math.max(...seconds);
    const silent = Array.from({ length: last - first + 1 }, (_, i) => first + i).filter((s) => !seconds.has(s));
    expect(silent.length).toBeGreaterThanOrEqual(1);

    // Both replicas were delivering before the pause and after it.
    const from = pause?.from ?? 0;
    for (const p of [a, b]) {
      const sent = logLines(p, /^batch delivered/).map((l) => Date.parse(String(l.timestamp)));
      expect(sent.some((t) => t < from)).toBe(true);
      expect(sent.some((t) => t > from + 1900)).toBe(true);
    }
    // One logged the 429 and set the shared pause.
    expect(logLines(a, /429/).length + logLines(b, /429/).length).toBe(1);

    // The shared rate limit: both replicas together sent no more than RATE requests a second (plus the burst).
    const spanS = (times[times.length - 1]! - times[0]!) / 1000 - 2;
    const burst = Math.ceil(RATE / 4); // the bucket starts full
    const rate = (stats.requests - burst) / spanS;
    console.log(
      `[throttle] 2 senders, batch ${BATCH}, limit ${RATE}/s: ${stats.requests} requests over ${(spanS + 2).toFixed(1)} s (pause excluded: ${rate.toFixed(1)} req/s); pause gap ${pause?.ms} ms`,
    );
    expect(rate).toBeLessThanOrEqual(RATE * 1.1);
    expect(rate).toBeGreaterThan(RATE * 0.6);
  }, 120_000);
});
