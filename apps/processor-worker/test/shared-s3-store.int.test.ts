import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import { startMs4Sim, type Ms4Sim } from '@ms1/ms4-sim';
import { startS3Sim, type S3Sim } from '@ms1/s3-sim';
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
import { fixturePath } from './helpers/fixtures';

// ingest-api and processor-worker as separate processes that share no directory, only an S3 bucket (s3-sim): the
// sync stores the attachments of the delta pages there, the processor reads them from there, never from Graph.
const MAILBOX = 'ap@contoso.example';
const FIXTURES = ['ubl/guide-example1.xml', 'ubl/guide-example2.xml', 'ubl/ubl-tc434-example1.xml'];

describe('two hosts sharing only the S3 attachment store', () => {
  let graph: GraphSim;
  let ms4: Ms4Sim;
  let s3: S3Sim;
  const apps: AppProcess[] = [];
  const prefix = uniquePrefix('s3e2e');
  const ingestDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-host-a-'));
  const processorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-host-b-'));

  beforeAll(async () => {
    graph = await startGraphSim({ port: 0, mailboxes: [MAILBOX] });
    trustCa(graph.caPem);
    ms4 = await startMs4Sim({ port: 0 });
    s3 = await startS3Sim({ port: 0 });
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await graph?.stop();
    await ms4?.stop();
    await s3?.stop();
    await cleanPrefix(testRedisUrl(), prefix);
    for (const dir of [ingestDir, processorDir]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('forwards every invoice to MS4 with attachments read from the bucket, none fetched from Graph', async () => {
    const documents = FIXTURES.map((f) => fs.readFileSync(fixturePath(f)));
    const injected: string[] = [];
    for (const [i, bytes] of documents.entries()) {
      const res = await fetch(`${graph.adminUrl}/users/${MAILBOX}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          subject: `Invoice ${i + 1}`,
          from: { emailAddress: { name: 'Supplier', address: 'billing@supplier.example' } },
          receivedDateTime: new Date().toISOString(),
          body: { contentType: 'text', content: 'Please find our invoice attached.' },
          attachments: [
            {
              '@odata.type': '#microsoft.graph.fileAttachment',
              name: `invoice-${i + 1}.xml`,
              contentType: 'application/xml',
              isInline: false,
              contentBytes: bytes.toString('base64'),
            },
          ],
        }),
      });
      injected.push(((await res.json()) as { id: string }).id);
    }

    const port = await freePort();
    const shared = appEnv(testRedisUrl(), prefix, {
      AUTHORITY_HOST: graph.authorityHost,
      GRAPH_BASE_URL: graph.graphBaseUrl,
      NODE_EXTRA_CA_CERTS: graph.caFile,
      MAILBOXES: MAILBOX,
      MS4_BASE_URL: ms4.baseUrl,
      MS4_BATCH_MAX_WAIT_MS: '100',
      ATTACHMENT_STORE: 's3',
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_BUCKET: s3.bucket,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    });
    apps.push(await startApp('ingest-api', { env: { ...shared, PORT: String(port), ATTACHMENT_DIR: ingestDir } }));
    apps.push(await startApp('processor-worker', { env: { ...shared, ATTACHMENT_DIR: processorDir } }));
    apps.push(await startApp('ms4-sender', { env: shared }));
    const start = await fetch(`http://127.0.0.1:${port}/session/start`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-control-token', 'content-type': 'application/json' },
      body: JSON.stringify({ polling_mode: 'manual', enable_webhook: false }),
    });
    expect(start.status).toBe(201);

    const items = await waitFor(
      async () => {
        const list = (await (await fetch(`${ms4.adminUrl}/items`)).json()) as {
          messageId: string;
          invoice: { format: string };
        }[];
        return list.length >= FIXTURES.length ? list : null;
      },
      { timeoutMs: 60_000, what: 'the invoices at MS4' },
    );
    expect(items.map((i) => i.messageId).sort()).toEqual([...injected].sort());
    expect(items.every((i) => i.invoice.format === 'ubl')).toBe(true);

    // Each document is in the bucket under its SHA-256, once; neither host wrote to its own directory.
    const shas = documents.map((b) => `sha256/${createHash('sha256').update(b).digest('hex')}`);
    expect(s3.keys('sha256/')).toEqual(expect.arrayContaining(shas));
    expect(s3.keys('tmp/')).toEqual([]);
    for (const dir of [ingestDir, processorDir]) expect(fs.readdirSync(dir)).toEqual([]);
    // The processor found every attachment in the bucket: Graph served no attachment request.
    const stats = (await (await fetch(`${graph.adminUrl}/stats`)).json()) as {
      requests: { byKind: Record<string, number> };
    };
    const attachmentRequests = Object.entries(stats.requests.byKind).filter(([kind]) => kind.startsWith('attachment'));
    expect(attachmentRequests).toEqual([]);
    expect(stats.requests.byKind.delta).toBeGreaterThan(0);
  });
});
