import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startGraphSim, trustCa, type GraphSim, type RequestRecord } from '@ms1/graph-sim';
import { cleanPrefix, testRedisUrl, uniquePrefix } from '@ms1/test-utils';
import {
  DeltaExpiredError,
  LocalDirectoryStore,
  loadConfig,
  MailboxLimiter,
  MailGraph,
  MsalTokenProvider,
  ThrottledError,
  type IngestApiConfig,
  type GraphCallEvent,
} from '../src';
import { memoryLogger } from './helpers';

// The production Graph adapter (MSAL + Graph SDK + limiter) against graph-sim: only configuration differs.
const MAILBOX = 'ap@contoso.example';

describe('MailGraph and MsalTokenProvider against graph-sim (real MSAL, real Graph SDK, real Redis)', () => {
  let sim: GraphSim;
  let redis: Redis;
  let config: IngestApiConfig;
  let storeDir: string;
  let store: LocalDirectoryStore;
  const prefix = uniquePrefix('graph');
  const key = `{${prefix}}`;
  const admin = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${sim.adminUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await r.json()) as Record<string, unknown>;
  };
  const stats = async () =>
    (await admin('GET', '/stats')) as {
      tokenRequests: number;
      requests: { byKind: Record<string, number> };
      throttled: { total: number };
      peakConcurrency: Record<string, number>;
    };

  beforeAll(async () => {
    storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-graph-store-'));
    store = new LocalDirectoryStore(storeDir, 1 << 20);
    sim = await startGraphSim({ port: 0, mailboxes: [MAILBOX] });
    trustCa(sim.caPem);
    redis = new Redis(testRedisUrl());
    config = loadConfig('ingest-api', {
      TENANT_ID: 'contoso',
      CLIENT_ID: 'client-1',
      CLIENT_SECRET: 'secret-value-1',
      CONTROL_API_TOKEN: 'control-token',
      AUTHORITY_HOST: sim.authorityHost,
      GRAPH_BASE_URL: sim.graphBaseUrl,
      QUEUE_PREFIX: prefix,
    });
  });
  afterAll(async () => {
    redis.disconnect();
    await sim.stop();
    await cleanPrefix(testRedisUrl(), prefix);
    fs.rmSync(storeDir, { recursive: true, force: true });
  });

  // A client waits for its limiter slot in-process for up to maxInlineWaitMs (then throws ThrottledError). Tests that
  // mean "it waits" give it a minute, so a busy machine never turns a wait into an error; tests that mean "it
  // refuses" give it far less than the pause it meets.
  const graphClient = (events: GraphCallEvent[] = [], retryAfterMaxMs?: number, maxInlineWaitMs = 60_000) => {
    const limits = { maxConcurrent: 4, maxPerWindow: 10_000, windowMs: 600_000 };
    const tokens = new MsalTokenProvider(config.graph, redis, key, memoryLogger().logger);
    const limiter = new MailboxLimiter(redis, key, { ...limits, maxInlineWaitMs });
    return {
      tokens,
      limiter,
      graph: new MailGraph({
        baseUrl: config.graph.baseUrl,
        tokens,
        limiter,
        retryAfterMaxMs,
        onCall: (e) => events.push(e),
      }),
    };
  };

  it('shares one token between replicas through the encrypted Redis cache', async () => {
    const before = (await stats()).tokenRequests;
    const a = graphClient().tokens;
    const b = graphClient().tokens;
    const tokens = await Promise.all([a.getToken(), b.getToken(), a.getToken(), b.getToken()]);
    expect(new Set(tokens).size).toBe(1);
    expect((await stats()).tokenRequests - before).toBe(1);
    expect(a.acquired + b.acquired).toBe(1);
    const stored = await redis.get(`${key}:msal-cache:app:client-1`);
    expect(stored).toMatch(/^v1\./);
    expect(stored).not.toContain(tokens[0]); // encrypted at rest
  });

  it('runs delta rounds: all messages with attachments, then only changes, then an expired cursor', async () => {
    await admin('POST', '/seed', { mailbox: MAILBOX, count: 30, seed: 3 });
    const { graph } = graphClient();
    const ctx = { mailboxId: MAILBOX };
    let link: string | null = null;
    const seen: string[] = [];
    let withContent = 0;
    for (;;) {
      const page = await graph.deltaPage(ctx, 'inbox', link, 7, store);
      expect(page.messages.length).toBeLessThanOrEqual(7);
      for (const m of page.messages) {
        seen.push(m.id);
        withContent += m.attachments.filter((a) => a.content.kind === 'stored').length;
      }
      link = page.nextLink ?? page.deltaLink;
      if (page.deltaLink) break;
    }
    expect(new Set(seen).size).toBe(30);
    expect(withContent).toBeGreaterThan(10);

    const injected = (await admin('POST', `/users/${MAILBOX}/messages`, {
      subject: 'Invoice 99',
      from: { emailAddress: { address: 's@x.example' } },
      receivedDateTime: new Date().toISOString(),
      body: { contentType: 'text', content: 'hi' },
      attachments: [],
    })) as { id: string };
    const next = await graph.deltaPage(ctx, 'inbox', link, 7, store);
    expect(next.messages.map((m) => m.id)).toEqual([injected.id]);
    expect(next.deltaLink).toBeTruthy();

    await admin('POST', `/users/${MAILBOX}/expire-delta`);
    await expect(graph.deltaPage(ctx, 'inbox', next.deltaLink, 7, store)).rejects.toBeInstanceOf(DeltaExpiredError);
  });

  it('fetches attachment bytes and marks messages read with $batch', async () => {
    const bytes = Buffer.from('%PDF-1.4 not really');
    const { id } = (await admin('POST', `/users/${MAILBOX}/messages`, {
      subject: 'Rechnung',
      from: { emailAddress: { address: 's@x.example' } },
      receivedDateTime: new Date().toISOString(),
      body: { contentType: 'text', content: '' },
      attachments: [
        {
          '@odata.type': '#microsoft.graph.fileAttachment',
          name: 'r.pdf',
          contentType: 'application/pdf',
          isInline: false,
          contentBytes: bytes.toString('base64'),
        },
      ],
    })) as { id: string };
    const { graph } = graphClient();
    const ctx = { mailboxId: MAILBOX };
    const [att] = await graph.listAttachments(ctx, id);
    expect(att).toMatchObject({ name: 'r.pdf', size: bytes.length });
    expect(await graph.attachmentContent(ctx, id, att?.id ?? '')).toEqual(bytes);
    expect(await graph.markRead(ctx, [id])).toBe(1);
    const list = (await admin('GET', `/users/${MAILBOX}/messages`)) as { messages: { id: string; isRead: boolean }[] };
    expect(list.messages.find((m) => m.id === id)?.isRead).toBe(true);
  });

  it('retries the inner 429s of a $batch after their Retry-After', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = (await admin('POST', '/users/batch@contoso.example/messages', {
        subject: `b${i}`,
        from: { emailAddress: { address: 's@x.example' } },
        receivedDateTime: new Date().toISOString(),
        body: { contentType: 'text', content: '' },
        attachments: [],
      })) as { id: string };
      ids.push(r.id);
    }
    await admin('PUT', '/config', { throttle: { concurrency: 4, requestsPerWindow: 5, windowMs: 1500 } });
    const mark = ((await admin('GET', '/requests')) as { lastSeq: number }).lastSeq;
    const events: GraphCallEvent[] = [];
    const { graph } = graphClient(events);
    try {
      expect(await graph.markRead({ mailboxId: 'batch@contoso.example' }, ids)).toBe(8);
    } finally {
      await admin('PUT', '/config', { throttle: { concurrency: 4, requestsPerWindow: 10000, windowMs: 600000 } });
    }
    expect(events.some((e) => e.throttled)).toBe(true);
    const list = (await admin('GET', '/users/batch@contoso.example/messages')) as { messages: { isRead: boolean }[] };
    expect(list.messages.every((m) => m.isRead)).toBe(true);

    // graph-sim's record: each $batch after the first went out only once the Retry-After of the inner 429s of the
    // one before it had passed (counted from when graph-sim answered them).
    const log = (await admin('GET', `/requests?afterSeq=${mark}`)) as { requests: RequestRecord[] };
    const outer = log.requests.filter((r) => r.kind === 'batch');
    const inner = log.requests.filter((r) => r.inBatch && r.mailbox === 'batch@contoso.example');
    expect(outer.length).toBeGreaterThanOrEqual(2);
    expect(inner.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    for (let k = 1; k < outer.length; k++) {
      const before = outer[k - 1] as RequestRecord;
      const refused = inner.filter((r) => r.status === 429 && r.at >= before.at && r.answeredAt <= before.answeredAt);
      expect(refused.length).toBeGreaterThan(0); // only a round with 429s is retried
      const notBefore = Math.max(...refused.map((r) => r.answeredAt + (r.retryAfterSeconds ?? 0) * 1000));
      expect(outer[k]?.at).toBeGreaterThanOrEqual(notBefore);
    }
    expect(inner.filter((r) => r.status === 200)).toHaveLength(8);
  });

  it('keeps a mailbox at 4 requests in flight, and turns a 429 into a shared pause and ThrottledError', async () => {
    await admin('PUT', '/config', { latency: { fixedMs: 40, perKbMs: 0, jitterMs: 0 } });
    const throttledBefore = (await stats()).throttled.total;
    const events: GraphCallEvent[] = [];
    const { graph } = graphClient(events);
    const ctx = { mailboxId: 'peak@contoso.example' };
    await admin('POST', '/users/peak@contoso.example/messages', {
      subject: 'x',
      from: { emailAddress: { address: 's@x.example' } },
      receivedDateTime: new Date().toISOString(),
      body: { contentType: 'text', content: '' },
      attachments: [],
    });
    await Promise.all(Array.from({ length: 24 }, () => graph.deltaPage(ctx, 'inbox', null, 10, store)));
    const s = await stats();
    expect(s.peakConcurrency['peak@contoso.example']).toBeLessThanOrEqual(4);
    expect(s.throttled.total).toBe(throttledBefore);

    // The sim's window is now one request a minute: its 429 pauses the mailbox for everyone and the call says when
    // to come back.
    await admin('PUT', '/config', {
      throttle: { concurrency: 4, requestsPerWindow: 1, windowMs: 60_000 },
      latency: { fixedMs: 0, perKbMs: 0, jitterMs: 0 },
    });
    try {
      await graph.deltaPage(ctx, 'inbox', null, 10, store);
      const err = await graph.deltaPage(ctx, 'inbox', null, 10, store).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ThrottledError);
      expect((err as ThrottledError).retryAfterMs).toBeGreaterThanOrEqual(1000);
      // Another process sees the pause too: it refuses at once rather than wait (1 s inline, the pause is longer).
      const other = graphClient([], undefined, 1000).graph;
      const mark = ((await admin('GET', '/requests')) as { lastSeq: number }).lastSeq;
      await expect(other.deltaPage(ctx, 'inbox', null, 10, store)).rejects.toBeInstanceOf(ThrottledError);
      const after = (await admin('GET', `/requests?afterSeq=${mark}`)) as { requests: RequestRecord[] };
      expect(after.requests).toEqual([]); // it did not even ask Graph
      expect(events.some((e) => e.throttled)).toBe(true);
    } finally {
      await admin('PUT', '/config', { throttle: { concurrency: 4, requestsPerWindow: 10000, windowMs: 600000 } });
    }
  });

  it('caps a long Retry-After (GRAPH_RETRY_AFTER_MAX_SECONDS): the job and the shared pause wait no longer', async () => {
    const mailbox = 'cap@contoso.example';
    await admin('POST', `/users/${mailbox}/messages`, {
      subject: 'x',
      from: { emailAddress: { address: 's@x.example' } },
      receivedDateTime: new Date().toISOString(),
      body: { contentType: 'text', content: '' },
      attachments: [],
    });
    await admin('PUT', '/config', {
      throttle: { concurrency: 4, requestsPerWindow: 1, windowMs: 600_000 },
      latency: { fixedMs: 0, perKbMs: 0, jitterMs: 0 },
    });
    try {
      const { graph, limiter } = graphClient([], 1500);
      await graph.deltaPage({ mailboxId: mailbox }, 'inbox', null, 10, store);
      const t0 = Date.now();
      const err = await graph.deltaPage({ mailboxId: mailbox }, 'inbox', null, 10, store).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ThrottledError);
      expect((err as ThrottledError).retryAfterMs).toBe(1500); // graph-sim asked for about ten minutes
      // The shared pause is the capped 1.5 s, less the time since it was set (at most what passed since t0).
      const paused = await limiter.pausedForMs(mailbox);
      expect(paused).toBeLessThanOrEqual(1500);
      expect(paused).toBeGreaterThanOrEqual(1500 - (Date.now() - t0));
    } finally {
      await admin('PUT', '/config', { throttle: { concurrency: 4, requestsPerWindow: 10000, windowMs: 600000 } });
    }
  });
});
