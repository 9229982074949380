import { Worker, type Queue } from 'bullmq';
import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import { uniquePrefix, waitFor } from '@ms1/test-utils';
import { ingestApiHarness } from './helpers/ingest-api-harness';
import { laneStates } from './helpers/lane-states';

// A big first sync against a full processors' backlog: graph-sim, ingest-api as a process, real Redis. The lanes
// stop reading while BACKFILL_BACKLOG_MAX e-mails wait in email-inbound (the rest stays in the mailbox), and read on
// once a processor takes e-mails: here the test's own BullMQ worker, which records every e-mail it is given.
const BIG = 'backlog@contoso.example';
const LANES = 4;
const PAGE = 40;
const MARK = 60;

describe('backfill lanes against the processors backlog (graph-sim + ingest-api process + Redis)', () => {
  let sim: GraphSim;
  let inbound: Queue;
  let sync: Queue;
  const prefix = uniquePrefix('backlog');
  const api = ingestApiHarness({
    prefix,
    sim: () => sim,
    env: () => ({
      INGEST_ROLES: 'http,sync',
      DELTA_PAGE_SIZE: String(PAGE),
      BACKFILL_LANES: String(LANES),
      BACKFILL_MIN_MESSAGES: '100',
      BACKFILL_BACKLOG_MAX: String(MARK),
      ATTACHMENT_DIR: `/tmp/${prefix}`,
    }),
  });
  const { call, admin } = api;
  const backlog = async () => {
    const counts = await inbound.getJobCounts('wait', 'prioritized');
    return (counts.wait ?? 0) + (counts.prioritized ?? 0);
  };
  /** A lane waiting for the backlog: its job delayed, with the turns it was held in its data. */
  const laneHeldBack = async () =>
    (await sync.getJobs(['delayed'])).some((j) => j?.name === 'backfill-range' && Number(j.data.heldTurns) >= 1) &&
    (await backlog()) >= MARK;
  const lanesDone = async () => (await laneStates(api.redis, prefix, BIG)).filter((l) => l.done).length;

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [BIG] });
    trustCa(sim.caPem);
    inbound = api.queue('email-inbound');
    sync = api.queue('mail-sync');
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await sim?.stop();
  });

  it('stops reading at the mark, then reads on as e-mails are taken, each e-mail given to a processor once', async () => {
    await admin('POST', '/seed', { mailbox: BIG, count: 400, seed: 23 });
    const seeded = ((await admin('GET', `/users/${BIG}/messages`)) as { messages: { id: string }[] }).messages.map(
      (m) => m.id,
    );
    await api.start();
    const started = await call('POST', '/session/start', {
      polling_mode: 'manual',
      enable_webhook: false,
      mailboxes: [BIG],
    });
    expect(started.status).toBe(201);

    // Each lane may read one page after its look at the backlog, so the backlog can pass the mark by that much.
    const bound = MARK + LANES * PAGE;
    let peak = 0;
    const sample = async () => {
      peak = Math.max(peak, await backlog());
    };
    await waitFor(
      async () => {
        await sample();
        return laneHeldBack();
      },
      { timeoutMs: 60_000, what: 'a lane held back by the backlog' },
    );
    const whileHeld = await inbound.getJobs(['wait', 'prioritized']);
    expect(whileHeld.length).toBeGreaterThanOrEqual(MARK);
    expect(whileHeld.length).toBeLessThanOrEqual(bound);

    const given: string[] = [];
    const connection = api.redis.duplicate();
    const processor = new Worker(
      'email-inbound',
      async (job) => {
        given.push(String(job.data.messageId));
      },
      { connection, prefix: `{${prefix}}`, concurrency: 4 },
    );
    try {
      await waitFor(
        async () => {
          await sample();
          return (await lanesDone()) === LANES && given.length >= seeded.length && (await backlog()) === 0;
        },
        { timeoutMs: 120_000, what: 'every lane done and every e-mail taken' },
      );
    } finally {
      await processor.close();
      connection.disconnect();
    }
    expect(given).toHaveLength(seeded.length);
    expect(new Set(given)).toEqual(new Set(seeded));
    expect(peak).toBeLessThanOrEqual(bound);
  }, 300_000);
});
