import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import {
  closeRedis,
  createAttachmentStore,
  createGraphStack,
  createLogger,
  createRedis,
  createWorker,
  DailyMetrics,
  DeadLetters,
  JobName,
  keyPrefix,
  loadConfig,
  Producer,
  QueueName,
  queueSetup,
  SessionStore,
  ThrottledError,
  tryLock,
  type IngestApiConfig,
  type JobRun,
  type RedisConnection,
  type Session,
} from '@ms1/shared';
import { cleanPrefix, testRedisUrl, uniquePrefix, waitFor } from '@ms1/test-utils';
import { SessionControl } from '../src/session/session-control';
import { FolderResolver } from '../src/sync/folder-resolver';
import { SubscriptionManager } from '../src/subscriptions/subscription-manager';
import { SubscriptionStore } from '../src/subscriptions/subscription-store';
import { CursorStore } from '../src/sync/cursor-store';
import { syncHandlers } from '../src/sync/handlers';
import { syncPageHandler } from '../src/sync/sync-page';

// The sync worker's plain handlers called directly on real BullMQ jobs: graph-sim (real HTTPS, MSAL, Graph SDK),
// real Redis; no worker runs them, so each test sees exactly what one call did.
const A = 'a@contoso.example';
const B = 'b@contoso.example';

describe('sync handlers (sync-tick, sync-mailbox, sync-page) against graph-sim and Redis', () => {
  const prefix = uniquePrefix('synch');
  const attachmentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-synch-'));
  const logger = createLogger({ service: 'test', level: 'error', format: 'json', secrets: [] });
  const run: JobRun = { logger, token: 'test-token' };
  let sim: GraphSim;
  let config: IngestApiConfig;
  let connection: RedisConnection;
  let producer: Producer;
  let sessions: SessionStore;
  let session: Session;
  let handlers: ReturnType<typeof syncHandlers>;
  let pageHandler: ReturnType<typeof syncPageHandler>;
  const workers: { close(): Promise<void> }[] = [];

  const adminJson = async (method: string, p: string, body?: unknown) => {
    const r = await fetch(`${sim.adminUrl}${p}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await r.json()) as Record<string, unknown>;
  };
  const syncJobs = async () =>
    (await producer.queue(QueueName.MailSync).getJobs(['waiting', 'delayed', 'prioritized'])).filter(
      (j) => j?.name === JobName.SyncMailbox,
    );

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [A, B] });
    trustCa(sim.caPem);
    config = loadConfig('ingest-api', {
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
      TENANT_ID: 'contoso',
      CLIENT_ID: 'client-1',
      CLIENT_SECRET: 'secret-value-1',
      CONTROL_API_TOKEN: 'control-token',
      AUTHORITY_HOST: sim.authorityHost,
      GRAPH_BASE_URL: sim.graphBaseUrl,
      DELTA_PAGE_SIZE: '10',
      ATTACHMENT_DIR: attachmentDir,
    });
    connection = createRedis(config.redis, { role: 'worker', name: 'sync-handlers-test' });
    const prefixKey = keyPrefix(prefix);
    producer = new Producer(queueSetup(config, connection, logger));
    sessions = new SessionStore(connection, prefixKey, 10);
    const { graph } = createGraphStack(config, connection, prefixKey, logger, sessions);
    const subscriptions = new SubscriptionManager(graph, new SubscriptionStore(connection, prefixKey), config, logger);
    const control = new SessionControl(sessions, producer, logger, subscriptions);
    handlers = syncHandlers({
      sessions,
      control,
      subscriptions,
      sync: {
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
      },
    });
    pageHandler = syncPageHandler({ graph, markAsRead: true, sessions });
    session = await sessions.start({
      pollingMode: 'manual',
      pollingIntervalSeconds: 300,
      enableWebhook: false,
      mailboxes: [A, B],
      folder: 'inbox',
    });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await producer.close();
    await closeRedis(connection);
    await sim.stop();
    await cleanPrefix(testRedisUrl(), prefix);
    fs.rmSync(attachmentDir, { recursive: true, force: true });
  });

  it('sync-tick asks for one deduplicated sync per mailbox of the current session, and ignores an old session', async () => {
    const tick = await producer.add(JobName.SyncTick, { sessionId: session.sessionId });
    expect(await handlers['sync-tick'](tick, run)).toEqual({ enqueued: 2 });
    expect(await handlers['sync-tick'](tick, run)).toEqual({ enqueued: 2 });
    const pending = await syncJobs();
    expect(pending.map((j) => j.data.mailboxId).sort()).toEqual([A, B]);
    expect(pending.map((j) => j.data.trigger)).toEqual(['schedule', 'schedule']);

    const stale = await producer.add(JobName.SyncTick, { sessionId: 'a-session-that-ended' });
    expect(await handlers['sync-tick'](stale, run)).toEqual({ enqueued: 0 });
    expect(await syncJobs()).toHaveLength(2);
    await producer.queue(QueueName.MailSync).obliterate({ force: true });
  });

  it('sync-mailbox enqueues every new message once, one flow per page, and nothing on the next round', async () => {
    await adminJson('POST', '/seed', { mailbox: A, count: 25, seed: 7 });
    const first = await producer.add(JobName.SyncMailbox, {
      sessionId: session.sessionId,
      mailboxId: A,
      folder: 'inbox',
      trigger: 'manual',
    });
    const result = await handlers['sync-mailbox'](first, run);
    expect(result).toMatchObject({ messages: 25, removed: 0 });
    expect(result.pages).toBeGreaterThanOrEqual(3); // pages of at most 10

    // Prioritized by their page's rank in the round (fair mailboxes): page 1's e-mails first.
    const emails = await producer.queue(QueueName.EmailInbound).getJobs(['prioritized']);
    expect(emails).toHaveLength(25);
    expect(emails.filter((j) => j.opts.priority === 1)).toHaveLength(10);
    expect(new Set(emails.map((j) => j.data.messageId)).size).toBe(25);
    const pages = await producer.queue(QueueName.MailSyncResults).getJobs(['waiting-children']);
    expect(pages.map((p) => p.data.messageCount).reduce((a, b) => a + b, 0)).toBe(25);
    expect((await sessions.current())?.counters).toMatchObject({ discovered: 25, enqueued: 25 });

    const again = await producer.add(JobName.SyncMailbox, {
      sessionId: session.sessionId,
      mailboxId: A,
      folder: 'inbox',
      trigger: 'manual',
    });
    expect(await handlers['sync-mailbox'](again, run)).toMatchObject({ messages: 0 });
    expect(await producer.queue(QueueName.EmailInbound).getJobCountByTypes('waiting', 'prioritized')).toBe(25);
  });

  it('sync-mailbox asks to be delayed (ThrottledError) while another round of the mailbox holds its lock', async () => {
    const held = await tryLock(connection, `${keyPrefix(prefix)}:sync-lock:${B}:inbox`, 10_000);
    expect(held).not.toBeNull();
    try {
      const job = await producer.add(JobName.SyncMailbox, {
        sessionId: session.sessionId,
        mailboxId: B,
        folder: 'inbox',
        trigger: 'manual',
      });
      await expect(handlers['sync-mailbox'](job, run)).rejects.toBeInstanceOf(ThrottledError);
    } finally {
      await held?.release();
    }
  });

  it("sync-page counts the page and marks its processed messages read, by the ids its children's outcomes carry", async () => {
    workers.push(
      createWorker(
        QueueName.EmailInbound,
        {
          'process-email': async (job) => ({
            mailboxId: job.data.mailboxId,
            messageId: job.data.messageId,
            outcome: 'not-an-invoice',
            invoices: 0,
            warnings: 0,
            reason: 'test',
          }),
        },
        { queueSetup: queueSetup(config, connection, logger), deadLetters: new DeadLetters(producer, logger) },
      ),
    );
    const results = producer.queue(QueueName.MailSyncResults);
    await waitFor(async () => (await results.getJobCountByTypes('waiting-children')) === 0, {
      what: 'every page to have its children done',
    });
    const pages = await producer.getJobs(JobName.SyncPage, ['waiting']);
    const before = (await sessions.current())?.counters.pages ?? 0;
    let marked = 0;
    for (const page of pages) {
      const outcome = await pageHandler(page, run);
      expect(outcome).toMatchObject({ messages: page.data.messageCount, notInvoices: page.data.messageCount });
      expect(outcome.markedRead).toBe(page.data.messageCount);
      marked += outcome.markedRead;
    }
    expect(marked).toBe(25);
    expect((await sessions.current())?.counters.pages).toBe(before + pages.length);
    const inMailbox = (await adminJson('GET', `/users/${A}/messages`)) as { messages: { isRead: boolean }[] };
    expect(inMailbox.messages.filter((m) => m.isRead)).toHaveLength(25);
  });
});
