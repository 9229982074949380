import type { RequestRecord } from '@ms1/ms4-sim';
import { testRedisUrl, waitFor } from '@ms1/test-utils';
import { harness, logLines, makeItem, type Harness } from './fixtures';

// Crashes and stops: kill -9 mid-batch loses nothing; SIGTERM flushes the open batch; SIGTERM while MS4 is down
// hands the jobs back untouched.
describe('ms4-sender crash and shutdown', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness(testRedisUrl());
  });
  afterEach(async () => {
    await h.close();
  });

  it('kill -9 mid-batch loses no item: another sender takes the stalled jobs over', async () => {
    const N = 2000;
    await h.addItems(Array.from({ length: N }, (_, i) => makeItem(h.run, i)));
    // MS4 answers slowly, so that batches are in flight (and others open) when the sender dies.
    await h.simConfig({ latency: { fixedMs: 1500 } });
    const env = {
      MS4_BATCH_MAX_ITEMS: '100',
      MS4_BATCH_MAX_WAIT_MS: '100',
      MS4_MAX_REQUESTS_PER_SECOND: '50',
      WORKER_STALLED_INTERVAL_MS: '1000',
    };
    // The doomed sender's locks lapse 5 s after it dies (a live process renews them every 2.5 s, which even a busy
    // machine manages: a lapse while it lives would make a duplicate the kill did not cause). The survivor keeps
    // the default 30 s lock and looks for stalled jobs every second.
    const first = await h.startSender({ ...env, WORKER_LOCK_DURATION_MS: '5000' });
    await waitFor(async () => (await h.stats()).requests >= 2, { what: 'batches in flight' });
    await first.kill9();
    const held = await h.outbound.getActiveCount();
    expect(held).toBeGreaterThan(0); // jobs the dead process held, locked until their lock expires

    await h.simConfig({ latency: null });
    const second = await h.startSender(env);
    await waitFor(async () => (await h.stats()).uniqueKeys >= N, { timeoutMs: 90_000, what: `${N} items in MS4` });
    await waitFor(async () => (await h.unfinished()) === 0, { timeoutMs: 60_000, what: 'every job finished' });
    const stats = await h.stats();
    expect(stats.uniqueKeys).toBe(N);
    expect(await h.outbound.getCompletedCount()).toBe(N);
    expect(await h.outbound.getFailedCount()).toBe(0);
    expect(await h.deadLetter.count()).toBe(0);
    // Repeats are allowed only for what the dead sender had in flight (MS4 stored it, the job never completed).
    expect(stats.duplicates).toBeLessThanOrEqual(held);
    console.log(`[kill-9] ${held} jobs held by the killed sender; ${stats.duplicates} repeated keys after the restart`);
    expect(await second.stop()).toBe(0);
  }, 240_000);

  it('SIGTERM flushes the open batch before exit', async () => {
    await h.addItems(Array.from({ length: 30 }, (_, i) => makeItem(h.run, i)));
    const sender = await h.startSender({ MS4_BATCH_MAX_ITEMS: '100', MS4_BATCH_MAX_WAIT_MS: '600000' });
    await waitFor(async () => (await h.outbound.getActiveCount()) === 30, { what: '30 items in the open batch' });
    expect((await h.stats()).requests).toBe(0); // the batch would wait ten minutes for company
    expect(await sender.stop()).toBe(0);
    // Sent at SIGTERM, delivered before the exit: nothing handed back, nothing left for the deadline.
    const stats = await h.stats();
    expect(stats.uniqueKeys).toBe(30);
    expect(stats.batchSizes).toEqual({ 30: 1 });
    expect(await h.outbound.getCompletedCount()).toBe(30);
    expect(logLines(sender, 'batch handed back to the queue')).toEqual([]);
    expect(logLines(sender, /shutdown deadline/)).toEqual([]);
  });

  it('SIGTERM while the circuit breaker is open hands the jobs back without spending attempts', async () => {
    await h.simConfig({ outage: { durationMs: 120_000 } });
    await h.addItems(Array.from({ length: 30 }, (_, i) => makeItem(h.run, i)));
    const env = {
      // One batch of all 30 (cut by its item count, never by the clock): its failure opens the breaker.
      MS4_BATCH_MAX_ITEMS: '30',
      MS4_BATCH_MAX_WAIT_MS: '600000',
      MS4_CIRCUIT_FAILURES: '1',
      MS4_CIRCUIT_OPEN_MS: '600000',
      // A shutdown that waited for batches in flight would run into this deadline (36 s), past stop()'s 15 s grace.
      SHUTDOWN_TIMEOUT_MS: '60000',
    };
    const sender = await h.startSender(env);
    await sender.waitForOutput(/MS4 circuit breaker open/);
    await waitFor(async () => (await h.outbound.getActiveCount()) === 30, { what: 'held jobs' });
    expect((await h.stats()).requests).toBe(1); // while open, nothing is sent
    expect(await sender.stop()).toBe(0);
    // Handed back at once (no wait for the shutdown deadline), and still only the one request.
    expect(logLines(sender, /shutdown deadline/)).toEqual([]);
    expect((await h.stats()).requests).toBe(1);
    // (A job the closing worker was already fetching is handed back too, in its own batch.)
    const handedBack = logLines(sender, 'batch handed back to the queue').reduce((n, l) => n + Number(l.items), 0);
    expect(handedBack).toBeGreaterThanOrEqual(30);
    const jobs = await h.outbound.getJobs(['waiting', 'delayed', 'active', 'failed', 'completed']);
    expect(jobs).toHaveLength(30);
    for (const j of jobs) {
      expect(await j.getState()).toMatch(/^(waiting|delayed)$/);
      expect(j.attemptsMade).toBe(0);
    }

    await h.simConfig({ outageUntil: null });
    await h.startSender(env);
    await waitFor(async () => (await h.outbound.getCompletedCount()) === 30, {
      what: '30 completed after MS4 came back',
    });
    expect((await h.stats()).uniqueKeys).toBe(30);
  });

  it('SIGTERM with a batch in flight past the grace period aborts it and hands its jobs back', async () => {
    // MS4 holds the request far longer than the shutdown may take: the sender exits while it is still unanswered.
    await h.simConfig({ latency: { fixedMs: 120_000 } });
    await h.addItems(Array.from({ length: 10 }, (_, i) => makeItem(h.run, i)));
    const sender = await h.startSender({
      MS4_BATCH_MAX_ITEMS: '10',
      MS4_BATCH_MAX_WAIT_MS: '600000',
      SHUTDOWN_TIMEOUT_MS: '2000',
    });
    await waitFor(async () => (await h.stats()).requests === 1, { what: 'the batch in flight' });
    expect(await sender.stop()).toBe(0);
    // It gave up at its own deadline (60% of SHUTDOWN_TIMEOUT_MS), not when MS4 answered: MS4 has not yet.
    const [inFlight] = (await (await fetch(`${h.ms4.adminUrl}/requests`)).json()) as RequestRecord[];
    expect(inFlight?.answeredAt).toBeNull();
    expect(logLines(sender, 'batches still in flight at the shutdown deadline: handing their jobs back')).toHaveLength(
      1,
    );
    const jobs = await h.outbound.getJobs(['waiting', 'delayed', 'active', 'failed', 'completed']);
    expect(jobs).toHaveLength(10);
    for (const j of jobs) {
      expect(await j.getState()).toMatch(/^(waiting|delayed)$/);
      expect(j.attemptsMade).toBe(0);
    }
  });
});
