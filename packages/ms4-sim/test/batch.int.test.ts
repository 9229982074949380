// POST /batch-metadata: acceptance, duplicates, idempotency, auth, limits, media type, unknown routes.
import { startMs4Sim } from '../src';
import { admin, batch, item, post, useSim, type Json } from './helpers';

describe('ms4-sim /batch-metadata', () => {
  const sim = useSim();

  it('accepts a valid batch with 200 { accepted } and stores its items', async () => {
    const items = [
      item(),
      item({ attachment: null, invoice: { ...(item().invoice as Json), format: 'none', number: null } }),
    ];
    const res = await post(sim(), batch(items));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2, duplicates: 0 });
    const stored = await admin<Json[]>(sim(), '/items');
    expect(stored.body.map((i) => i.invoiceKey).sort()).toEqual(items.map((i) => i.invoiceKey).sort());
    const one = await admin<Json[]>(sim(), `/items?invoiceKey=${encodeURIComponent(String(items[0].invoiceKey))}`);
    expect(one.body).toEqual([items[0]]);
    const receipts = await admin<Json[]>(
      sim(),
      `/items?receipts=1&invoiceKey=${encodeURIComponent(String(items[0].invoiceKey))}`,
    );
    expect(receipts.body).toEqual([
      { item: items[0], batchId: expect.any(String), receivedAt: expect.any(String), timesReceived: 1 },
    ]);
  });

  it('accepts items whose optional fields are null, and a ZIP member with archiveName', async () => {
    const nulls = item({ internetMessageId: null, subject: null, from: { name: null, address: '' } });
    nulls.invoice = Object.fromEntries(
      Object.entries(nulls.invoice as Json).map(([k, v]) => [k, k === 'format' || k === 'kind' ? v : null]),
    );
    const zipped = item({ attachment: { ...(item().attachment as Json), archiveName: 'invoices.zip' } });
    const credit = item({ invoice: { ...(item().invoice as Json), kind: 'creditNote', totalAmount: '-12.5' } });
    const res = await post(sim(), batch([nulls, zipped, credit]));
    expect(res.body).toMatchObject({ accepted: 3 });
    expect(res.status).toBe(200);
  });

  it('keeps a repeated invoiceKey once and counts it as a duplicate', async () => {
    const a = item();
    expect((await post(sim(), batch([a, { ...a }]))).body).toMatchObject({ accepted: 2, duplicates: 1 });
    expect((await post(sim(), batch([{ ...a }, item()]))).body).toMatchObject({ accepted: 2, duplicates: 1 });
    const stats = (await admin(sim(), '/stats')).body;
    expect(stats).toMatchObject({ batches: 2, itemsReceived: 4, uniqueKeys: 2, duplicates: 2 });
    expect((await admin(sim(), `/items/${encodeURIComponent(String(a.invoiceKey))}`)).body).toMatchObject({
      timesReceived: 3,
    });
  });

  it('answers 409 to a repeated Idempotency-Key, and 422 when the key comes back with other items', async () => {
    const b = batch([item(), item()]);
    expect((await post(sim(), b)).status).toBe(200);
    const again = await post(sim(), { ...b, sentAt: new Date().toISOString() });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ batchId: b.batchId, accepted: 2 });
    const other = await post(sim(), { ...b, items: [item()] });
    expect(other.status).toBe(422);
    const stats = (await admin(sim(), '/stats')).body;
    expect(stats).toMatchObject({ batches: 1, itemsReceived: 2, uniqueKeys: 2, duplicates: 0 });
  });

  it('answers 415 without a JSON content type, 400 to broken JSON, 405 to GET, 404 JSON elsewhere', async () => {
    const b = batch([item()]);
    expect((await post(sim(), b, { 'content-type': 'text/plain' })).status).toBe(415);
    const broken = await post(sim(), '{"batchId": ', { 'idempotency-key': 'x' });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: 'invalid batch' });
    expect(String((broken.body.reasons as string[])[0])).toMatch(/^body: not valid JSON/);
    const get = await fetch(`${sim().baseUrl}/batch-metadata`);
    expect(get.status).toBe(405);
    const missing = await fetch(`${sim().baseUrl}/nothing/here`, { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/application\/json/);
    expect(await missing.json()).toMatchObject({ error: 'not found', path: '/nothing/here' });
  });

  it('answers 413 beyond maxItems and maxBytes (both settable live)', async () => {
    await admin(sim(), '/config', 'PUT', { maxItems: 2 });
    const big = await post(sim(), batch([item(), item(), item()]));
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ maxItems: 2, items: 3 });
    expect((await post(sim(), batch([item(), item()]))).status).toBe(200);
    await admin(sim(), '/config', 'PUT', { maxItems: null, maxBytes: 1000 });
    const heavy = await post(sim(), batch([item(), item()]));
    expect(heavy.status).toBe(413);
    expect(heavy.body).toMatchObject({ error: 'payload too large', maxBytes: 1000 });
    expect((await admin(sim(), '/stats')).body).toMatchObject({ batches: 1, responses: { 200: 1, 413: 2 } });
  });
});

describe('ms4-sim bearer token', () => {
  const sim = useSim({ apiToken: 's3cret' });

  it('answers 401 without the right bearer token and 200 with it', async () => {
    const b = batch([item()]);
    const none = await post(sim(), b);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post(sim(), b, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(sim(), b, { authorization: 's3cret' })).status).toBe(401);
    expect((await post(sim(), b, { authorization: 'Bearer s3cret' })).status).toBe(200);
    expect((await admin(sim(), '/stats')).status).toBe(200);
  });
});

describe('ms4-sim start options', () => {
  it('refuses invalid options', async () => {
    await expect(startMs4Sim({ errorRate: 2 })).rejects.toThrow(/errorRate/);
    await expect(startMs4Sim({ apiToken: '' })).rejects.toThrow(/apiToken/);
  });
});
