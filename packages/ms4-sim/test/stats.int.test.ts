// GET /_sim/stats, /_sim/items, /_sim/batches and POST /_sim/reset.
import { admin, batch, item, post, useSim, type Json } from './helpers';

describe('ms4-sim admin API', () => {
  const sim = useSim();

  it('counts requests, batches, items and sizes, with a histogram', async () => {
    const sizes = [1, 1, 5, 10, 11, 60];
    for (const n of sizes) expect((await post(sim(), batch(Array.from({ length: n }, () => item())))).status).toBe(200);
    await post(sim(), batch([item()]), { 'idempotency-key': undefined });
    const stats = (await admin(sim(), '/stats')).body;
    expect(stats).toMatchObject({
      requests: 7,
      batches: 6,
      itemsReceived: 88,
      uniqueKeys: 88,
      duplicates: 0,
      rejectedItems: 0,
      responses: { 200: 6, 400: 1 },
      batchSizeHistogram: { 1: 2, '2-10': 2, '11-50': 1, '51-100': 1, '101-250': 0 },
      batchSizes: { 1: 2, 5: 1, 10: 1, 11: 1, 60: 1 },
      maxBatch: 60,
      failedOnPurpose: { '5xx': 0, 207: 0, 429: 0, outage: 0 },
    });
    expect(stats.meanBatch).toBeCloseTo(88 / 6);
    expect(Array.isArray(stats.timeline)).toBe(true);
    expect((stats.timeline as Json[]).reduce((s, t) => s + (t.items as number), 0)).toBe(88);
  });

  it('lists items, one item with its metadata, and batches; 404 for an unknown key', async () => {
    const a = item();
    const b = batch([a]);
    await post(sim(), b);
    const one = await admin(sim(), `/items/${encodeURIComponent(String(a.invoiceKey))}`);
    expect(one.body).toMatchObject({ item: a, batchId: b.batchId, timesReceived: 1 });
    expect((await admin(sim(), '/items/nope')).status).toBe(404);
    const batches = await admin<Json[]>(sim(), '/batches');
    expect(batches.body).toEqual([expect.objectContaining({ batchId: b.batchId, size: 1, status: 200, accepted: 1 })]);
  });

  it('reset empties items, batches and counters', async () => {
    await post(sim(), batch([item()]));
    await admin(sim(), '/reset', 'POST');
    expect((await admin<Json[]>(sim(), '/items')).body).toEqual([]);
    expect((await admin(sim(), '/stats')).body).toMatchObject({
      requests: 0,
      batches: 0,
      uniqueKeys: 0,
      maxBatch: 0,
      meanBatch: 0,
    });
  });
});
