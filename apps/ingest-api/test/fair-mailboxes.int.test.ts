import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'bullmq';
import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import {
  closeRedis,
  createAttachmentStore,
  createGraphStack,
  createLogger,
  createRedis,
  DailyMetrics,
  JobName,
  keyPrefix,
  loadConfig,
  Producer,
  QueueName,
  queueSetup,
  SessionStore,
  type JobRun,
  type RedisConnection,
  type SyncPageData,
} from '@ms1/shared';
import { cleanPrefix, testRedisUrl, uniquePrefix, waitFor } from '@ms1/test-utils';
import { CursorStore } from '../src/sync/cursor-store';
import { FolderResolver } from '../src/sync/folder-resolver';
import { syncMailboxHandler } from '../src/sync/sync-mailbox';

// Fair mailboxes, checked by order and not by time: a big mailbox's whole round (6 pages) is enqueued before a small
// mailbox's round; then one processor takes the e-mails one at a time. The small mailbox's e-mails must all be
// processed before any e-mail of the big mailbox's second and later pages: each page's e-mails are prioritized by
// the page's rank in its round. Without that, the small mailbox would wait behind the big one's whole backlog.
const BIG = 'big@contoso.example';
const SMALL = 'small@contoso.example';
const PAGE_SIZE = 10;

describe('fair mailboxes: the priority of a delta page e-mails', () => {
  const prefix = uniquePrefix('fair');
  const attachmentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-fair-'));
  const logger = createLogger({ service: 'test', level: 'error', format: 'json', secrets: [] });
  const run: JobRun = { logger, token: 'test-token' };
  let sim: GraphSim;
  let connection: RedisConnection;
  let producer: Producer;
  let worker: Worker | undefined;

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [BIG, SMALL] });
    trustCa(sim.caPem);
  });
  afterAll(async () => {
    await worker?.close();
    await producer?.close();
    if (connection) await closeRedis(connection);
    await sim.stop();
    await cleanPrefix(testRedisUrl(), prefix);
    fs.rmSync(attachmentDir, { recursive: true, force: true });
  });

  it("processes a small mailbox's first page before the big mailbox's later pages", async () => {
    const config = loadConfig('ingest-api', {
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
      TENANT_ID: 'contoso',
      CLIENT_ID: 'client-1',
      CLIENT_SECRET: 'secret-value-1',
      CONTROL_API_TOKEN: 'control-token',
      AUTHORITY_HOST: sim.authorityHost,
      GRAPH_BASE_URL: sim.graphBaseUrl,
      DELTA_PAGE_SIZE: String(PAGE_SIZE),
      // Pages keep their size whatever the attachments weigh, so the big round has exactly 6 pages of e-mails.
      DELTA_PAGE_MAX_BYTES: String(1024 * 1024 * 1024),
      ATTACHMENT_DIR: attachmentDir,
    });
    connection = createRedis(config.redis, { role: 'worker', name: 'fair-mailboxes-test' });
    const prefixKey = keyPrefix(prefix);
    producer = new Producer(queueSetup(config, connection, logger));
    const sessions = new SessionStore(connection, prefixKey, 10);
    const { graph } = createGraphStack(config, connection, prefixKey, logger, sessions);
    const syncMailbox = syncMailboxHandler({
      config,
      graph,
      attachments: createAttachmentStore(config.storage),
      cursors: new CursorStore(connection, prefixKey),
      sessions,
      producer,
      redis: connection,
      keyPrefix: prefixKey,
      rules: null,
      folders: new FolderResolver(graph, connection, prefixKey),
      daily: new DailyMetrics(connection, prefixKey),
    });
    const session = await sessions.start({
      pollingMode: 'manual',
      pollingIntervalSeconds: 300,
      enableWebhook: false,
      mailboxes: [BIG, SMALL],
      folder: 'inbox',
    });
    const seed = (mailbox: string, count: number, s: number) =>
      fetch(`${sim.adminUrl}/seed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mailbox, count, seed: s }),
      });
    await seed(BIG, 6 * PAGE_SIZE, 31);
    await seed(SMALL, PAGE_SIZE, 32);

    // The big mailbox's round first, entirely: its 6 pages are queued before the small mailbox's first page.
    for (const mailboxId of [BIG, SMALL]) {
      const job = await producer.add(JobName.SyncMailbox, {
        sessionId: session.sessionId,
        mailboxId,
        folder: 'inbox',
        trigger: 'manual',
      });
      expect(await syncMailbox(job, run)).toMatchObject({ messages: mailboxId === BIG ? 60 : 10 });
    }

    // The page each e-mail came from, read from its flow parent (the sync-page job records the page's rank).
    const pageOf = new Map<string, { mailboxId: string; page: number }>();
    const parents = await producer.queue(QueueName.MailSyncResults).getJobs(['waiting-children']);
    for (const parent of parents) {
      const data = parent.data as SyncPageData;
      const deps = await parent.getDependencies({ unprocessed: { count: 1000 } });
      const queueKey = `${prefixKey}:${QueueName.EmailInbound}:`;
      for (const key of deps.unprocessed ?? []) pageOf.set(key.slice(queueKey.length), data);
    }
    expect(pageOf.size).toBe(70);
    expect(new Set([...pageOf.values()].filter((p) => p.mailboxId === BIG).map((p) => p.page))).toEqual(
      new Set([1, 2, 3, 4, 5, 6]),
    );

    // One processor, one e-mail at a time: the order of processing is the queue's order.
    const order: { mailboxId: string; page: number }[] = [];
    worker = new Worker(
      QueueName.EmailInbound,
      async (job) => {
        const from = job.id ? pageOf.get(job.id) : undefined;
        if (!from) throw new Error(`e-mail job ${job.id} of no known page`);
        order.push(from);
      },
      { connection, prefix: prefixKey, concurrency: 1 },
    );
    await waitFor(async () => order.length === 70, { timeoutMs: 60_000, what: '70 e-mails processed' });

    const lastSmall = order.map((o) => o.mailboxId).lastIndexOf(SMALL);
    const firstBigLater = order.findIndex((o) => o.mailboxId === BIG && o.page >= 2);
    expect(lastSmall).toBeLessThan(firstBigLater);
    // The big mailbox's first page was there first and keeps its place (equal priority: first in, first out).
    expect(order.slice(0, PAGE_SIZE).every((o) => o.mailboxId === BIG && o.page === 1)).toBe(true);
    // And the big mailbox's later pages follow in their own order.
    const bigPages = order.filter((o) => o.mailboxId === BIG).map((o) => o.page);
    expect(bigPages).toEqual([...bigPages].sort((a, b) => a - b));
  }, 120_000);
});
