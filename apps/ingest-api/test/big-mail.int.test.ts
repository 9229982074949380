import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import { uniquePrefix, waitFor } from '@ms1/test-utils';
import { ingestApiHarness } from './helpers/ingest-api-harness';

// Big mail on the sync side, end to end: graph-sim (real HTTPS), ingest-api as a process, real Redis. Graph traffic
// goes through a TCP proxy here that can cut one connection mid-response. No processor runs, so every enqueued
// e-mail stays visible in email-inbound.
const KB = 1024;
const MB = 1024 * KB;

interface Listed {
  name: string;
  contentType: string;
  size: number;
  sha256: string | null;
  storageRef: string | null;
}
interface EmailJobData {
  mailboxId: string;
  messageId: string;
  listing: { attachments: Listed[] };
}

/**
 * Passes TLS bytes through to graph-sim; once armed, the first connection to carry more than N bytes back since the
 * arming is closed right there (the client gets exactly N bytes, then the end of the connection, in the middle of the
 * body). Counted from the arming, because a kept-alive connection has carried earlier answers (and a first sync asks
 * for the folder's size before its delta page).
 */
async function cuttingProxy(targetPort: number) {
  let cutAfter: number | null = null;
  let armings = 0;
  let cuts = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let sent = 0;
    let arming = armings;
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (arming !== armings) {
        arming = armings;
        sent = 0;
      }
      if (cutAfter !== null && sent + chunk.length > cutAfter) {
        client.end(chunk.subarray(0, cutAfter - sent));
        cutAfter = null;
        cuts++;
        upstream.destroy();
        return;
      }
      sent += chunk.length;
      if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });
    upstream.on('end', () => client.end());
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      a.on('error', () => b.destroy());
      a.on('close', () => {
        sockets.delete(a);
        if (!b.writableEnded) b.destroy(); // a cut client is left to flush its last bytes and its end
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    arm: (bytes: number) => {
      cutAfter = bytes;
      armings++;
    },
    cuts: () => cuts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const fileAttachment = (name: string, contentType: string, bytes: Buffer) => ({
  '@odata.type': '#microsoft.graph.fileAttachment',
  name,
  contentType,
  isInline: false,
  contentBytes: bytes.toString('base64'),
});

describe('big mail on the sync side (graph-sim through a cutting proxy + ingest-api process + Redis)', () => {
  let sim: GraphSim;
  let proxy: Awaited<ReturnType<typeof cuttingProxy>>;
  let redis: Redis;
  let inbound: Queue;
  let sync: Queue;
  let pages: Queue;
  const prefix = uniquePrefix('bigmail');
  const key = `{${prefix}}`;
  const attachmentDir = `/tmp/${prefix}`;
  const api = ingestApiHarness({
    prefix,
    sim: () => sim,
    env: () => ({
      INGEST_ROLES: 'http,sync',
      GRAPH_BASE_URL: `https://127.0.0.1:${proxy.port}/v1.0`,
      MAILBOXES: 'big@contoso.example',
      DELTA_PAGE_SIZE: '25',
      DELTA_PAGE_MAX_BYTES: String(1 * MB),
      MAX_ATTACHMENT_BYTES: String(1 * MB),
      // A failed page is retried after 10 to 30 s: long enough to look at what it left, then the test promotes it.
      JOB_BACKOFF_MS: '20000',
      ATTACHMENT_DIR: attachmentDir,
    }),
  });
  const { call } = api;
  const inject = async (mailbox: string, subject: string, attachments: unknown[]) => {
    const r = await fetch(`${sim.adminUrl}/users/${mailbox}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        subject,
        from: { emailAddress: { name: 'Builder', address: 'ap@builder.example' } },
        receivedDateTime: new Date().toISOString(),
        body: { contentType: 'text', content: 'invoice attached' },
        attachments,
      }),
    });
    expect(r.status).toBe(201);
    return ((await r.json()) as { id: string }).id;
  };
  const emailJobs = async (mailbox: string) =>
    (
      (await inbound.getJobs([
        'waiting',
        'active',
        'completed',
        'failed',
        'delayed',
        'prioritized',
        'waiting-children',
      ])) as Job<EmailJobData>[]
    ).filter((j) => j?.data?.mailboxId === mailbox);
  const pageJobs = async (mailbox: string) =>
    (
      (await pages.getJobs(['waiting', 'waiting-children', 'active', 'completed', 'failed'])) as Job<{
        mailboxId: string;
        roundId: string;
        page: number;
        messageCount: number;
      }>[]
    ).filter((j) => j?.data?.mailboxId === mailbox);
  const startSession = async (mailbox: string) => {
    await call('POST', '/session/stop', {});
    const r = await call('POST', '/session/start', {
      polling_mode: 'manual',
      enable_webhook: false,
      mailboxes: [mailbox],
    });
    expect(r.status).toBe(201);
    return r.body.session_id as string;
  };
  const roundsIdle = () =>
    waitFor(
      async () =>
        (await sync.getJobs(['waiting', 'active', 'delayed', 'prioritized'])).filter((j) => j?.name === 'sync-mailbox')
          .length === 0,
      { timeoutMs: 60_000, what: 'sync rounds to finish' },
    );
  const stored = (sha256: string) => path.join(attachmentDir, sha256.slice(0, 2), sha256);

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: ['big@contoso.example', 'cut@contoso.example'] });
    trustCa(sim.caPem);
    proxy = await cuttingProxy(Number(new URL(sim.graphBaseUrl).port));
    await api.start();
    redis = api.redis;
    inbound = api.queue('email-inbound');
    sync = api.queue('mail-sync');
    pages = api.queue('mail-sync-results');
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await proxy?.close();
    await sim?.stop();
    fs.rmSync(attachmentDir, { recursive: true, force: true });
  });

  it('records an attachment over MAX_ATTACHMENT_BYTES by name, size and type, and never stores it', async () => {
    const photo = randomBytes(3 * MB + 7);
    const xml = Buffer.from(
      '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>1</ID></Invoice>',
    );
    const id = await inject('big@contoso.example', 'Invoice with site photo', [
      fileAttachment('site.jpg', 'image/jpeg', photo),
      fileAttachment('invoice.xml', 'application/xml', xml),
    ]);
    await startSession('big@contoso.example');
    await waitFor(async () => (await emailJobs('big@contoso.example')).length === 1, { what: 'the e-mail enqueued' });
    await roundsIdle();
    const [job] = await emailJobs('big@contoso.example');
    expect(job?.data.messageId).toBe(id);
    expect(job?.data.listing.attachments).toEqual([
      expect.objectContaining({
        name: 'site.jpg',
        contentType: 'image/jpeg',
        size: photo.length,
        sha256: null,
        storageRef: null,
      }),
      expect.objectContaining({
        name: 'invoice.xml',
        size: xml.length,
        sha256: sha(xml),
        storageRef: `sha256/${sha(xml)}`,
      }),
    ]);
    expect(fs.readFileSync(stored(sha(xml)))).toEqual(xml);
    expect(fs.existsSync(stored(sha(photo)))).toBe(false);
    expect(fs.readdirSync(path.join(attachmentDir, '.incoming'))).toEqual([]); // no leftover of the dropped photo
    const status = await call('GET', '/session/status');
    expect(status.body.session).toMatchObject({ counters: { oversizedAttachments: 1, enqueued: 1 } });
    expect(api.process?.output()).toMatch(/attachment over MAX_ATTACHMENT_BYTES skipped/);
  }, 120_000);

  it('retries a page whose connection is cut mid-stream: nothing of it enqueued, the cursor kept, then every e-mail once', async () => {
    const mailbox = 'cut@contoso.example';
    const expected = new Map<string, string>();
    for (let i = 0; i < 6; i++) {
      const pdf = randomBytes(300 * KB);
      const id = await inject(mailbox, `Invoice ${i}`, [fileAttachment(`invoice-${i}.pdf`, 'application/pdf', pdf)]);
      expected.set(id, sha(pdf));
    }
    proxy.arm(1 * MB); // the page is about 2.4 MB: cut it a third of the way in
    await startSession(mailbox);
    const failed = await waitFor(
      async () =>
        (await sync.getJobs(['delayed'])).find(
          (j) => j?.name === 'sync-mailbox' && j.data.mailboxId === mailbox && j.attemptsMade >= 1,
        ),
      { timeoutMs: 60_000, what: 'the sync attempt that failed on the cut page' },
    );
    expect(proxy.cuts()).toBe(1);
    // Cut mid-body, or (when the cut lands before the client has read the headers) mid-request: retryable either way.
    expect(failed.failedReason).toMatch(/failed while streaming|Graph delta answered -1/);
    expect(await emailJobs(mailbox)).toEqual([]); // nothing of the half-read page
    expect(await redis.get(`${key}:delta:${mailbox}:inbox`)).toBeNull(); // the cursor did not move
    expect(await redis.get(`${key}:delta-page-size:${mailbox}:inbox`)).toBe('12'); // half of 25 next time

    await failed.promote();
    await waitFor(async () => (await emailJobs(mailbox)).length === expected.size, {
      what: 'every e-mail of the page',
    });
    await roundsIdle();
    const jobs = await emailJobs(mailbox);
    expect(jobs.map((j) => j.data.messageId).sort()).toEqual([...expected.keys()].sort());
    for (const j of jobs) {
      const [pdf] = j.data.listing.attachments;
      expect(pdf?.sha256).toBe(expected.get(j.data.messageId));
      expect(sha(fs.readFileSync(stored(pdf?.sha256 ?? '')))).toBe(pdf?.sha256);
    }
    const status = await call('GET', '/session/status');
    expect(status.body.session).toMatchObject({ counters: { enqueued: 6, discovered: 6 } });
  }, 120_000);

  it('starts the next round with the page size the last one learned', async () => {
    const mailbox = 'cut@contoso.example'; // its last pages weighed about 400 KB per e-mail against a 1 MB budget
    expect(await redis.get(`${key}:delta-page-size:${mailbox}:inbox`)).toBe('2');
    await startSession(mailbox);
    await roundsIdle();
    const before = new Set((await pageJobs(mailbox)).map((j) => j.id));
    for (let i = 0; i < 5; i++)
      await inject(mailbox, `Later invoice ${i}`, [
        fileAttachment(`later-${i}.pdf`, 'application/pdf', randomBytes(300 * KB)),
      ]);
    await call('POST', '/polling/trigger');
    await waitFor(async () => (await emailJobs(mailbox)).length === 11, { what: 'the five later e-mails' });
    await roundsIdle();
    const round = (await pageJobs(mailbox)).filter((j) => !before.has(j.id));
    // Pages of 2 from the first request of the round (not one page of 5 at DELTA_PAGE_SIZE).
    expect(round.map((j) => j.data.messageCount).sort()).toEqual([1, 2, 2]);
  }, 120_000);
});
