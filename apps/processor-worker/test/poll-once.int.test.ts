import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import { startMs4Sim, type Ms4Sim } from '@ms1/ms4-sim';
import {
  appEnv,
  cleanPrefix,
  freePort,
  repoRoot,
  startApp,
  testRedisUrl,
  uniquePrefix,
  waitFor,
  type AppProcess,
} from '@ms1/test-utils';

// `pnpm ms1 poll-once` on seeded mailboxes (the sync runs in the CLI process; processor-worker and ms4-sender run as
// processes against ms4-sim), then GET /metrics/daily for the day's counts, then a session with webhooks cleared
// from the command line: nothing of it outlives the clear.
const run = promisify(execFile);
const CLI = path.join(repoRoot, 'apps/ingest-api/dist/cli.js');
const CLEAN = 'clean@contoso.example';
const MIXED = 'mixed@contoso.example';

interface Seeded {
  id: string;
  expected: { invoice: boolean; malformed: boolean; invoices: unknown[] };
}
interface Counts {
  discovered: number;
  forwarded: number;
  notInvoices: number;
  unreadable: number;
  deadLettered: number;
  graphRequests: number;
}

/** What a seeded mailbox's day must hold (unreadable e-mails are dead-lettered). */
function dayOf(m: {
  emails: unknown[];
  items: number;
  notInvoice: unknown[];
  malformed: unknown[];
}): Omit<Counts, 'graphRequests'> {
  return {
    discovered: m.emails.length,
    forwarded: m.items,
    notInvoices: m.notInvoice.length,
    unreadable: m.malformed.length,
    deadLettered: m.malformed.length,
  };
}

describe('ms1 poll-once, the daily metrics, and session control from the command line', () => {
  let sim: GraphSim;
  let ms4: Ms4Sim;
  let redis: Redis;
  const apps: AppProcess[] = [];
  const prefix = uniquePrefix('pollonce');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-pollonce-'));
  let env: Record<string, string>;
  let port: number;
  /** What the generator's expectations say each mailbox's day holds, once seeded. */
  const expectedDay = new Map<string, Omit<Counts, 'graphRequests'>>();

  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env, timeout: 180_000 });
      return { code: 0, out: JSON.parse(stdout) as Record<string, unknown>, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: e.stdout ? (JSON.parse(e.stdout) as Record<string, unknown>) : {}, stderr: e.stderr };
    }
  };
  const seed = async (mailbox: string, count: number, seedValue: number) => {
    const r = await fetch(`${sim.adminUrl}/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mailbox, count, seed: seedValue }),
    });
    const { emails } = (await r.json()) as { emails: Seeded[] };
    const invoice = emails.filter((e) => e.expected.invoice);
    return {
      emails,
      invoice,
      notInvoice: emails.filter((e) => !e.expected.invoice && !e.expected.malformed),
      malformed: emails.filter((e) => !e.expected.invoice && e.expected.malformed),
      items: invoice.reduce((n, e) => n + e.expected.invoices.length, 0),
    };
  };
  const graphStats = async () =>
    (await (await fetch(`${sim.adminUrl}/stats`)).json()) as { requests: { byMailbox: Record<string, number> } };
  const subscriptions = async () =>
    ((await (await fetch(`${sim.adminUrl}/subscriptions`)).json()) as { value: unknown[] }).value.length;

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [CLEAN, MIXED] });
    trustCa(sim.caPem);
    ms4 = await startMs4Sim({ port: 0 });
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    port = await freePort();
    env = {
      ...appEnv(testRedisUrl(), prefix, {
        PORT: String(port),
        AUTHORITY_HOST: sim.authorityHost,
        GRAPH_BASE_URL: sim.graphBaseUrl,
        NODE_EXTRA_CA_CERTS: sim.caFile,
        MS4_BASE_URL: ms4.baseUrl,
        MAILBOXES: `${CLEAN},${MIXED}`,
        ATTACHMENT_DIR: path.join(dir, 'attachments'),
        MAX_ATTACHMENT_BYTES: String(1024 * 1024),
        MS4_BATCH_MAX_WAIT_MS: '50',
      }),
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
    };
    apps.push(await startApp('processor-worker', { env }));
    apps.push(await startApp('ms4-sender', { env }));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    redis?.disconnect();
    await ms4?.stop();
    await sim?.stop();
    await cleanPrefix(testRedisUrl(), prefix);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs one round without a session, waits for every outcome, prints a summary and exits 0', async () => {
    const mail = await seed(CLEAN, 10, 1);
    expectedDay.set(CLEAN, dayOf(mail));
    expect(mail.malformed).toHaveLength(0);
    expect(mail.notInvoice.length).toBeGreaterThan(0);
    const r = await cli('poll-once', '--mailbox', CLEAN, '--timeout', '150');
    expect({ code: r.code, errors: r.stderr.split('\n').filter((l) => /"level":"error"|^ms1:/.test(l)) }).toEqual({
      code: 0,
      errors: [],
    });
    expect(r.out).toMatchObject({
      own_session: true,
      mailboxes: [CLEAN],
      folders: 1,
      discovered: mail.emails.length,
      left_alone: 0,
      forwarded: mail.invoice.length,
      not_invoice: mail.notInvoice.length,
      unreadable: 0,
      pending: 0,
      errors: [],
    });
    // "Forwarded" means MS4 has every invoice of those e-mails.
    const items = (await (await fetch(`${ms4.adminUrl}/items`)).json()) as { messageId: string }[];
    expect(items).toHaveLength(mail.items);
    expect(new Set(items.map((i) => i.messageId))).toEqual(new Set(mail.invoice.map((e) => e.id)));
    // The session it started for the round is stopped and archived.
    const sessions = (await cli('session', 'info')).out as {
      current: unknown;
      history: { sessionId: string; stopReason: string }[];
    };
    expect(sessions.current).toBeNull();
    expect(sessions.history[0]).toMatchObject({ sessionId: r.out.session_id, stopReason: 'poll-once' });
    // A second round finds nothing new.
    const again = await cli('poll-once', '--mailbox', CLEAN);
    expect(again.code).toBe(0);
    expect(again.out).toMatchObject({ discovered: 0, forwarded: 0, pending: 0 });
  }, 200_000);

  it('exits 1 when an e-mail ends unreadable, and says how many', async () => {
    const mail = await seed(MIXED, 12, 5);
    expectedDay.set(MIXED, dayOf(mail));
    expect(mail.malformed.length).toBeGreaterThan(0);
    const r = await cli('poll-once', '--mailbox', MIXED, '--timeout', '150');
    expect(r.code).toBe(1);
    expect(r.out).toMatchObject({
      discovered: mail.emails.length,
      forwarded: mail.invoice.length,
      not_invoice: mail.notInvoice.length,
      unreadable: mail.malformed.length,
      pending: 0,
    });
  }, 200_000);

  it('counts the day per mailbox: GET /metrics/daily', async () => {
    env.PUBLIC_BASE_URL = `http://127.0.0.1:${port}`;
    env.WEBHOOK_CLIENT_STATE = 'client-state-poll-once';
    apps.push(await startApp('ingest-api', { env }));
    const get = async (q: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/metrics/daily${q}`, {
        headers: { authorization: 'Bearer test-control-token' },
      });
      return {
        status: res.status,
        body: (await res.json()) as { days: { date: string; mailboxes: Record<string, Counts>; total: Counts }[] },
      };
    };
    const { status, body } = await get('?days=3');
    expect(status).toBe(200);
    expect(body.days.map((d) => d.date)).toEqual(
      [0, 1, 2].map((i) => new Date(Date.now() - i * 86_400_000).toISOString().slice(0, 10)),
    );
    // Summed over the days returned: the run may straddle midnight UTC.
    const sum = (mailbox: string): Counts => {
      const out: Counts = {
        discovered: 0,
        forwarded: 0,
        notInvoices: 0,
        unreadable: 0,
        deadLettered: 0,
        graphRequests: 0,
      };
      for (const d of body.days)
        for (const [k, v] of Object.entries(d.mailboxes[mailbox] ?? {})) out[k as keyof Counts] += v;
      return out;
    };
    const stats = await graphStats();
    // Every Graph request of the mailbox is counted: the sync's (in the CLI) and the processor's.
    expect(sum(CLEAN)).toEqual({ ...expectedDay.get(CLEAN), graphRequests: stats.requests.byMailbox[CLEAN] });
    expect(sum(MIXED)).toEqual({ ...expectedDay.get(MIXED), graphRequests: stats.requests.byMailbox[MIXED] });
    expect((await get('?days=0')).status).toBe(400);
    expect((await get('?days=x')).status).toBe(400);
  });

  it('clears a session with webhooks from the command line: no scheduler, no Graph subscription outlives it', async () => {
    const started = await cli('session', 'start', '--mode', 'scheduled', '--interval', '3600', '--mailboxes', CLEAN);
    expect(started.code).toBe(0);
    expect(started.out).toMatchObject({ enable_webhook: true, polling_mode: 'scheduled' });
    await waitFor(async () => (await subscriptions()) === 1, { timeoutMs: 30_000, what: 'the subscription' });
    const syncQueue = new Queue('mail-sync', { connection: redis, prefix: `{${prefix}}` });
    try {
      expect((await syncQueue.getJobSchedulers()).map((s) => s.key).sort()).toEqual([
        'polling',
        'subscription-renewal',
      ]);
      const cleared = await cli('session', 'clear');
      expect(cleared).toMatchObject({ code: 0, out: { cleared: true } });
      expect(await subscriptions()).toBe(0);
      expect(await syncQueue.getJobSchedulers()).toEqual([]);
    } finally {
      await syncQueue.close();
    }
  });
});
