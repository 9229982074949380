import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import { startMs4Sim, type Ms4Sim } from '@ms1/ms4-sim';
import {
  appEnv,
  cleanPrefix,
  freePort,
  startApp,
  testRedisUrl,
  uniquePrefix,
  waitFor,
  type AppProcess,
} from '@ms1/test-utils';

// After-actions end to end: graph-sim, ms4-sim, the three apps as processes, real Redis, a rules file. What an
// accounts-payable team sees in Outlook (graph-sim's admin view of each message: folder, isRead, categories) changes
// only once the outcome is final: `forwarded` after MS4 accepted every invoice of the e-mail, and exactly once,
// also when the processes are killed with SIGKILL between MS4's acceptance and the action.
const RULES = {
  rules: [
    {
      name: 'ap',
      folders: ['inbox'],
      includeSubfolders: true, // inbox/Processed, where forwarded mail goes, is watched too
      afterActions: {
        forwarded: { markRead: true, moveTo: 'inbox/Processed', categories: ['MS1: forwarded'] },
        notInvoice: { categories: ['MS1: not an invoice'] },
        unreadable: { categories: ['MS1: needs attention'] },
      },
    },
  ],
};
const FORWARDED = { folder: 'inbox/Processed', isRead: true, categories: ['MS1: forwarded'] };
const NOT_INVOICE = { folder: 'inbox', isRead: false, categories: ['MS1: not an invoice'] };
const UNREADABLE = { folder: 'inbox', isRead: false, categories: ['MS1: needs attention'] };
const UNTOUCHED = { folder: 'inbox', isRead: false, categories: [] };

interface Seeded {
  id: string;
  expected: { invoice: boolean; malformed: boolean; invoices: unknown[] };
}
interface SimMessage {
  id: string;
  folder: string;
  isRead: boolean;
  categories: string[];
}

describe('after-actions in Outlook, once the outcome is final', () => {
  let sim: GraphSim;
  let ms4: Ms4Sim;
  let redis: Redis;
  let queues: Record<'inbound' | 'outbound' | 'actions' | 'sync', Queue>;
  const apps = new Set<AppProcess>();
  const prefix = uniquePrefix('after');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-after-'));
  const rulesFile = path.join(dir, 'rules.json');
  let port: number;
  let env: Record<string, string>;

  const start = async (name: string) => {
    const app = await startApp(name, { env });
    apps.add(app);
    return app;
  };
  const kill9 = async (app: AppProcess) => {
    await app.kill9();
    apps.delete(app);
  };
  const api = async (method: string, p: string, body?: unknown) => {
    const r = await fetch(`http://127.0.0.1:${port}${p}`, {
      method,
      headers: { authorization: 'Bearer test-control-token', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const simAdmin = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${sim.adminUrl}${p}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await r.json()) as T;
  };
  const ms4Config = (body: unknown) =>
    fetch(`${ms4.adminUrl}/config`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const ms4Stats = async () =>
    (await (await fetch(`${ms4.adminUrl}/stats`)).json()) as {
      requests: number;
      itemsReceived: number;
      duplicates: number;
      batches: number;
    };
  const ms4Items = async () => (await (await fetch(`${ms4.adminUrl}/items`)).json()) as { messageId: string }[];
  const messages = async (mailbox: string) =>
    new Map(
      (await simAdmin<{ messages: SimMessage[] }>('GET', `/users/${mailbox}/messages`)).messages.map((m) => [
        m.id,
        { folder: m.folder, isRead: m.isRead, categories: m.categories },
      ]),
    );
  const seed = async (mailbox: string, count: number, seedValue: number) => {
    const { emails } = await simAdmin<{ emails: Seeded[] }>('POST', '/seed', { mailbox, count, seed: seedValue });
    const kinds = {
      invoice: emails.filter((e) => e.expected.invoice),
      notInvoice: emails.filter((e) => !e.expected.invoice && !e.expected.malformed),
      malformed: emails.filter((e) => !e.expected.invoice && e.expected.malformed),
    };
    return { emails, ...kinds, items: kinds.invoice.reduce((n, e) => n + e.expected.invoices.length, 0) };
  };
  const processed = (mailbox: string, count: number) =>
    waitFor(
      async () => {
        const jobs = (await queues.inbound.getJobs(['completed', 'failed'])).filter(
          (j) => j?.data.mailboxId === mailbox,
        );
        return jobs.length === count;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: `${count} e-mails of ${mailbox} processed` },
    );
  const actionsIdle = () =>
    waitFor(async () => (await queues.actions.getJobCounts('waiting', 'active', 'delayed')).waiting === 0, {
      what: 'after-actions',
    });
  const startSession = async (mailbox: string) => {
    await api('POST', '/session/stop', {});
    const r = await api('POST', '/session/start', {
      polling_mode: 'manual',
      enable_webhook: false,
      mailboxes: [mailbox],
    });
    expect(r.status).toBe(201);
  };

  beforeAll(async () => {
    fs.writeFileSync(rulesFile, JSON.stringify(RULES));
    sim = await startGraphSim({ port: 0 });
    trustCa(sim.caPem);
    ms4 = await startMs4Sim({ port: 0 });
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const q = (name: string) => new Queue(name, { connection: redis, prefix: `{${prefix}}` });
    queues = {
      inbound: q('email-inbound'),
      outbound: q('ms4-outbound'),
      actions: q('mail-actions'),
      sync: q('mail-sync'),
    };
    port = await freePort();
    env = appEnv(testRedisUrl(), prefix, {
      PORT: String(port),
      AUTHORITY_HOST: sim.authorityHost,
      GRAPH_BASE_URL: sim.graphBaseUrl,
      NODE_EXTRA_CA_CERTS: sim.caFile,
      MS4_BASE_URL: ms4.baseUrl,
      ATTACHMENT_DIR: path.join(dir, 'attachments'),
      MAX_ATTACHMENT_BYTES: String(1024 * 1024),
      MAIL_RULES_FILE: rulesFile,
      JOB_ATTEMPTS: '50',
      JOB_BACKOFF_MS: '100',
      MS4_CIRCUIT_FAILURES: '2',
      MS4_CIRCUIT_OPEN_MS: '300',
      MS4_BATCH_MAX_WAIT_MS: '50',
      WORKER_LOCK_DURATION_MS: '3000',
      WORKER_STALLED_INTERVAL_MS: '1000',
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([...apps].map((a) => a.stop()));
    for (const queue of Object.values(queues ?? {})) await queue.close();
    redis?.disconnect();
    await ms4?.stop();
    await sim?.stop();
    await cleanPrefix(testRedisUrl(), prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('marks, tags and moves an e-mail only after MS4 accepted its invoices; a move into a watched folder is not new', async () => {
    const MB = 'ap@contoso.example';
    const mail = await seed(MB, 16, 5);
    expect(mail.invoice.length).toBeGreaterThan(0);
    expect(mail.notInvoice.length).toBeGreaterThan(0);
    expect(mail.malformed.length).toBeGreaterThan(0);
    await ms4Config({ outage: { durationMs: 3_600_000 } }); // MS4 refuses everything until told otherwise
    await start('ingest-api');
    await start('processor-worker');
    await start('ms4-sender');
    await startSession(MB);
    await processed(MB, mail.emails.length);
    // Everything that does not wait for MS4 has happened: not-invoices and unreadable e-mails are tagged...
    await waitFor(
      async () => {
        const now = await messages(MB);
        return [...mail.notInvoice, ...mail.malformed].every((e) => (now.get(e.id)?.categories.length ?? 0) > 0);
      },
      { timeoutMs: 60_000, what: 'the not-invoice and unreadable after-actions' },
    );
    await actionsIdle();
    // ...and the sender has tried MS4 and been refused.
    await waitFor(async () => (await ms4Stats()).requests > 0, { what: 'a refused MS4 request' });
    const before = await messages(MB);
    for (const e of mail.notInvoice) expect({ id: e.id, ...before.get(e.id) }).toEqual({ id: e.id, ...NOT_INVOICE });
    for (const e of mail.malformed) expect({ id: e.id, ...before.get(e.id) }).toEqual({ id: e.id, ...UNREADABLE });
    // MS4 has none of the invoices: the invoice e-mails are as they arrived.
    expect((await ms4Stats()).itemsReceived).toBe(0);
    for (const e of mail.invoice) expect({ id: e.id, ...before.get(e.id) }).toEqual({ id: e.id, ...UNTOUCHED });

    await ms4Config({ outage: null });
    await waitFor(async () => (await ms4Stats()).itemsReceived >= mail.items, {
      timeoutMs: 60_000,
      what: `${mail.items} invoices at MS4`,
    });
    await waitFor(
      async () => {
        const now = await messages(MB);
        return mail.invoice.every((e) => now.get(e.id)?.folder === 'inbox/Processed');
      },
      { timeoutMs: 60_000, what: 'the forwarded e-mails moved' },
    );
    await actionsIdle();
    const after = await messages(MB);
    for (const e of mail.invoice) expect({ id: e.id, ...after.get(e.id) }).toEqual({ id: e.id, ...FORWARDED });
    for (const e of mail.notInvoice) expect({ id: e.id, ...after.get(e.id) }).toEqual({ id: e.id, ...NOT_INVOICE });

    // inbox/Processed is watched: its round sees the moved e-mails (same immutable ids) and enqueues none again.
    const counters = async () =>
      ((await api('GET', '/session/status')).body.session as { counters: Record<string, number> }).counters;
    const discovered = (await counters()).discovered;
    expect((await api('POST', '/polling/trigger')).status).toBe(202);
    await waitFor(async () => (await counters()).discovered >= discovered + mail.invoice.length, {
      timeoutMs: 60_000,
      what: 'a round of inbox/Processed',
    });
    await waitFor(async () => (await queues.sync.getJobCounts('waiting', 'active', 'delayed')).active === 0, {
      what: 'sync rounds',
    });
    const c = await counters();
    expect(c.enqueued).toBe(mail.emails.length);
    expect(c.afterActions).toBe(mail.emails.length);
    const inbound = (await queues.inbound.getJobs(['completed', 'failed', 'waiting', 'active'])).filter(
      (j) => j?.data.mailboxId === MB,
    );
    expect(inbound).toHaveLength(mail.emails.length);
    expect((await ms4Stats()).duplicates).toBe(0);
    expect(new Set((await ms4Items()).map((i) => i.messageId))).toEqual(new Set(mail.invoice.map((e) => e.id)));
  }, 240_000);

  it('does the action once after a kill -9 between MS4 acceptance and the action, retrying Graph failures', async () => {
    const MB = 'kill@contoso.example';
    const mail = await seed(MB, 10, 3);
    expect(mail.invoice.length).toBeGreaterThan(0);
    await ms4Config({ outage: { durationMs: 3_600_000 } });
    await startSession(MB);
    await processed(MB, mail.emails.length);
    // The process that would act dies first; MS4 then accepts while it is gone.
    const [ingest] = [...apps].filter((a) => a.name === 'ingest-api');
    if (!ingest) throw new Error('ingest-api is not running');
    await kill9(ingest);
    const batchesBefore = (await ms4Stats()).batches;
    await ms4Config({ outage: null });
    const forwardedJobs = async () =>
      (await queues.actions.getJobs(['waiting'])).filter(
        (j) => j?.data.mailboxId === MB && j.data.outcome === 'forwarded',
      );
    await waitFor(async () => (await forwardedJobs()).length === mail.invoice.length, {
      timeoutMs: 60_000,
      what: 'a durable after-action per forwarded e-mail',
    });
    expect((await ms4Stats()).itemsReceived).toBeGreaterThanOrEqual(mail.items);
    // The sender that saw MS4 accept dies too; nothing has been done in Outlook yet.
    for (const app of [...apps]) await kill9(app);
    const waiting = await messages(MB);
    for (const e of mail.invoice) expect({ id: e.id, ...waiting.get(e.id) }).toEqual({ id: e.id, ...UNTOUCHED });

    // Graph fails every request for a while: the actions are retried, not lost.
    await simAdmin('PUT', '/config', { errorRate: 1 });
    await start('ingest-api');
    await waitFor(
      async () => (await forwardedJobs()).length === 0 && (await queues.actions.getJobs(['delayed'])).length > 0,
      { timeoutMs: 60_000, what: 'failed after-actions waiting for a retry' },
    );
    const retried = await queues.actions.getJobs(['delayed']);
    expect(retried.every((j) => j.attemptsMade >= 1)).toBe(true);
    expect((await messages(MB)).get(mail.invoice[0]?.id ?? '')).toEqual(UNTOUCHED);
    await simAdmin('PUT', '/config', { errorRate: 0 });
    await waitFor(
      async () => {
        const now = await messages(MB);
        return mail.invoice.every((e) => now.get(e.id)?.folder === 'inbox/Processed');
      },
      { timeoutMs: 60_000, what: 'the forwarded e-mails moved after the restart' },
    );
    await actionsIdle();
    const after = await messages(MB);
    for (const e of mail.invoice) expect({ id: e.id, ...after.get(e.id) }).toEqual({ id: e.id, ...FORWARDED });
    // The actions never touched MS4: no batch since the one that was accepted, no invoice twice.
    const s = await ms4Stats();
    expect(s.duplicates).toBe(0);
    expect(s.batches).toBeGreaterThan(batchesBefore);
    const atMs4 = (await ms4Items()).filter((i) => mail.invoice.some((e) => e.id === i.messageId));
    expect(atMs4).toHaveLength(mail.items);
  }, 240_000);
});
