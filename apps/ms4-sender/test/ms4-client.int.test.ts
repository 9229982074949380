import { randomUUID } from 'node:crypto';
import { startMs4Sim, type Ms4Sim } from '@ms1/ms4-sim';
import { freePort } from '@ms1/test-utils';
import { buildBatch, serializeItem } from '../src/batch';
import { Ms4Client } from '../src/ms4-client';
import { makeItem } from './fixtures';

// The client against the real simulator: every answer of the contract becomes the right SendResult.
describe('Ms4Client against ms4-sim', () => {
  let sim: Ms4Sim;
  let client: Ms4Client;
  const token = 'client-test-token';
  beforeAll(async () => {
    sim = await startMs4Sim({ port: 0, apiToken: token, randomSeed: 1 });
    client = new Ms4Client({ baseUrl: sim.baseUrl, apiToken: token, timeoutMs: 2000 });
  });
  afterAll(async () => {
    await sim.stop();
  });
  const config = async (patch: object) => {
    const res = await fetch(`${sim.adminUrl}/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patch),
    });
    expect(res.status).toBe(200);
  };
  const items = (n: number) => Array.from({ length: n }, (_, i) => makeItem(randomUUID(), i));
  const batchOf = (list: ReturnType<typeof items>) => buildBatch(list.map((i) => serializeItem(i.invoiceKey, i)));

  it('200, then 409 for the same batch again', async () => {
    const b = batchOf(items(3));
    expect(await client.send(b.batchId, b.body)).toEqual({ kind: 'accepted', status: 200 });
    expect(await client.send(b.batchId, b.body)).toEqual({ kind: 'accepted', status: 409 });
  });

  it('207 with per-item results, and a 409 of that batch repeats them', async () => {
    // failNext 207 fails the valid items at even positions among the valid ones (here items 0 and 3).
    await config({ failNext: { count: 1, status: 207 } });
    const list = items(4);
    (list[1] as { invoice: { currency: string | null } }).invoice.currency = 'euro';
    const b = batchOf(list);
    const r = await client.send(b.batchId, b.body);
    expect(r.kind).toBe('per-item');
    if (r.kind !== 'per-item') return;
    expect(r.status).toBe(207);
    expect(r.results.map((x) => x.status)).toEqual(['failed', 'rejected', 'accepted', 'failed']);
    expect(r.results[1]?.reasons?.join(' ')).toMatch(/items\[1\]\.invoice\.currency/);
    const again = await client.send(b.batchId, b.body);
    expect(again).toMatchObject({ kind: 'per-item', status: 409 });
  });

  it('400 with results when every item is invalid', async () => {
    const list = items(2);
    for (const i of list) (i as { invoice: { issueDate: string | null } }).invoice.issueDate = '2026-02-30';
    const b = batchOf(list);
    const r = await client.send(b.batchId, b.body);
    expect(r).toMatchObject({ kind: 'per-item', status: 400 });
  });

  it('429 with its Retry-After; 5xx as a failure that counts against MS4 health', async () => {
    await config({ throttleNext: { count: 1, retryAfterSeconds: 3 } });
    const b = batchOf(items(1));
    expect(await client.send(b.batchId, b.body)).toEqual({ kind: 'throttled', status: 429, retryAfterMs: 3000 });
    await config({ failNext: { count: 1, status: 502 } });
    expect(await client.send(b.batchId, b.body)).toMatchObject({ kind: 'failed', status: 502, healthy: false });
    expect(await client.send(b.batchId, b.body)).toEqual({ kind: 'accepted', status: 200 });
  });

  it('caps a Retry-After longer than MS4_RETRY_AFTER_MAX_SECONDS', async () => {
    const capped = new Ms4Client({ baseUrl: sim.baseUrl, apiToken: token, timeoutMs: 2000, maxRetryAfterMs: 1500 });
    await config({ throttleNext: { count: 1, retryAfterSeconds: 86_400 } });
    const b = batchOf(items(1));
    expect(await capped.send(b.batchId, b.body)).toEqual({ kind: 'throttled', status: 429, retryAfterMs: 1500 });
    expect(await capped.send(b.batchId, b.body)).toEqual({ kind: 'accepted', status: 200 });
  });

  it('413 when the batch is too large', async () => {
    await config({ maxItems: 2 });
    const b = batchOf(items(3));
    expect(await client.send(b.batchId, b.body)).toMatchObject({ kind: 'too-large', status: 413 });
    await config({ maxItems: null });
  });

  it('401 without the right token, network errors and timeouts as failures', async () => {
    const b = batchOf(items(1));
    const wrong = new Ms4Client({ baseUrl: sim.baseUrl, apiToken: 'wrong', timeoutMs: 2000 });
    expect(await wrong.send(b.batchId, b.body)).toMatchObject({ kind: 'failed', status: 401, healthy: false });
    const nobody = new Ms4Client({ baseUrl: `http://127.0.0.1:${await freePort()}`, apiToken: null, timeoutMs: 2000 });
    expect(await nobody.send(b.batchId, b.body)).toMatchObject({
      kind: 'failed',
      status: null,
      message: expect.stringMatching(/network error/),
    });
    await config({ latency: { fixedMs: 500 } });
    const impatient = new Ms4Client({ baseUrl: sim.baseUrl, apiToken: token, timeoutMs: 100 });
    expect(await impatient.send(b.batchId, b.body)).toEqual({
      kind: 'failed',
      status: null,
      message: 'no answer within 100 ms',
      healthy: false,
    });
    await config({ latency: null });
  });
});
