import http from 'node:http';
import type { Ms4Item } from '@ms1/shared';
import type { RequestRecord } from '@ms1/ms4-sim';
import { testRedisUrl, waitFor } from '@ms1/test-utils';
import { harness, logLines, makeItem, type Harness } from './fixtures';

// Batches are cut by their item count only (ten minutes of MS4_BATCH_MAX_WAIT_MS): how many requests a test sees
// never depends on how fast a busy machine fetches jobs.
const NEVER_MS = '600000';

// MS4's answers item by item: rejected items go to dead-letter with MS4's reason without holding back the rest;
// a 413 splits the batch; a run of 5xx opens the circuit breaker, which probes and closes by itself.
describe('ms4-sender and MS4 answers', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  it('a 207 rejected item is dead-lettered with MS4 reason; the rest of the batch completes (bearer token sent, never logged)', async () => {
    const token = 'ms4-secret-token-123';
    h = await harness(testRedisUrl(), { apiToken: token });
    const items: Ms4Item[] = Array.from({ length: 10 }, (_, i) => makeItem(h?.run ?? '', i));
    const bad = items[3] as Ms4Item;
    bad.invoice.currency = 'eur';
    await h.addItems(items);
    const sender = await h.startSender({
      MS4_API_TOKEN: token,
      MS4_BATCH_MAX_ITEMS: '10',
      MS4_BATCH_MAX_WAIT_MS: NEVER_MS,
      LOG_LEVEL: 'debug',
    });
    await waitFor(async () => (await h?.deadLetter.count()) === 1 && (await h?.outbound.getCompletedCount()) === 9, {
      what: '9 completed and 1 dead letter',
    });

    const stats = await h.stats();
    expect(stats.uniqueKeys).toBe(9);
    expect(stats.batches).toBe(1); // the good items were not held back
    expect(stats.responses).toEqual({ 207: 1 });
    const [dead] = await h.deadLetter.getJobs(['waiting']);
    expect(dead?.data).toMatchObject({
      sourceQueue: 'ms4-outbound',
      jobName: 'invoice-metadata',
      jobId: bad.invoiceKey,
      attemptsMade: 1,
    });
    expect(String(dead?.data.failedReason)).toMatch(/MS4 rejected the item \(400\).*items\[3\]\.invoice\.currency/);
    expect(await h.outbound.getFailedCount()).toBe(1);
    expect(sender.output()).not.toContain(token);
  });

  it('a 413 splits the batch until MS4 takes it', async () => {
    h = await harness(testRedisUrl(), { maxItems: 10 });
    await h.addItems(Array.from({ length: 40 }, (_, i) => makeItem(h?.run ?? '', i)));
    const sender = await h.startSender({ MS4_BATCH_MAX_ITEMS: '40', MS4_BATCH_MAX_WAIT_MS: NEVER_MS });
    await waitFor(async () => (await h?.outbound.getCompletedCount()) === 40, { what: '40 completed' });
    const stats = await h.stats();
    expect(stats.uniqueKeys).toBe(40);
    expect(stats.responses).toEqual({ 200: 4, 413: 3 }); // 40 -> 2 x 20 -> 4 x 10
    expect(logLines(sender, /too large/)).toHaveLength(3);
  });

  it('a 400 without per-item results splits the batch until the refused item is alone, then dead-letters only it', async () => {
    h = await harness(testRedisUrl());
    const items = Array.from({ length: 16 }, (_, i) => makeItem(h?.run ?? '', i));
    const poison = (items[11] as Ms4Item).invoiceKey;
    // An MS4 in front of ms4-sim that refuses, as a whole and without results, any batch holding the poison item.
    const bodies: string[] = [];
    const front = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        if (body.includes(poison)) {
          res
            .writeHead(400, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: 'unprocessable batch' }));
          return;
        }
        fetch(`${h?.ms4.baseUrl}/batch-metadata`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': String(req.headers['idempotency-key']) },
          body,
        })
          .then(async (r) => res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text()))
          .catch(() => res.writeHead(502).end());
      });
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
    try {
      await h.addItems(items);
      await h.startSender({
        MS4_BASE_URL: `http://127.0.0.1:${(front.address() as { port: number }).port}`,
        MS4_BATCH_MAX_ITEMS: '16',
        MS4_BATCH_MAX_WAIT_MS: NEVER_MS,
      });
      await waitFor(async () => (await h?.deadLetter.count()) === 1 && (await h?.outbound.getCompletedCount()) === 15, {
        what: '15 completed and 1 dead letter',
      });
      const [dead] = await h.deadLetter.getJobs(['waiting']);
      expect(dead?.data).toMatchObject({ jobId: poison, attemptsMade: 1 });
      expect(String(dead?.data.failedReason)).toMatch(/MS4 refused the item as invalid \(400\).*unprocessable batch/);
      expect((await h.stats()).uniqueKeys).toBe(15);
      // 16 -> 8 + 8 -> 4 + 4 -> 2 + 2 -> 1 + 1: five refusals on the poison's side, no item retried.
      expect(bodies.filter((b) => b.includes(poison))).toHaveLength(5);
    } finally {
      front.closeAllConnections();
      front.close();
    }
  });

  it('consecutive failures open the circuit breaker: nothing is sent while open, then a probe closes it', async () => {
    // One batch of 10 at a time (cut by its item count, never by the clock): it fails three times in a row, which
    // opens the breaker; the third failure finds the breaker open, so that batch is held for the probe.
    h = await harness(testRedisUrl(), { failNext: { count: 3, status: 500 } });
    await h.addItems(Array.from({ length: 10 }, (_, i) => makeItem(h?.run ?? '', i)));
    const sender = await h.startSender({
      MS4_BATCH_MAX_ITEMS: '10',
      MS4_BATCH_MAX_WAIT_MS: NEVER_MS,
      MS4_CIRCUIT_FAILURES: '3',
      MS4_CIRCUIT_OPEN_MS: '2000',
      LOG_LEVEL: 'debug',
    });
    await waitFor(async () => (await h?.outbound.getCompletedCount()) === 10, { what: '10 completed' });
    const [opened] = logLines(sender, 'MS4 circuit breaker open');
    const [probe] = logLines(sender, 'MS4 circuit breaker half-open');
    expect(logLines(sender, 'MS4 circuit breaker closed')).toHaveLength(1);
    // The probe went out once the open time was over, and MS4 saw no request between opening and probing.
    const openUntil = Date.parse(String(opened?.openUntil));
    const openedAt = Date.parse(String(opened?.timestamp));
    const probedAt = Date.parse(String(probe?.timestamp));
    expect(openUntil - openedAt).toBeLessThanOrEqual(2000);
    expect(probedAt).toBeGreaterThanOrEqual(openUntil);
    const requests = (await (await fetch(`${h.ms4.adminUrl}/requests`)).json()) as RequestRecord[];
    expect(requests.filter((r) => r.at >= openedAt && r.at <= probedAt)).toEqual([]);
    expect(requests.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    const stats = await h.stats();
    expect(stats.uniqueKeys).toBe(10);
    expect(await h.deadLetter.count()).toBe(0);
    // The batch whose failure opened the breaker was held for the probe (same batchId) instead of spending attempts.
    const held = logLines(sender, /held until the circuit breaker/);
    expect(held).toHaveLength(1);
    expect(requests[3]?.batchId).toBe(held[0]?.batchId);
    for (const job of await h.outbound.getCompleted(0, 9)) expect(job.attemptsMade).toBe(3);
  });

  it('a timed-out batch held by the open breaker goes out again under the same batchId, spending no attempt', async () => {
    h = await harness(testRedisUrl(), { latency: { fixedMs: 1500 } });
    await h.addItems(Array.from({ length: 20 }, (_, i) => makeItem(h?.run ?? '', i)));
    const sender = await h.startSender({
      MS4_BATCH_MAX_ITEMS: '20',
      MS4_BATCH_MAX_WAIT_MS: NEVER_MS,
      MS4_TIMEOUT_MS: '500',
      MS4_CIRCUIT_FAILURES: '1',
      MS4_CIRCUIT_OPEN_MS: '1500',
    });
    await sender.waitForOutput(/MS4 circuit breaker open/);
    await h.simConfig({ latency: null });
    await waitFor(async () => (await h?.outbound.getCompletedCount()) === 20, { what: '20 completed' });
    const stats = await h.stats();
    expect(stats.uniqueKeys).toBe(20);
    expect(stats.duplicates).toBe(0);
    const [held] = logLines(sender, /held until the circuit breaker/);
    expect(held?.reason).toMatch(/no answer within 500 ms/);
    const batches = await h.batches();
    expect(batches.map((b) => b.batchId)).toEqual([held?.batchId]);
    for (const job of await h.outbound.getCompleted(0, 19)) {
      expect(job.returnvalue).toEqual({ batchId: held?.batchId });
      expect(job.attemptsMade).toBe(1); // completed on its first attempt: holding spent none
    }
  });
});
