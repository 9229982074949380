// Fault injection: 207 partial failures, 429 with Retry-After, 5xx, outage window, latency, live config.
import { admin, batch, item, post, useSim, type Json } from './helpers';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('ms4-sim faults', () => {
  const sim = useSim();

  it('failNext 207: answers 207 with the items at even indexes failed (transient), the rest accepted', async () => {
    await admin(sim(), '/config', 'PUT', { failNext: { count: 1, status: 207 } });
    const items = [item(), item(), item()];
    const first = batch(items);
    const res = await post(sim(), first);
    expect(res.status).toBe(207);
    expect(res.body).toMatchObject({ accepted: 1, failed: 2, rejected: 0 });
    const results = res.body.results as Json[];
    expect(results.map((r) => r.status)).toEqual(['failed', 'accepted', 'failed']);
    expect(results[0]).toMatchObject({ invoiceKey: items[0].invoiceKey, code: 503 });
    // The same batchId again is known (409, with the original results); reused for the failed items only, 422.
    const again = await post(sim(), first);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: 207, accepted: 1, failed: 2, results });
    expect((await post(sim(), { ...first, items: [items[0], items[2]] })).status).toBe(422);
    // The sender retries only the failed items, in a new batch: they are accepted once.
    const retry = await post(sim(), batch([items[0], items[2]]));
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ accepted: 2, duplicates: 0 });
    const stats = (await admin(sim(), '/stats')).body;
    expect(stats).toMatchObject({ uniqueKeys: 3, duplicates: 0, failedItems: 2, failedOnPurpose: { 207: 1 } });
  });

  it('partialFailureRate 1: every batch is a 207 with at least one failed item', async () => {
    await admin(sim(), '/config', 'PUT', { partialFailureRate: 1, partialItemShare: 0.5 });
    for (let n = 0; n < 3; n++) {
      const res = await post(sim(), batch([item(), item(), item(), item()]));
      expect(res.status).toBe(207);
      expect(res.body.failed).toBeGreaterThanOrEqual(1);
      expect((res.body.accepted as number) + (res.body.failed as number)).toBe(4);
    }
    expect((await admin(sim(), '/stats')).body).toMatchObject({ failedOnPurpose: { 207: 3 } });
  });

  it('throttleNext: the next N requests get 429 with Retry-After, then batches pass', async () => {
    await admin(sim(), '/config', 'PUT', { throttleNext: { count: 2, retryAfterSeconds: 7 } });
    const b = batch([item()]);
    for (let n = 0; n < 2; n++) {
      const res = await post(sim(), b);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
    }
    expect((await post(sim(), b)).status).toBe(200);
    expect((await admin(sim(), '/stats')).body).toMatchObject({ batches: 1, failedOnPurpose: { 429: 2 } });
  });

  it('rateLimit rate 1: every request gets 429 with its Retry-After', async () => {
    await admin(sim(), '/config', 'PUT', { rateLimit: { rate: 1, retryAfterSeconds: 3 } });
    const res = await post(sim(), batch([item()]));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
  });

  it('failNext 5xx and errorRate answer server errors; nothing is stored', async () => {
    await admin(sim(), '/config', 'PUT', { failNext: { count: 1, status: 500 } });
    const b = batch([item()]);
    expect((await post(sim(), b)).status).toBe(500);
    await admin(sim(), '/config', 'PUT', { errorRate: 1, errorStatus: 502 });
    expect((await post(sim(), b)).status).toBe(502);
    await admin(sim(), '/config', 'PUT', { errorRate: 0 });
    expect((await post(sim(), b)).status).toBe(200);
    expect((await admin(sim(), '/stats')).body).toMatchObject({
      requests: 3,
      batches: 1,
      failedOnPurpose: { '5xx': 2 },
    });
  });

  it('outage window: 503 with Retry-After during the window, before and after it batches pass', async () => {
    // Before: a window that starts in a minute. During: one that started now and lasts a minute. After: one of
    // 100 ms, a request sent once it is over. No step depends on how fast the machine is.
    await admin(sim(), '/config', 'PUT', { outage: { startsInMs: 60_000, durationMs: 60_000 } });
    expect((await post(sim(), batch([item()]))).status).toBe(200);
    expect((await admin(sim(), '/config')).body).toMatchObject({ outage: { active: false } });
    await admin(sim(), '/config', 'PUT', { outage: { startsInMs: 0, durationMs: 60_000 } });
    const down = await post(sim(), batch([item()]));
    expect(down.status).toBe(503);
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await admin(sim(), '/config')).body).toMatchObject({ outage: { active: true } });
    await admin(sim(), '/config', 'PUT', { outage: { startsInMs: 0, durationMs: 100 } });
    await sleep(150); // counted from the answer, so the window (which began before it) is over
    expect((await post(sim(), batch([item()]))).status).toBe(200);
    expect((await admin(sim(), '/stats')).body).toMatchObject({ batches: 2, failedOnPurpose: { outage: 1 } });
  });

  it('outageUntil: 503 until the instant, even without a valid token', async () => {
    await admin(sim(), '/config', 'PUT', { outageUntil: new Date(Date.now() + 60_000).toISOString() });
    expect((await post(sim(), batch([item()]), { 'content-type': 'text/plain' })).status).toBe(503);
    const until = Date.now() + 100;
    await admin(sim(), '/config', 'PUT', { outageUntil: new Date(until).toISOString() });
    await sleep(until - Date.now() + 50);
    expect((await post(sim(), batch([item()]))).status).toBe(200);
  });

  it('latency delays each answer', async () => {
    await admin(sim(), '/config', 'PUT', { latency: { fixedMs: 150, jitterMs: 20 } });
    const t0 = Date.now();
    expect((await post(sim(), batch([item()]))).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
  });

  it('refuses an invalid config with 400 and reasons; reset restores the start settings', async () => {
    const bad = await admin(sim(), '/config', 'PUT', { errorRate: 1.5, failNext: { count: 1, status: 404 }, bogus: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^errorRate: /),
        expect.stringMatching(/^failNext\.status: /),
        expect.stringMatching(/^bogus: /),
      ]),
    );
    const set = await admin(sim(), '/config', 'PUT', { errorRate: 0.25 });
    expect(set.body).toMatchObject({ errorRate: 0.25 });
    await admin(sim(), '/reset', 'POST');
    expect((await admin(sim(), '/config')).body).toMatchObject({ errorRate: 0, failNext: null, outage: null });
  });
});

describe('ms4-sim faults set at start', () => {
  const sim = useSim({ failNext: { count: 1, status: 429, retryAfterSeconds: 2 } });

  it('applies start settings, and again after a reset', async () => {
    const b = batch([item()]);
    const first = await post(sim(), b);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('2');
    expect((await post(sim(), b)).status).toBe(200);
    await admin(sim(), '/reset', 'POST');
    expect((await post(sim(), b)).status).toBe(429);
  });
});
