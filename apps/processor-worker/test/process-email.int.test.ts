import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  closeRedis,
  createAttachmentStore,
  createGraphStack,
  createLogger,
  createRedis,
  EmailOutcomes,
  HandBackError,
  jobIds,
  JobName,
  keyPrefix,
  loadConfig,
  PermanentError,
  Producer,
  queueSetup,
  SessionStore,
  type AttachmentStore,
  type JobRun,
  type ListedAttachment,
  type ProcessEmailData,
  type RedisConnection,
  type Session,
} from '@ms1/shared';
import { cleanPrefix, testRedisUrl, uniquePrefix } from '@ms1/test-utils';
import { DocumentReader } from '../src/extract';
import { processEmailHandler, type ProcessDeps } from '../src/process-email';
import { readFixture } from './helpers/fixtures';

// The processor's handler called directly on real BullMQ jobs, with the real attachment store and Redis. The
// attachments are in the store (as the sync puts them there), so no Graph call is made.
describe('process-email handler (real Redis, real attachment store)', () => {
  const prefix = uniquePrefix('procmail');
  const attachmentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-procmail-'));
  const logger = createLogger({ service: 'test', level: 'error', format: 'json', secrets: [] });
  const run: JobRun = { logger, token: 'test-token' };
  let connection: RedisConnection;
  let producer: Producer;
  let sessions: SessionStore;
  let attachments: AttachmentStore;
  let session: Session;
  let deps: ProcessDeps;
  let handler: ReturnType<typeof processEmailHandler>;
  const reader = new DocumentReader({ threads: 1, documentMemoryLimitMb: 256 });

  beforeAll(async () => {
    const config = loadConfig('processor-worker', {
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
      TENANT_ID: 'contoso',
      CLIENT_ID: 'client-1',
      CLIENT_SECRET: 'secret-value-1',
      ATTACHMENT_DIR: attachmentDir,
    });
    connection = createRedis(config.redis, { role: 'worker', name: 'process-email-test' });
    producer = new Producer(queueSetup(config, connection, logger));
    sessions = new SessionStore(connection, keyPrefix(prefix), 10);
    attachments = createAttachmentStore(config.storage);
    const { graph } = createGraphStack(config, connection, keyPrefix(prefix), logger, sessions);
    const outcomes = new EmailOutcomes(connection, keyPrefix(prefix), producer);
    deps = { producer, attachments, graph, sessions, reader, outcomes };
    handler = processEmailHandler(deps);
    session = await sessions.start({
      pollingMode: 'manual',
      pollingIntervalSeconds: 300,
      enableWebhook: false,
      mailboxes: ['ap@contoso.example'],
      folder: 'inbox',
    });
  });
  afterAll(async () => {
    await reader.close();
    await producer.close();
    await closeRedis(connection);
    await cleanPrefix(testRedisUrl(), prefix);
    fs.rmSync(attachmentDir, { recursive: true, force: true });
  });

  const stored = async (name: string, contentType: string, bytes: Buffer): Promise<ListedAttachment> => {
    const { sha256, storageRef } = await attachments.put(bytes);
    return { id: `att-${name}`, name, contentType, size: bytes.length, isInline: false, sha256, storageRef };
  };
  const email = async (messageId: string, subject: string, listed: ListedAttachment[]) => {
    const data: ProcessEmailData = {
      sessionId: session.sessionId,
      mailboxId: 'ap@contoso.example',
      messageId,
      receivedDateTime: '2026-11-01T10:00:00Z',
      listing: {
        subject,
        from: { name: 'Supplier', address: 'billing@supplier.example' },
        internetMessageId: `<${messageId}@supplier.example>`,
        hasAttachments: listed.length > 0,
        bodyPreview: null,
        attachments: listed,
      },
    };
    return producer.add(JobName.ProcessEmail, data, { jobId: jobIds.processEmail(data.mailboxId, messageId) });
  };
  const counters = async () => (await sessions.current())?.counters;

  it('forwards an e-invoice as one invoice-metadata job keyed by its invoiceKey, and names the e-mail in its outcome', async () => {
    const xml = readFixture('ubl/ubl-tc434-example1.xml');
    const job = await email('m-ubl', 'Invoice 12115118', [await stored('invoice.xml', 'application/xml', xml)]);
    const outcome = await handler(job, run);
    expect(outcome).toEqual({
      mailboxId: 'ap@contoso.example',
      messageId: 'm-ubl',
      outcome: 'invoice',
      invoices: 1,
      warnings: 0,
      reason: 'forwarded 1',
    });
    const items = await producer.getJobs(JobName.InvoiceMetadata, ['waiting']);
    expect(items).toHaveLength(1);
    const [item] = items;
    expect(item?.id).toBe(jobIds.invoiceMetadata(item?.data.invoiceKey ?? ''));
    expect(item?.data).toMatchObject({ messageId: 'm-ubl', invoice: { format: 'ubl', number: '12115118' } });
    expect(await counters()).toMatchObject({ processed: 1, invoices: 1 });

    // The same job run again (a stalled job taken over) adds and counts nothing more.
    await handler(job, run);
    expect(await producer.getJobs(JobName.InvoiceMetadata, ['waiting'])).toHaveLength(1);
    expect(await counters()).toMatchObject({ processed: 1, invoices: 1 });
  });

  it('counts an e-mail without an invoice and forwards nothing', async () => {
    const job = await email('m-lunch', 'Lunch on Friday?', []);
    const outcome = await handler(job, run);
    expect(outcome).toMatchObject({ messageId: 'm-lunch', outcome: 'not-an-invoice', invoices: 0 });
    expect(await producer.getJobs(JobName.InvoiceMetadata, ['waiting'])).toHaveLength(1);
    expect(await counters()).toMatchObject({ processed: 2, notInvoices: 1 });
  });

  it('fails an invoice e-mail whose only document is unreadable for good (PermanentError), saying why', async () => {
    const broken = Buffer.from('%PDF-1.7\nthis is not really a PDF\n%%EOF');
    const job = await email('m-broken', 'Invoice 4711', [await stored('invoice-4711.pdf', 'application/pdf', broken)]);
    const failure = await handler(job, run).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(PermanentError);
    expect((failure as Error).message).toMatch(/^invoice e-mail with no readable invoice: invoice-4711\.pdf: /);
    expect(await counters()).toMatchObject({ processed: 3, unreadable: 1 });
  });

  it('hands an e-mail back to its queue, counting nothing, when the readers shut down under its documents', async () => {
    const closedReader = new DocumentReader({ threads: 1, documentMemoryLimitMb: 256 });
    await closedReader.close();
    const stopping = processEmailHandler({ ...deps, reader: closedReader });
    const xml = readFixture('ubl/ubl-tc434-example1.xml');
    const job = await email('m-shutdown', 'Invoice 9', [await stored('invoice-9.xml', 'application/xml', xml)]);
    const before = await counters();
    const failure = await stopping(job, run).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(HandBackError);
    expect(failure).not.toBeInstanceOf(PermanentError);
    expect(await counters()).toEqual(before);
  });
});
