// Test and benchmark helpers: MS4 items that satisfy MS4's contract, a harness with a real Redis queue and a
// real ms4-sim, and sender processes started from the built app.
import { createHash } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Ms4Item } from '@ms1/shared';
import { startMs4Sim, type Ms4Sim, type Ms4SimOptions, type SimConfigInput } from '@ms1/ms4-sim';
import { appEnv, cleanPrefix, startApp, uniquePrefix, type AppProcess } from '@ms1/test-utils';

/** A realistic item (about 1 KB serialized) whose invoiceKey is unique per run and index. */
export function makeItem(run: string, i: number): Ms4Item {
  const sha = createHash('sha256').update(`${run}-${i}`).digest('hex');
  const messageId = `AAMkAD${sha.slice(0, 40)}`;
  return {
    invoiceKey: createHash('sha256').update(`ap@contoso.example|${messageId}|${sha}`).digest('hex'),
    sessionId: `session-${run}`,
    mailboxId: 'ap@contoso.example',
    messageId,
    internetMessageId: `<${sha.slice(0, 16)}@supplier.example>`,
    receivedDateTime: '2026-11-02T08:15:00Z',
    from: { name: 'Supplier GmbH', address: 'billing@supplier.example' },
    subject: `Rechnung RE-2026-${i}`,
    attachment: {
      name: `RE-2026-${i}.pdf`,
      contentType: 'application/pdf',
      size: 48_213 + (i % 1000),
      sha256: sha,
      storageRef: `sha256/${sha.slice(0, 2)}/${sha}`,
    },
    invoice: {
      format: 'facturx',
      kind: 'invoice',
      number: `RE-2026-${i}`,
      issueDate: '2026-11-01',
      dueDate: '2026-12-01',
      currency: 'EUR',
      totalAmount: '1190.00',
      taxExclusiveAmount: '1000.00',
      payableAmount: '1190.00',
      sellerName: 'Supplier GmbH',
      sellerVatId: 'DE123456789',
      buyerName: 'Contoso AG',
      iban: 'DE02120300000000202051',
      confidence: 1,
    },
    warnings: [],
  };
}

export interface SimStats {
  requests: number;
  responses: Record<string, number>;
  batches: number;
  partialBatches: number;
  itemsReceived: number;
  uniqueKeys: number;
  duplicates: number;
  rejectedItems: number;
  failedItems: number;
  failedOnPurpose: Record<string, number>;
  batchSizes: Record<string, number>;
  maxBatch: number;
  meanBatch: number;
  firstItemAt: string | null;
  lastItemAt: string | null;
  timeline: { t: string; requests: number; items: number }[];
}

export interface SimBatch {
  batchId: string;
  receivedAt: string;
  size: number;
  status: number;
  accepted: number;
}

export interface Harness {
  prefix: string;
  run: string;
  redis: Redis;
  outbound: Queue;
  deadLetter: Queue;
  ms4: Ms4Sim;
  redisUrl: string;
  /** Adds items as production does: jobId = invoiceKey, bounded attempts, exponential backoff with jitter. */
  addItems(items: Ms4Item[], opts?: { attempts?: number; backoffMs?: number }): Promise<void>;
  stats(): Promise<SimStats>;
  batches(): Promise<SimBatch[]>;
  simConfig(patch: SimConfigInput): Promise<void>;
  /** The ms4-sender environment for this harness. */
  env(extra?: Record<string, string>): Record<string, string>;
  startSender(extra?: Record<string, string>): Promise<AppProcess>;
  /** Stops every sender started so far (SIGTERM, then SIGKILL after 5 s); for afterEach, so none outlives its test. */
  stopSenders(): Promise<void>;
  /** Jobs not finished yet (waiting, active, delayed, prioritized, waiting-children). */
  unfinished(): Promise<number>;
  close(): Promise<void>;
}

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function harness(redisUrl: string, simOptions: Ms4SimOptions = {}): Promise<Harness> {
  const prefix = uniquePrefix('ms4s');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const qp = `{${prefix}}`;
  const outbound = new Queue('ms4-outbound', { connection: redis, prefix: qp });
  const deadLetter = new Queue('dead-letter', { connection: redis, prefix: qp });
  const ms4 = await startMs4Sim({ port: 0, randomSeed: 42, ...simOptions });
  const procs: AppProcess[] = [];
  const h: Harness = {
    prefix,
    run: prefix,
    redis,
    outbound,
    deadLetter,
    ms4,
    redisUrl,
    async addItems(items, opts = {}) {
      const jobOpts = (key: string): JobsOptions => ({
        jobId: key,
        attempts: opts.attempts ?? 8,
        backoff: { type: 'exponential', delay: opts.backoffMs ?? 100, jitter: 0.5 },
        removeOnComplete: false,
        removeOnFail: false,
      });
      for (let i = 0; i < items.length; i += 1000) {
        await outbound.addBulk(
          items.slice(i, i + 1000).map((data) => ({ name: 'invoice-metadata', data, opts: jobOpts(data.invoiceKey) })),
        );
      }
    },
    stats: async () => json<SimStats>(await fetch(`${ms4.adminUrl}/stats`)),
    batches: async () => json<SimBatch[]>(await fetch(`${ms4.adminUrl}/batches`)),
    async simConfig(patch) {
      await json(
        await fetch(`${ms4.adminUrl}/config`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(patch),
        }),
      );
    },
    env: (extra = {}) => appEnv(redisUrl, prefix, { MS4_BASE_URL: ms4.baseUrl, JOB_BACKOFF_MS: '100', ...extra }),
    async startSender(extra = {}) {
      const p = await startApp('ms4-sender', { env: h.env(extra) });
      procs.push(p);
      return p;
    },
    async stopSenders() {
      await Promise.all(procs.splice(0).map((p) => p.stop(5000)));
    },
    async unfinished() {
      const c = await outbound.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      return Object.values(c).reduce((s, n) => s + n, 0);
    },
    async close() {
      await h.stopSenders();
      await outbound.close();
      await deadLetter.close();
      redis.disconnect();
      await ms4.stop();
      await cleanPrefix(redisUrl, prefix);
    },
  };
  return h;
}

/** Lines of a process's JSON log output with a given message (complete lines only: it may still be writing one). */
export function logLines(p: AppProcess, message: string | RegExp): Record<string, unknown>[] {
  const out = p.output();
  return out
    .slice(0, out.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => (typeof message === 'string' ? l.message === message : message.test(String(l.message))));
}
