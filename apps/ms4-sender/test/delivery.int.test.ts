import { testRedisUrl, waitFor } from '@ms1/test-utils';
import { bodyBytes } from '../src/batch';
import { harness, makeItem, type Harness } from './fixtures';

// 10,000 items through one sender process into ms4-sim, no faults: each invoiceKey arrives once, in batches of
// the configured size. Prints (never asserts) the throughput. Batches are cut by their bounds only, never by the
// clock (MS4_BATCH_MAX_WAIT_MS is ten minutes and every batch fills up), so their number does not depend on how
// fast a busy machine fetches jobs.
const N = 10_000;
const BATCH = 100;
const NEVER_MS = '600000';

describe('ms4-sender delivers 10,000 items in configured batches', () => {
  // Each test has its own queue prefix, ms4-sim and senders, all stopped after it: what one leaves behind (a
  // sender, undelivered jobs) cannot reach the next.
  let h: Harness;
  beforeEach(async () => {
    h = await harness(testRedisUrl());
  });
  afterEach(async () => {
    await h.close();
  });

  it('each invoiceKey arrives once, batches bounded by MS4_BATCH_MAX_ITEMS', async () => {
    const items = Array.from({ length: N }, (_, i) => makeItem(h.run, i));
    await h.addItems(items);
    const t0 = Date.now();
    const sender = await h.startSender({
      MS4_BATCH_MAX_ITEMS: String(BATCH),
      MS4_BATCH_MAX_WAIT_MS: NEVER_MS,
      MS4_MAX_REQUESTS_PER_SECOND: '50',
    });
    await waitFor(async () => (await h.stats()).uniqueKeys >= N, {
      timeoutMs: 150_000,
      intervalMs: 200,
      what: `${N} items in MS4`,
    });
    const seconds = (Date.now() - t0) / 1000;
    await waitFor(async () => (await h.unfinished()) === 0, { timeoutMs: 60_000, what: 'every job finished' });

    const stats = await h.stats();
    expect(stats.uniqueKeys).toBe(N);
    expect(stats.itemsReceived).toBe(N);
    expect(stats.duplicates).toBe(0);
    expect(stats.maxBatch).toBe(BATCH);
    expect(stats.batches).toBe(N / BATCH);
    expect(stats.batchSizes).toEqual({ [BATCH]: N / BATCH });
    expect(await h.outbound.getCompletedCount()).toBe(N);
    expect(await h.outbound.getFailedCount()).toBe(0);
    expect(await h.deadLetter.count()).toBe(0);
    // Each job completed with the batch that carried it.
    const [done] = await h.outbound.getCompleted(0, 0);
    expect(done?.returnvalue).toEqual({ batchId: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    const span = (Date.parse(stats.lastItemAt ?? '') - Date.parse(stats.firstItemAt ?? '')) / 1000;
    console.log(
      `[throughput] 1 sender, batch ${BATCH}, 50 req/s limit: ${N} items in ${seconds.toFixed(1)} s from start ` +
        `(${(N / seconds).toFixed(0)} items/s); MS4 span ${span.toFixed(2)} s: ${(stats.batches / span).toFixed(1)} batches/s, ${(N / span).toFixed(0)} items/s`,
    );
    expect(await sender.stop()).toBe(0);
  }, 300_000);

  it('batches are bounded by MS4_BATCH_MAX_BYTES (exact body bytes, envelope included)', async () => {
    // Items of one size (4-digit indexes), and a bound that exactly PER_BATCH of them fill: every batch is cut by
    // its bytes the moment it is full, so the count of batches is exact.
    const PER_BATCH = 19;
    const BATCHES = 10;
    const n = PER_BATCH * BATCHES;
    const items = Array.from({ length: n }, (_, i) => makeItem(h.run, 1000 + i));
    const sizes = new Set(items.map((i) => Buffer.byteLength(JSON.stringify(i))));
    expect(sizes.size).toBe(1);
    const [size = 0] = sizes;
    const maxBytes = bodyBytes(Array.from({ length: PER_BATCH }, () => size));
    await h.addItems(items);
    const sender = await h.startSender({
      MS4_BATCH_MAX_ITEMS: '500',
      MS4_BATCH_MAX_BYTES: String(maxBytes),
      MS4_BATCH_MAX_WAIT_MS: NEVER_MS,
      MS4_MAX_REQUESTS_PER_SECOND: '100',
    });
    await waitFor(async () => (await h.stats()).uniqueKeys >= n, {
      timeoutMs: 60_000,
      what: `${n} items in MS4`,
    });
    const batches = await h.batches();
    // One more item would not fit: bodyBytes of PER_BATCH + 1 items exceeds the bound.
    expect(bodyBytes(Array.from({ length: PER_BATCH + 1 }, () => size))).toBeGreaterThan(maxBytes);
    expect(batches.map((b) => b.size)).toEqual(Array.from({ length: BATCHES }, () => PER_BATCH));
    console.log(`[throughput] byte bound ${maxBytes}: ${n} items of ${size} bytes in ${batches.length} batches`);
    expect(await sender.stop()).toBe(0);
  }, 120_000);
});
