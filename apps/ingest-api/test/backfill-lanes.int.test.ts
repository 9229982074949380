import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { startGraphSim, trustCa, type GraphSim, type RequestRecord } from '@ms1/graph-sim';
import { uniquePrefix, waitFor } from '@ms1/test-utils';
import { ingestApiHarness } from './helpers/ingest-api-harness';
import { laneStates } from './helpers/lane-states';

// A folder's first sync read in lanes: graph-sim with a Graph clock (each request holds its slot 300 ms, so lanes
// read together overlap), ingest-api as a process (killed with SIGKILL mid-backfill in the second test), real Redis.
// Three messages received a minute before the first sync are read by a lane and by the delta chain both. No
// processor runs, so every enqueued e-mail stays in email-inbound and every page's flow parent in
// mail-sync-results: "enqueued exactly once" is read from both, and the in-flight counts from graph-sim's own log.
const BIG = 'big@contoso.example';
const KILLED = 'killed@contoso.example';
const LANES = 4;

describe('backfill lanes (graph-sim + ingest-api process + Redis)', () => {
  let sim: GraphSim;
  let redis: Redis;
  let inbound: Queue;
  let results: Queue;
  let sync: Queue;
  const prefix = uniquePrefix('lanes');
  const api = ingestApiHarness({
    prefix,
    sim: () => sim,
    env: () => ({
      INGEST_ROLES: 'http,sync',
      DELTA_PAGE_SIZE: '40',
      BACKFILL_LANES: String(LANES),
      BACKFILL_MIN_MESSAGES: '100',
      // A job of the killed process is taken over once its lock has lapsed. Not shorter: a lock that a starved
      // machine fails to renew in time makes a live job stall, and a job stalled twice fails.
      WORKER_LOCK_DURATION_MS: '10000',
      WORKER_STALLED_INTERVAL_MS: '2000',
      ATTACHMENT_DIR: `/tmp/${prefix}`,
    }),
  });
  const { call, admin } = api;
  const inject = async (mailbox: string, subject: string, receivedDateTime: string) =>
    (await admin('POST', `/users/${mailbox}/messages`, {
      subject,
      from: { emailAddress: { name: 'S', address: 's@supplier.example' } },
      receivedDateTime,
      body: { contentType: 'text', content: 'invoice attached' },
      attachments: [],
    })) as { id: string };
  const seededIds = async (mailbox: string) =>
    ((await admin('GET', `/users/${mailbox}/messages`)) as { messages: { id: string }[] }).messages.map((m) => m.id);
  const emailJobs = async (mailbox: string) =>
    (
      await inbound.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children'])
    ).filter((j) => j?.data?.mailboxId === mailbox);
  /** Messages enqueued, page by page: a message enqueued twice (in two pages) counts twice here. */
  const pageCounts = async (mailbox: string) =>
    (await results.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children']))
      .filter((j) => j?.data?.mailboxId === mailbox)
      .reduce((n, j) => n + Number(j.data.messageCount), 0);
  const lanes = (mailbox: string) => laneStates(redis, prefix, mailbox);
  const syncIdle = async () =>
    waitFor(async () => (await sync.getJobs(['waiting', 'active', 'delayed', 'prioritized'])).length === 0, {
      timeoutMs: 180_000,
      what: 'sync jobs and lanes to finish',
    });
  const requestsOf = async (mailbox: string, afterSeq = 0) =>
    (
      (await admin('GET', `/requests?mailbox=${mailbox}&afterSeq=${afterSeq}`)) as unknown as {
        requests: RequestRecord[];
      }
    ).requests;
  const startSession = async (mailboxes: string[]) => {
    await call('POST', '/session/stop', {});
    const r = await call('POST', '/session/start', { polling_mode: 'manual', enable_webhook: false, mailboxes });
    expect(r.status).toBe(201);
  };

  beforeAll(async () => {
    sim = await startGraphSim({
      port: 0,
      mailboxes: [BIG, KILLED],
      latency: { fixedMs: 300, perKbMs: 0, jitterMs: 0 },
    });
    trustCa(sim.caPem);
    redis = api.redis;
    inbound = api.queue('email-inbound');
    results = api.queue('mail-sync-results');
    sync = api.queue('mail-sync');
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await sim?.stop();
  });

  it('reads a first sync with 2 to 4 requests in flight, enqueues each message once, then finds only new mail', async () => {
    await admin('POST', '/seed', { mailbox: BIG, count: 400, seed: 21 });
    // Received a minute ago: read by the last lane and by the delta chain (it starts 10 minutes back), enqueued once.
    for (let i = 0; i < 3; i++) await inject(BIG, `Recent invoice ${i}`, new Date(Date.now() - 60_000).toISOString());
    const seeded = await seededIds(BIG);
    expect(seeded).toHaveLength(403);
    await api.start();
    await startSession([BIG]);
    await waitFor(async () => (await lanes(BIG)).filter((l) => l.done).length === LANES, {
      timeoutMs: 240_000,
      what: 'every lane done',
    });
    await syncIdle();
    // The lanes start at equal message counts: each reads about 100 of the 403 messages, in pages of 40 (equal spans
    // of time up to now would give the first lane the whole seeded month and the others one empty page each).
    expect((await lanes(BIG)).map((l) => l.pages)).toEqual([3, 3, 3, 3]);

    const jobs = await emailJobs(BIG);
    expect(new Set(jobs.map((j) => j.data.messageId as string))).toEqual(new Set(seeded));
    expect(jobs).toHaveLength(403);
    expect(await pageCounts(BIG)).toBe(403);

    const log = await requestsOf(BIG);
    expect(log.filter((r) => r.status === 429)).toEqual([]);
    const peak = Math.max(...log.map((r) => r.inFlightAtArrival + 1));
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(4);
    expect(((await admin('GET', '/stats')) as { peakConcurrency: Record<string, number> }).peakConcurrency[BIG]).toBe(
      peak,
    );
    expect(log.filter((r) => r.kind === 'list').length).toBeGreaterThan(LANES);
    // The folder's count, the 4 cuts, 3 pages per lane, one or two delta pages, and room for a page read twice (a
    // lane taken over after a stall on a busy machine): within the 0.05 requests per message, about.
    expect(log.length).toBeLessThanOrEqual(1 + LANES + 3 * LANES + 2 + 2);

    // A later round is the delta chain alone (no lane, no list), and it finds only what arrived since.
    const mark = log.at(-1)?.seq ?? 0;
    const fresh = await inject(BIG, 'Invoice after the backfill', new Date().toISOString());
    await call('POST', '/polling/trigger');
    await waitFor(async () => (await emailJobs(BIG)).length === 404, { what: 'the new e-mail' });
    await syncIdle();
    const later = await requestsOf(BIG, mark);
    expect(later.map((r) => r.kind)).toEqual(['delta']);
    expect((await emailJobs(BIG)).map((j) => j.data.messageId)).toContain(fresh.id);
    expect(await pageCounts(BIG)).toBe(404);
  }, 400_000);

  it('survives a SIGKILL mid-backfill: the lanes carry on from their saved position, nothing enqueued twice', async () => {
    await admin('POST', '/seed', { mailbox: KILLED, count: 400, seed: 22 });
    const seeded = await seededIds(KILLED);
    await startSession([KILLED]);
    await waitFor(
      async () => {
        const l = await lanes(KILLED);
        return l.length > 0 && l.some((x) => x.pages >= 1) && l.some((x) => !x.done);
      },
      { timeoutMs: 60_000, what: 'lanes under way' },
    );
    await api.process?.kill9();
    // The killed process's limiter leases would free themselves after 120 s; the test drops them instead of waiting.
    await redis.del(`{${prefix}}:graph-limit:${KILLED}:inflight`);
    await api.start();
    await waitFor(async () => (await lanes(KILLED)).filter((l) => l.done).length === LANES, {
      timeoutMs: 240_000,
      what: 'every lane done after the restart',
    });
    await syncIdle();
    const jobs = await emailJobs(KILLED);
    expect(new Set(jobs.map((j) => j.data.messageId as string))).toEqual(new Set(seeded));
    expect(jobs).toHaveLength(400);
    expect(await pageCounts(KILLED)).toBe(400);
    const log = await requestsOf(KILLED);
    expect(Math.max(...log.map((r) => r.inFlightAtArrival + 1))).toBeLessThanOrEqual(4);
  }, 400_000);
});
