import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import type { Ms4Item } from '@ms1/shared';
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

// kill -9 of a processor-worker in the middle of a mailbox loses nothing: its jobs stall, another processor
// takes them over, and every e-mail ends processed once (no invoice item twice).
const COUNT = 300;
const MAILBOX = 'kill@contoso.example';

describe('processor-worker killed with SIGKILL mid-run', () => {
  let sim: GraphSim;
  const apps: AppProcess[] = [];
  const prefix = uniquePrefix('kill');
  const attachmentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-kill-'));

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [MAILBOX] });
    trustCa(sim.caPem);
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await sim?.stop();
    await cleanPrefix(testRedisUrl(), prefix);
    fs.rmSync(attachmentDir, { recursive: true, force: true });
  });

  it('recovers the stalled jobs on another processor and forwards every invoice once', async () => {
    const seeded = (await (
      await fetch(`${sim.adminUrl}/seed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mailbox: MAILBOX, count: COUNT, seed: 77 }),
      })
    ).json()) as { emails: { id: string; expected: { invoice: boolean; invoices: unknown[] } }[] };
    const expectedItems = seeded.emails
      .filter((e) => e.expected.invoice)
      .reduce((n, e) => n + e.expected.invoices.length, 0);
    const port = await freePort();
    const env = appEnv(testRedisUrl(), prefix, {
      PORT: String(port),
      AUTHORITY_HOST: sim.authorityHost,
      GRAPH_BASE_URL: sim.graphBaseUrl,
      NODE_EXTRA_CA_CERTS: sim.caFile,
      MAILBOXES: MAILBOX,
      ATTACHMENT_DIR: attachmentDir,
      MAX_ATTACHMENT_BYTES: String(1024 * 1024),
      PROCESSOR_CONCURRENCY: '4',
    });
    apps.push(await startApp('ingest-api', { env }));
    // The doomed processor's locks run out 10 s after it dies; alive, it renews them every 5 s, which even a busy
    // machine manages (its event loop is free: documents are read in reader threads). A job stalls once, at the kill.
    const doomed = await startApp('processor-worker', {
      env: { ...env, WORKER_LOCK_DURATION_MS: '10000', WORKER_STALLED_INTERVAL_MS: '1000' },
    });
    apps.push(doomed);
    const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const inbound = new Queue('email-inbound', { connection: redis, prefix: `{${prefix}}` });
    const outbound = new Queue('ms4-outbound', { connection: redis, prefix: `{${prefix}}` });
    try {
      await fetch(`http://127.0.0.1:${port}/session/start`, {
        method: 'POST',
        headers: { authorization: 'Bearer test-control-token', 'content-type': 'application/json' },
        body: JSON.stringify({ polling_mode: 'manual', enable_webhook: false }),
      });
      await waitFor(async () => (await inbound.getCompletedCount()) >= 30, {
        timeoutMs: 120_000,
        what: 'some e-mails processed',
      });
      await doomed.kill9();
      const left = COUNT - (await inbound.getCompletedCount());
      expect(left).toBeGreaterThan(0);
      // The survivor keeps the default 30 s lock and looks for stalled jobs every second.
      apps.push(await startApp('processor-worker', { env: { ...env, WORKER_STALLED_INTERVAL_MS: '1000' } }));
      await waitFor(
        async () => {
          const c = await inbound.getJobCounts('completed', 'failed');
          return c.completed + c.failed === COUNT;
        },
        { timeoutMs: 300_000, intervalMs: 500, what: `all ${COUNT} e-mails after the kill` },
      );
      const items = (await outbound.getJobs(['waiting'], 0, -1)).map((j) => j.data as Ms4Item);
      expect(items).toHaveLength(expectedItems);
      expect(new Set(items.map((i) => i.invoiceKey)).size).toBe(expectedItems);
    } finally {
      await inbound.close();
      await outbound.close();
      redis.disconnect();
    }
  }, 480_000);
});
