import type { RequestRecord } from '@ms1/ms4-sim';
import { testRedisUrl, waitFor, type AppProcess } from '@ms1/test-utils';
import { defaultBurst } from '../src/rate-limit';
import { harness, logLines, makeItem, type Harness } from './fixtures';

// Two sender processes share MS4_MAX_REQUESTS_PER_SECOND and the pause after a 429: one 429 with
// `Retry-After: 2` silences both replicas for two seconds. Checked by cause and order, never by the test's clock:
// Redis says when it granted each request's token (the senders log it), ms4-sim records when each request arrived
// and when it answered the 429.
const N = 3000;
const BATCH = 20;
const RATE = 20;
const RETRY_AFTER_S = 2;

describe('ms4-sender replicas share the rate limit and the 429 pause', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(testRedisUrl());
  });
  afterEach(async () => {
    await h.stopSenders();
  });
  afterAll(async () => {
    await h.close();
  });

  /** When Redis granted each request's token, by batchId, as the sender logged it (debug). */
  const tokens = (p: AppProcess) =>
    logLines(p, /^(batch delivered|MS4 throttled)/).map((l) => ({
      batchId: String(l.batchId),
      tokenAt: Number(l.tokenAt),
      at: Date.parse(String(l.timestamp)),
      throttled: String(l.message).startsWith('MS4 throttled'),
    }));

  it('a 429 with Retry-After: 2 pauses every replica; together they stay within the rate', async () => {
    await h.addItems(Array.from({ length: N }, (_, i) => makeItem(h.run, i)));
    const env = {
      MS4_BATCH_MAX_ITEMS: String(BATCH),
      MS4_BATCH_MAX_WAIT_MS: '600000', // every batch fills up: N is a multiple of BATCH
      MS4_MAX_REQUESTS_PER_SECOND: String(RATE),
      LOG_LEVEL: 'debug',
    };
    const a = await h.startSender(env);
    const b = await h.startSender(env);
    // Both replicas are delivering before MS4 throttles.
    await waitFor(() => tokens(a).length > 0 && tokens(b).length > 0, { timeoutMs: 60_000, what: 'both delivering' });
    await h.simConfig({ throttleNext: { count: 1, retryAfterSeconds: RETRY_AFTER_S } });
    await waitFor(async () => (await h.stats()).uniqueKeys >= N, {
      timeoutMs: 150_000,
      intervalMs: 200,
      what: `${N} items in MS4`,
    });
    await waitFor(async () => (await h.unfinished()) === 0, { timeoutMs: 60_000, what: 'every job finished' });

    const stats = await h.stats();
    expect(stats.uniqueKeys).toBe(N);
    expect(stats.duplicates).toBe(0);
    expect(stats.responses['429']).toBe(1);
    expect(stats.maxBatch).toBe(BATCH);

    // MS4's record: the one 429, when it was answered, and the Retry-After it gave.
    const requests = (await (await fetch(`${h.ms4.adminUrl}/requests`)).json()) as RequestRecord[];
    const refused = requests.filter((r) => r.status === 429);
    expect(refused).toHaveLength(1);
    const [r429] = refused as [RequestRecord];
    expect(r429.retryAfterSeconds).toBe(RETRY_AFTER_S);
    const answered429 = r429.answeredAt ?? 0;
    const windowEnd = answered429 + RETRY_AFTER_S * 1000; // the pause ends no earlier than this

    // The replica that got the 429 logged it after setting the shared pause (so the pause was in force by then).
    const throttledLines = [...logLines(a, /^MS4 throttled/), ...logLines(b, /^MS4 throttled/)];
    expect(throttledLines).toHaveLength(1);
    const pauseKnownAt = Date.parse(String(throttledLines[0]?.timestamp));
    expect(throttledLines[0]?.batchId).toBe(r429.batchId);

    // No token was granted to either replica from the moment the pause was in force until its end.
    const all = [...tokens(a), ...tokens(b)];
    const duringPause = all.filter((t) => t.tokenAt >= pauseKnownAt && t.tokenAt < windowEnd);
    expect(duringPause).toEqual([]);
    // MS4 saw nothing inside the Retry-After window it gave except requests already on their way: their tokens
    // were granted before the pause was set.
    const tokenOf = new Map(all.filter((t) => !t.throttled).map((t) => [t.batchId, t.tokenAt]));
    const arrivedInWindow = requests.filter((r) => r.at > answered429 && r.at < windowEnd);
    for (const r of arrivedInWindow) expect(tokenOf.get(r.batchId ?? '')).toBeLessThan(pauseKnownAt);
    // The throttled batch went out again, same batchId, after the window.
    const resent = requests.filter((r) => r.batchId === r429.batchId && r.seq > r429.seq);
    expect(resent.map((r) => r.status)).toEqual([200]);
    expect(resent[0]?.at).toBeGreaterThanOrEqual(windowEnd);
    // Both replicas were delivering before the pause and after it.
    for (const p of [a, b]) {
      const granted = tokens(p).map((t) => t.tokenAt);
      expect(granted.some((t) => t < answered429)).toBe(true);
      expect(granted.some((t) => t >= windowEnd)).toBe(true);
    }

    // The shared rate limit, on Redis's clock: any run of requests from both replicas fits in burst + RATE x span.
    const times = all.map((t) => t.tokenAt).sort((x, y) => x - y);
    expect(times).toHaveLength(stats.requests);
    const burst = defaultBurst(RATE);
    const over: string[] = [];
    for (let i = 0; i < times.length; i++) {
      for (let j = i; j < times.length; j++) {
        const span = (times[j] ?? 0) - (times[i] ?? 0);
        if (j - i + 1 > burst + (RATE * span) / 1000 + 0.001) over.push(`${j - i + 1} requests in ${span} ms`);
      }
    }
    expect(over).toEqual([]);
    const spanS = ((times[times.length - 1] ?? 0) - (times[0] ?? 0)) / 1000;
    console.log(
      `[throttle] 2 senders, batch ${BATCH}, limit ${RATE}/s: ${stats.requests} requests over ${spanS.toFixed(1)} s ` +
        `(${(stats.requests / (spanS - RETRY_AFTER_S)).toFixed(1)} req/s outside the pause); ` +
        `${arrivedInWindow.length} already on their way when MS4 answered 429`,
    );
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
  }, 300_000);
});
