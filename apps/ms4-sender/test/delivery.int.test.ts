import { testRedisUrl, waitFor } from '@ms1/test-utils';
import { bodyBytes } from '../src/batch';
import { harness, makeItem, type Harness } from './fixtures';

// 10,000 items through one sender process into ms4-sim, no faults: each invoiceKey arrives once, in batches of
// the configured size. Prints (never asserts) the throughput.
const N = 10_000;
const BATCH = 100;

describe('ms4-sender delivers 10,000 items in configured batches', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(testRedisUrl());
  });
  afterAll(async () => {
    await h.close();
  });

  it('each invoiceKey arrives once, batches bounded by MS4_BATCH_MAX_ITEMS', async () => {
    const items = Array.from({ length: N }, (_, i) => makeItem(h.run, i));
    await h.addItems(items);
    const t0 = Date.now();
    const sender = await h.startSender({
      MS4_BATCH_MAX_ITEMS: String(BATCH),
      MS4_BATCH_MAX_WAIT_MS: '200',
      MS4_MAX_REQUESTS_PER_SECOND: '50',
    });
    await waitFor(async () => (await h.stats()).uniqueKeys >= N, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: `${N} items in MS4`,
    });
    const seconds = (Date.now() - t0) / 1000;
    await waitFor(async () => (await h.unfinished()) === 0, { timeoutMs: 20_000, what: 'every job finished' });

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
  });

  it('batches are bounded by MS4_BATCH_MAX_BYTES (exact body bytes, envelope included)', async () => {
    const n = 1000;
    const maxBytes = 20_000;
    const items = Array.from({ length: n }, (_, i) => makeItem(`${h.run}-bytes`, i));
    const sizes = items.map((i) => Buffer.byteLength(JSON.stringify(i)));
    await h.addItems(items);
    const before = new Set((await h.batches()).map((b) => b.batchId));
    const sender = await h.startSender({
      MS4_BATCH_MAX_ITEMS: '500',
      MS4_BATCH_MAX_BYTES: String(maxBytes),
      MS4_BATCH_MAX_WAIT_MS: '200',
      MS4_MAX_REQUESTS_PER_SECOND: '100',
    });
    await waitFor(async () => (await h.stats()).uniqueKeys >= N + n, {
      timeoutMs: 30_000,
      what: `${n} more items in MS4`,
    });
    const batches = (await h.batches()).filter((b) => !before.has(b.batchId));
    const room = maxBytes - bodyBytes([]) + 1; // each item takes its bytes plus a comma
    const most = Math.floor(room / (Math.max(...sizes) + 1)); // fit even with the largest items
    const cap = Math.floor(room / (Math.min(...sizes) + 1)); // could never fit more
    expect(Math.max(...batches.map((b) => b.size))).toBeLessThanOrEqual(cap);
    expect(batches.reduce((a, b) => a + b.size, 0)).toBe(n);
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(n / most) + 1);
    console.log(
      `[throughput] byte bound ${maxBytes}: ${n} items of ${Math.min(...sizes)}-${Math.max(...sizes)} bytes in ${batches.length} batches of ${Math.min(...batches.map((b) => b.size))}-${Math.max(...batches.map((b) => b.size))} (${most}-${cap} fit)`,
    );
    expect(await sender.stop()).toBe(0);
  });
});
