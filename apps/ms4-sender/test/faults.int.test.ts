import { testRedisUrl, waitFor } from '@ms1/test-utils';
import { harness, logLines, makeItem, type Harness } from './fixtures';

// 10,000 items while MS4 answers 20% of requests with 503, 10% of batches with a 207 partial failure, and goes
// down for 30 seconds: every invoiceKey still arrives; the circuit breaker stops the sender from hammering MS4
// during the outage and closes by itself after it.
const N = 10_000;
const BATCH = 100;
const OUTAGE_MS = 30_000;
const OPEN_MS = 4000;
// The simulator's fault draws are seeded: a failed run can be replayed with FAULT_SEED=<the printed seed>.
const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 1e9));

describe('ms4-sender under faults', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(testRedisUrl(), {
      errorRate: 0.2,
      partialFailureRate: 0.1,
      partialItemShare: 0.5,
      randomSeed: SEED,
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('every invoiceKey arrives through 5xx, 207 partial failures and a 30 s outage', async () => {
    // About 28% of sends fail here (20% 503, plus half the items of 10% of batches), and items that fail together
    // come back together: JOB_ATTEMPTS 20 keeps the retries of an unlucky item from running out, and a 25 ms
    // backoff base keeps the retry tail (2^n x base) short. The outage costs at most one attempt, to the batches
    // that failed before the breaker opened; held batches and probes spend none.
    await h.addItems(
      Array.from({ length: N }, (_, i) => makeItem(h.run, i)),
      { attempts: 20, backoffMs: 25 },
    );
    const t0 = Date.now();
    const sender = await h.startSender({
      MS4_BATCH_MAX_ITEMS: String(BATCH),
      MS4_BATCH_MAX_WAIT_MS: '200',
      MS4_MAX_REQUESTS_PER_SECOND: '20',
      MS4_CIRCUIT_FAILURES: '5',
      MS4_CIRCUIT_OPEN_MS: String(OPEN_MS),
    });
    await h.simConfig({ outage: { startsInMs: 1000, durationMs: OUTAGE_MS } });
    const progress = setInterval(() => {
      void Promise.all([h.stats(), h.outbound.getJobCounts()]).then(([s, c]) =>
        console.log(
          `[faults] +${((Date.now() - t0) / 1000).toFixed(0)} s: ${s.uniqueKeys} keys, ${s.requests} requests, ${JSON.stringify(c)}`,
        ),
      );
    }, 10_000);
    try {
      await waitFor(async () => (await h.stats()).uniqueKeys >= N, {
        timeoutMs: 90_000,
        intervalMs: 250,
        what: `${N} items in MS4`,
      });
    } finally {
      clearInterval(progress);
    }
    await waitFor(async () => (await h.unfinished()) === 0, { timeoutMs: 20_000, what: 'every job finished' });
    const seconds = (Date.now() - t0) / 1000;

    const stats = await h.stats();
    expect(stats.uniqueKeys).toBe(N);
    // Injected 5xx, 207-failed items and outage answers store nothing, so a retry never repeats a stored key.
    expect(stats.duplicates).toBe(0);
    expect(stats.maxBatch).toBeLessThanOrEqual(BATCH);
    expect(stats.failedOnPurpose['5xx']).toBeGreaterThan(0);
    expect(stats.failedOnPurpose['207']).toBeGreaterThan(0);
    expect(await h.outbound.getCompletedCount()).toBe(N);
    expect(await h.outbound.getFailedCount()).toBe(0);
    expect(await h.deadLetter.count()).toBe(0);

    // The breaker opened during the outage and closed after it; while open, only probes reached MS4: a sender
    // without it would have sent about 20 requests a second for 30 seconds.
    expect(logLines(sender, 'MS4 circuit breaker open').length).toBeGreaterThan(0);
    expect(logLines(sender, 'MS4 circuit breaker closed').length).toBeGreaterThan(0);
    const outageAnswers = stats.failedOnPurpose.outage ?? 0;
    expect(outageAnswers).toBeLessThan(10 + 3 * (OUTAGE_MS / OPEN_MS));
    console.log(
      `[faults] seed ${SEED}: ${N} items in ${seconds.toFixed(1)} s with a ${OUTAGE_MS / 1000} s outage: requests ${stats.requests}, ` +
        `responses ${JSON.stringify(stats.responses)}, injected ${JSON.stringify(stats.failedOnPurpose)}, batches ${stats.batches}, mean batch ${stats.meanBatch.toFixed(1)}`,
    );
    const attempts: Record<number, number> = {};
    for (const j of await h.outbound.getCompleted(0, N)) attempts[j.attemptsMade] = (attempts[j.attemptsMade] ?? 0) + 1;
    console.log(`[faults] completed jobs by attempts made: ${JSON.stringify(attempts)}`);
    expect(await sender.stop()).toBe(0);
  }, 150_000);
});
