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

// A seeded mailbox of 1,000 generated e-mails through graph-sim, ingest-api and processor-worker (real processes,
// real Redis); every item on ms4-outbound is compared with graph-sim's recorded expectation, field by field.
const COUNT = 1000;
const MAILBOX = 'ap@contoso.example';
const FIELDS = [
  'number',
  'issueDate',
  'dueDate',
  'currency',
  'totalAmount',
  'taxExclusiveAmount',
  'payableAmount',
  'sellerName',
  'sellerVatId',
  'buyerName',
  'iban',
  'kind',
] as const;

interface Expected {
  case: string;
  invoice: boolean;
  malformed: boolean;
  invoices: (Record<(typeof FIELDS)[number], string | null> & {
    attachmentName: string;
    archiveName?: string;
    format: string;
  })[];
}

/** IBANs are forwarded in electronic form (no spaces, upper case); everything else must match exactly. */
function same(field: string, got: unknown, want: string | null): boolean {
  if (field === 'iban' && typeof got === 'string' && want !== null)
    return got === want.replace(/\s+/g, '').toUpperCase();
  return got === want;
}

describe(`a seeded mailbox of ${COUNT} e-mails, extracted and compared with the generator's expectations`, () => {
  let sim: GraphSim;
  const apps: AppProcess[] = [];
  const prefix = uniquePrefix('seeded');
  const attachmentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-seeded-'));
  let redis: Redis;

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [MAILBOX] });
    trustCa(sim.caPem);
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    redis?.disconnect();
    await sim?.stop();
    await cleanPrefix(testRedisUrl(), prefix);
    fs.rmSync(attachmentDir, { recursive: true, force: true });
  });

  it('forwards every expected invoice with the right fields, and accounts for every malformed e-mail', async () => {
    const seeded = (await (
      await fetch(`${sim.adminUrl}/seed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mailbox: MAILBOX, count: COUNT, seed: 2026 }),
      })
    ).json()) as { emails: { id: string; expected: Expected }[] };
    expect(seeded.emails).toHaveLength(COUNT);
    const port = await freePort();
    const env = appEnv(testRedisUrl(), prefix, {
      PORT: String(port),
      AUTHORITY_HOST: sim.authorityHost,
      GRAPH_BASE_URL: sim.graphBaseUrl,
      NODE_EXTRA_CA_CERTS: sim.caFile,
      MAILBOXES: MAILBOX,
      ATTACHMENT_DIR: attachmentDir,
      MAX_ATTACHMENT_BYTES: String(1024 * 1024),
      PROCESSOR_CONCURRENCY: '8',
      MARK_AS_READ: 'true',
    });
    apps.push(await startApp('ingest-api', { env }));
    apps.push(await startApp('processor-worker', { env }));
    const start = await fetch(`http://127.0.0.1:${port}/session/start`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-control-token', 'content-type': 'application/json' },
      body: JSON.stringify({ polling_mode: 'manual', enable_webhook: false }),
    });
    expect(start.status).toBe(201);

    const inbound = new Queue('email-inbound', { connection: redis, prefix: `{${prefix}}` });
    const outbound = new Queue('ms4-outbound', { connection: redis, prefix: `{${prefix}}` });
    try {
      await waitFor(
        async () => {
          const c = await inbound.getJobCounts('completed', 'failed');
          return c.completed + c.failed === COUNT;
        },
        { timeoutMs: 220_000, intervalMs: 1000, what: `${COUNT} e-mails processed` },
      );

      const items = (await outbound.getJobs(['waiting'], 0, -1)).map((j) => j.data as Ms4Item);
      const jobSizes = (await inbound.getJobs(['completed'], 0, 200)).map((j) => JSON.stringify(j.data).length);
      const dead = await new Queue('dead-letter', { connection: redis, prefix: `{${prefix}}` }).getJobs(
        ['waiting'],
        0,
        -1,
      );
      const deadIds = new Set(dead.map((j) => (j.data as { data: { messageId: string } }).data.messageId));

      let ok = 0;
      let all = 0;
      const misses: string[] = [];
      let missing = 0;
      let falsePositives = 0;
      let unaccounted = 0;
      for (const { id, expected } of seeded.emails) {
        const got = items.filter((i) => i.messageId === id);
        if (!expected.invoice) {
          // Neither a non-invoice nor a malformed e-mail may reach MS4; the malformed ones are dead-lettered.
          if (got.length > 0) falsePositives++;
          if (expected.malformed && !deadIds.has(id)) unaccounted++;
          continue;
        }
        for (const e of expected.invoices) {
          const it = expected.invoices.length === 1 ? got[0] : got.find((g) => g.invoice.number === e.number);
          if (!it) {
            missing++;
            if (misses.length < 10)
              misses.push(
                `${expected.case} ${id.slice(-8)}: no item for ${e.number} (${got.length} items: ${got.map((g) => g.invoice.number).join(',')}; dead-lettered: ${deadIds.has(id)})`,
              );
            continue;
          }
          // Text heuristics promise number, dates, currency and totals; names are not read from free text.
          const fields =
            e.format === 'pdf-text' ? FIELDS.filter((f) => !['sellerName', 'buyerName'].includes(f)) : FIELDS;
          for (const f of fields) {
            all++;
            if (same(f, it.invoice[f], e[f])) ok++;
            else if (misses.length < 10)
              misses.push(
                `${expected.case} ${e.attachmentName} ${f}: got ${JSON.stringify(it.invoice[f])} want ${JSON.stringify(e[f])}`,
              );
          }
        }
      }
      console.log(
        `seeded mailbox: ${items.length} items, fields ${ok}/${all} (${((100 * ok) / all).toFixed(2)}%), missing ${missing}, false positives ${falsePositives}, dead letters ${dead.length}, unaccounted malformed ${unaccounted}, largest job ${Math.max(...jobSizes)} bytes${misses.length ? `\n${misses.join('\n')}` : ''}`,
      );
      expect(missing).toBe(0);
      expect(falsePositives).toBe(0);
      expect(unaccounted).toBe(0);
      expect(ok / all).toBeGreaterThanOrEqual(0.995);
      expect(Math.max(...jobSizes)).toBeLessThan(10_000); // references, not bytes
      expect(new Set(items.map((i) => i.invoiceKey)).size).toBe(items.length);

      // MARK_AS_READ: each page's parent marks its processed messages read with $batch once all are done.
      const completed = await inbound.getCompletedCount();
      const readCount = async () =>
        (
          (await (await fetch(`${sim.adminUrl}/users/${MAILBOX}/messages`)).json()) as {
            messages: { isRead: boolean }[];
          }
        ).messages.filter((m) => m.isRead).length;
      await waitFor(async () => (await readCount()) === completed, {
        timeoutMs: 60_000,
        what: 'processed messages marked read',
      });
      const status = (await (
        await fetch(`http://127.0.0.1:${port}/session/status`, {
          headers: { authorization: 'Bearer test-control-token' },
        })
      ).json()) as { session: { counters: Record<string, number> } };
      expect(status.session.counters).toMatchObject({
        processed: COUNT,
        markedRead: completed,
        deadLettered: dead.length,
      });
      expect(status.session.counters.pages).toBeGreaterThan(0);
    } finally {
      await inbound.close();
      await outbound.close();
    }
  }, 300_000);
});
