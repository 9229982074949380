import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import {
  appEnv,
  freePort,
  startApp,
  startRedisServer,
  uniquePrefix,
  waitFor,
  type AppProcess,
  type PrivateRedis,
} from '@ms1/test-utils';

// Redis paused (SIGSTOP: it hangs, the socket stays open) and Redis down (killed): the edge answers 503, each
// request within the bound the issue sets (webhook and control API 3 s, /health 2 s; the server's own bound is a
// 1 s command timeout), and everything resumes once Redis is back, without restarting anything.
const TOKEN = 'test-control-token';
const CLIENT_STATE = 'client-state-for-outage-tests';
const MAILBOX = 'a@contoso.example';

interface Answer {
  what: string;
  status: number | 'no answer in time';
  ms: number;
}

describe('Redis paused or down', () => {
  const prefix = uniquePrefix('outage');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-outage-'));
  let redis: PrivateRedis;
  let paused = false;
  let api: AppProcess;
  let sender: AppProcess;
  let base: string;
  let senderHealth: string;
  const measured: string[] = [];

  const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const notification = JSON.stringify({
    value: [
      { subscriptionId: 'sub-a', clientState: CLIENT_STATE, changeType: 'created', resource: 'Users/a/Messages/m' },
    ],
  });
  const probes: { what: string; url: () => string; init: RequestInit; timeoutMs: number }[] = [
    {
      what: 'POST /webhooks/graph',
      url: () => `${base}/webhooks/graph`,
      init: { method: 'POST', headers: auth, body: notification },
      timeoutMs: 3000,
    },
    { what: 'GET /session/status', url: () => `${base}/session/status`, init: { headers: auth }, timeoutMs: 3000 },
    {
      what: 'POST /polling/trigger',
      url: () => `${base}/polling/trigger`,
      init: { method: 'POST', headers: auth },
      timeoutMs: 3000,
    },
    {
      what: 'POST /session/start',
      url: () => `${base}/session/start`,
      init: { method: 'POST', headers: auth, body: '{}' },
      timeoutMs: 3000,
    },
    { what: 'GET /dlq', url: () => `${base}/dlq`, init: { headers: auth }, timeoutMs: 3000 },
    { what: 'GET /health', url: () => `${base}/health`, init: {}, timeoutMs: 2000 },
    { what: 'ms4-sender GET /health', url: () => senderHealth, init: {}, timeoutMs: 2000 },
  ];

  /** Every probe at once, each with its own client timeout: a late answer counts as no answer. */
  const probeAll = async (label: string): Promise<Record<string, Answer['status']>> => {
    const answers = await Promise.all(
      probes.map(async ({ what, url, init, timeoutMs }): Promise<Answer> => {
        const t0 = performance.now();
        try {
          const res = await fetch(url(), { ...init, signal: AbortSignal.timeout(timeoutMs) });
          await res.arrayBuffer();
          return { what, status: res.status, ms: Math.round(performance.now() - t0) };
        } catch {
          return { what, status: 'no answer in time', ms: Math.round(performance.now() - t0) };
        }
      }),
    );
    measured.push(`${label}: ${answers.map((a) => `${a.what} ${a.status} in ${a.ms} ms`).join(', ')}`);
    return Object.fromEntries(answers.map((a) => [a.what, a.status]));
  };
  const allUnavailable = Object.fromEntries(probes.map((p) => [p.what, 503]));
  const healthy = {
    'POST /webhooks/graph': 202,
    'GET /session/status': 200,
    'POST /polling/trigger': 202,
    'POST /session/start': 409, // the session started in beforeAll is still there
    'GET /dlq': 200,
    'GET /health': 200,
    'ms4-sender GET /health': 200,
  };
  const recovered = async () => {
    await waitFor(async () => (await fetch(`${base}/health`)).status === 200, {
      timeoutMs: 20_000,
      what: '/health 200',
    });
    await waitFor(async () => (await fetch(senderHealth)).status === 200, { timeoutMs: 20_000, what: 'sender 200' });
  };

  beforeAll(async () => {
    redis = await startRedisServer({ appendOnly: true, dir });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = appEnv(redis.url, prefix, {
      PORT: String(port),
      INGEST_ROLES: 'http',
      MAILBOXES: MAILBOX,
      PUBLIC_BASE_URL: base,
      WEBHOOK_CLIENT_STATE: CLIENT_STATE,
    });
    api = await startApp('ingest-api', { env });
    const healthPort = await freePort();
    senderHealth = `http://127.0.0.1:${healthPort}/health`;
    sender = await startApp('ms4-sender', { env: { ...env, HEALTH_PORT: String(healthPort) } });
    const started = await fetch(`${base}/session/start`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ polling_mode: 'manual', enable_webhook: false }),
    });
    expect(started.status).toBe(201);
    const { session_id: sessionId } = (await started.json()) as { session_id: string };
    // The subscription a notification names, as the sync worker would have stored it.
    const subscription = {
      id: 'sub-a',
      sessionId,
      mailboxId: MAILBOX,
      folder: 'inbox',
      expirationDateTime: '2099-01-01T00:00:00Z',
    };
    const r = new Redis(redis.url);
    await r.hset(`{${prefix}}:subscriptions`, 'sub-a', JSON.stringify(subscription));
    r.disconnect();
  }, 60_000);

  afterAll(async () => {
    if (paused) process.kill(redis.pid, 'SIGCONT');
    await api?.stop();
    await sender?.stop();
    await redis?.stop();
    process.stderr.write(`\nredis-outage answer times (client bounds 3 s, /health 2 s):\n${measured.join('\n')}\n`);
  });

  it('answers while Redis is paused (SIGSTOP), then resumes when it continues (SIGCONT)', async () => {
    expect(await probeAll('healthy')).toEqual(healthy);
    process.kill(redis.pid, 'SIGSTOP');
    paused = true;
    try {
      expect(await probeAll('paused')).toEqual(allUnavailable);
      expect(await probeAll('still paused')).toEqual(allUnavailable); // nothing piled up behind the first round
    } finally {
      process.kill(redis.pid, 'SIGCONT');
      paused = false;
    }
    await recovered();
    const after = await probeAll('continued');
    expect(after).toEqual(healthy);
    expect(api.child.exitCode).toBeNull();
  });

  it('answers while Redis is down (killed), then resumes when it is back on the same port', async () => {
    const port = redis.port;
    await redis.stop();
    expect(await probeAll('down')).toEqual(allUnavailable);
    expect(await probeAll('still down')).toEqual(allUnavailable);
    redis = await startRedisServer({ port, appendOnly: true, dir });
    await recovered();
    expect(await probeAll('restarted')).toEqual(healthy);
    // The webhook's sync reached the queue after the restart: one deduplicated sync of the mailbox waits.
    const status = (await (await fetch(`${base}/session/status`, { headers: auth })).json()) as {
      queues: Record<string, { waiting: number }>;
    };
    expect(status.queues['mail-sync']?.waiting).toBe(1);
    expect(api.child.exitCode).toBeNull();
    expect(sender.child.exitCode).toBeNull();
  });
});
