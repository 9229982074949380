import type { StatsSnapshot } from '@ms1/graph-sim';
import { waitFor } from '@ms1/test-utils';
import { expectComplete } from './helpers/completeness';
import { runCase, stopAllSystems, type System } from './helpers/system';

// Graph's 429 storms and 5xx bursts, twice each, mid-run, on two mailboxes. Each fault is switched on in graph-sim,
// new mail is seeded and a sync triggered (so there is Graph work to meet it), and it is switched off once graph-sim
// has answered enough requests with it. Then, from graph-sim's own records:
// - obeyed: no request for a mailbox arrived inside the pause a 429 asked for. In this run a mailbox has one request
//   at a time (its delta round is sequential and holds the mailbox's sync lock; attachments come with the pages, so
//   nothing else asks Graph for it), and the 429's request keeps its limiter slot until the pause is in Redis, so
//   no request can have been on its way when the 429 came: any request inside a pause is one MS1 sent while paused;
// - no mailbox over its limits: graph-sim never had to refuse a request for concurrency, and its peak of requests in
//   flight per mailbox is at most 4;
// - no job failed for them (no dead letter beyond the unreadable e-mails, no failed job), and the run is complete.
const MAILBOXES = ['storm-a@contoso.example', 'storm-b@contoso.example'];
const GRAPH_MAX_CONCURRENCY = 4;
const GRAPH_LIMITS = { concurrency: 4, requestsPerWindow: 10_000, windowMs: 600_000 };
/** One request per mailbox per 2 s: nearly every page meets a 429 with a Retry-After of 1-2 s. */
const STORM = { concurrency: 4, requestsPerWindow: 1, windowMs: 2000 };
const STORM_429S = 6;
/** Each 5xx costs the sync job that meets it an attempt: two bursts of 3 stay below JOB_ATTEMPTS (8) even if every
 * error of both meets the same job. */
const BURST_ERRORS = 3;

afterEach(stopAllSystems);

async function seedAll(sys: System, perMailbox: number, seed: number): Promise<void> {
  for (const [i, mailbox] of MAILBOXES.entries()) await sys.seed(mailbox, perMailbox, seed + i);
}

/** Switches a fault on, brings new mail to meet it, waits until graph-sim has answered `count` requests with it. */
async function underFault(
  sys: System,
  fault: { on: Record<string, unknown>; off: Record<string, unknown> },
  met: (s: StatsSnapshot) => number,
  count: number,
  mail: { perMailbox: number; seed: number },
): Promise<number> {
  const before = met(await sys.graphStats());
  await sys.graphConfig(fault.on);
  await seedAll(sys, mail.perMailbox, mail.seed);
  await sys.triggerSync();
  const reached = await waitFor(
    async () => {
      const n = met(await sys.graphStats()) - before;
      return n >= count ? n : 0;
    },
    { timeoutMs: 120_000, intervalMs: 100, what: `${count} requests answered with the fault` },
  );
  await sys.graphConfig(fault.off);
  return reached;
}

describe('Graph 429 storms and 5xx bursts', () => {
  it('obeys every Retry-After, stays within the mailbox limits, fails no job and misses nothing', async () => {
    await runCase(
      {
        label: 'graph-faults',
        mailboxes: MAILBOXES,
        graph: { latency: { fixedMs: 50, perKbMs: 0, jitterMs: 0 } },
        env: { DELTA_PAGE_SIZE: '5', GRAPH_MAX_CONCURRENCY: String(GRAPH_MAX_CONCURRENCY) },
      },
      async (sys) => {
        await seedAll(sys, 30, 400);
        await sys.startApps();
        await sys.startSession();
        const met: string[] = [];
        for (const round of [1, 2]) {
          const storm = await underFault(
            sys,
            { on: { throttle: STORM }, off: { throttle: GRAPH_LIMITS } },
            (s) => s.throttled.window,
            STORM_429S,
            { perMailbox: 40, seed: 410 + 10 * round },
          );
          const burst = await underFault(
            sys,
            { on: { errorRate: 1 }, off: { errorRate: 0 } },
            (s) => s.errorsInjected,
            BURST_ERRORS,
            { perMailbox: 20, seed: 450 + 10 * round },
          );
          met.push(`round ${round}: ${storm} 429s, ${burst} 5xx`);
        }

        const figures = await expectComplete(sys);
        const g = await sys.graphStats();
        expect(g.throttled.concurrency).toBe(0);
        for (const mailbox of MAILBOXES) {
          expect(g.peakConcurrency[mailbox]).toBeLessThanOrEqual(GRAPH_MAX_CONCURRENCY);
          expect(g.retryAfter.byMailbox[mailbox]?.given ?? 0).toBeGreaterThan(0);
          expect(g.retryAfter.byMailbox[mailbox]?.arrivalsInside).toBe(0);
        }
        console.log(
          `graph-faults: ${met.join('; ')}; Retry-After given ${g.retryAfter.given}, requests inside a pause ${g.retryAfter.arrivalsInside}, peak in flight ${JSON.stringify(g.peakConcurrency)}; ${JSON.stringify(figures)}`,
        );
      },
    );
  }, 480_000);
});
