import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import { cleanPrefix, testRedisUrl, uniquePrefix } from '@ms1/test-utils';

const run = promisify(execFile);
const MB = 1024 * 1024;
const MESSAGES = 10;
const PHOTO_BYTES = 16 * MB;
/**
 * The reader runs with a 64 MB V8 heap (and small young generation), so garbage cannot pile up and its resident
 * memory shows what it really holds: a page held whole (over 200 MB of JSON) cannot even be parsed in that heap, and
 * reading it may add at most this much to the process's resident memory.
 */
const READER_FLAGS = ['--max-old-space-size=64', '--max-semi-space-size=2'];
const RSS_GROWTH_BOUND = 64 * MB;

interface ReaderReport {
  base: { rss: number; heapUsed: number };
  peak: { rss: number; heapUsed: number; external: number };
  pages: number;
  bytes: number;
  attachments: { name: string; content: { kind: string; sha256?: string; size?: number } }[];
}

/** One admin POST on its own connection (a 21 MB body must not race a kept-alive socket's close). */
function post(sim: GraphSim, url: string, body: unknown): Promise<number> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: 'POST',
        agent: false,
        ca: sim.caPem,
        headers: { 'content-type': 'application/json', 'content-length': data.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

// A delta page of ten e-mails with a 16 MB photo each (over 200 MB of JSON) read by a separate process through the
// production MailGraph: its memory grows by a bounded amount, not by the page, and every photo lands in the store
// under its right SHA-256.
describe('a delta page with big attachments is read with bounded memory (reader process, graph-sim, Redis)', () => {
  let sim: GraphSim;
  let storeDir: string;
  const prefix = uniquePrefix('bigpage');
  const mailbox = 'photos@contoso.example';
  const hashes = new Map<string, string>();

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [mailbox, 'warmup@contoso.example'] });
    trustCa(sim.caPem);
    storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-bigpage-'));
    const photo = randomBytes(PHOTO_BYTES);
    for (let i = 0; i < MESSAGES; i++) {
      photo.writeUInt32BE(i, 0);
      const name = `site-photo-${i}.jpg`;
      hashes.set(name, createHash('sha256').update(photo).digest('hex'));
      const status = await post(sim, `${sim.adminUrl}/users/${mailbox}/messages`, {
        subject: `Invoice ${i} with photos`,
        from: { emailAddress: { address: 'builder@x.example' } },
        receivedDateTime: new Date().toISOString(),
        body: { contentType: 'text', content: 'photos attached' },
        attachments: [
          {
            '@odata.type': '#microsoft.graph.fileAttachment',
            name,
            contentType: 'image/jpeg',
            isInline: false,
            contentBytes: photo.toString('base64'),
          },
        ],
      });
      expect(status).toBe(201);
    }
  }, 300_000);
  afterAll(async () => {
    await sim.stop();
    await cleanPrefix(testRedisUrl(), prefix);
    fs.rmSync(storeDir, { recursive: true, force: true });
  });

  it('stores every photo with its SHA-256 while the reader grows by less than the bound', async () => {
    const script = path.join(__dirname, 'fixtures', 'read-delta-pages.js');
    const { stdout } = await run(process.execPath, [...READER_FLAGS, script], {
      env: {
        PATH: process.env.PATH,
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: prefix,
        AUTHORITY_HOST: sim.authorityHost,
        GRAPH_BASE_URL: sim.graphBaseUrl,
        NODE_EXTRA_CA_CERTS: sim.caFile,
        MAX_ATTACHMENT_BYTES: String(25 * MB),
        STORE_DIR: storeDir,
        READ_MAILBOX: mailbox,
        WARMUP_MAILBOX: 'warmup@contoso.example',
        PAGE_SIZE: '50',
      },
      timeout: 600_000,
      maxBuffer: 16 * MB,
    });
    const report = JSON.parse(stdout) as ReaderReport;
    console.log(
      `page of ${(report.bytes / MB).toFixed(0)} MB in ${report.pages} page(s); reader RSS ${(report.base.rss / MB).toFixed(0)} -> ` +
        `${(report.peak.rss / MB).toFixed(0)} MB, heap ${(report.base.heapUsed / MB).toFixed(0)} -> ${(report.peak.heapUsed / MB).toFixed(0)} MB`,
    );
    expect(report.pages).toBe(1); // one page carried all ten
    expect(report.bytes).toBeGreaterThan(MESSAGES * PHOTO_BYTES * 1.3);
    expect(report.peak.rss - report.base.rss).toBeLessThan(RSS_GROWTH_BOUND);
    expect(report.peak.heapUsed).toBeLessThan(64 * MB);
    expect(report.attachments).toHaveLength(MESSAGES);
    for (const a of report.attachments) {
      expect(a.content).toEqual({
        kind: 'stored',
        sha256: hashes.get(a.name),
        storageRef: `sha256/${hashes.get(a.name)}`,
        size: PHOTO_BYTES,
      });
      const sha = a.content.sha256 ?? '';
      const onDisk = path.join(storeDir, sha.slice(0, 2), sha);
      expect(fs.statSync(onDisk).size).toBe(PHOTO_BYTES);
    }
  }, 600_000);
});
