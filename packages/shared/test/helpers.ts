import { PassThrough } from 'node:stream';
import { uniquePrefix } from '@ms1/test-utils';
import {
  createLogger,
  createRedis,
  DeadLetters,
  loadConfig,
  Producer,
  queueSetup,
  type ToolConfig,
  type EmailOutcome,
  type Logger,
  type Ms4Item,
  type ProcessEmailData,
  type QueueSetup,
  type RedisConnection,
} from '../src';
import { standaloneRedis, type RedisTarget } from './redis-targets';

/** A logger that writes JSON lines into memory, for assertions on what was logged. */
export function memoryLogger(secrets: readonly string[] = []): {
  logger: Logger;
  lines: () => Record<string, unknown>[];
  text: () => string;
} {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (b: Buffer) => (text += b.toString()));
  const logger = createLogger({ service: 'test', level: 'debug', format: 'json', secrets, stream });
  return {
    logger,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

export interface QueueHarness {
  config: ToolConfig;
  connection: RedisConnection;
  queueSetup: QueueSetup;
  producer: Producer;
  deadLetters: DeadLetters;
  logger: Logger;
  prefix: string;
  close(): Promise<void>;
}

/** Real Redis (the single test server, or a cluster), a queue prefix no other test uses, cleaned on close. */
export async function queueHarness(
  env: Record<string, string> = {},
  redis: RedisTarget = standaloneRedis(),
): Promise<QueueHarness> {
  const prefix = uniquePrefix('shared');
  const config = loadConfig('tool', { ...redis.env, QUEUE_PREFIX: prefix, JOB_BACKOFF_MS: '10', ...env });
  const connection = createRedis(config.redis, { role: 'worker', name: 'test' });
  const { logger } = memoryLogger();
  const setup = queueSetup(config, connection, logger);
  const producer = new Producer(setup);
  const deadLetters = new DeadLetters(producer, logger, config.retention.deadLetters);
  return {
    config,
    connection,
    queueSetup: setup,
    producer,
    deadLetters,
    logger,
    prefix,
    async close() {
      await producer.close();
      connection.disconnect();
      await redis.clean(prefix);
    },
  };
}

/** A `process-email` payload of the test mailbox. */
export function emailData(messageId: string, mailboxId = 'ap@contoso.example', sessionId = 's1'): ProcessEmailData {
  return {
    sessionId,
    mailboxId,
    messageId,
    receivedDateTime: '2026-11-01T10:00:00Z',
    listing: {
      subject: 'Invoice',
      from: { name: 'S', address: 's@x.example' },
      internetMessageId: null,
      hasAttachments: false,
      bodyPreview: null,
      attachments: [],
    },
  };
}

/** An `invoice-metadata` payload (an MS4 item without a document) for one e-mail. */
export function invoiceItem(email: ProcessEmailData): Ms4Item {
  return {
    invoiceKey: `${email.mailboxId}-${email.messageId}`,
    sessionId: email.sessionId,
    mailboxId: email.mailboxId,
    messageId: email.messageId,
    internetMessageId: null,
    receivedDateTime: email.receivedDateTime,
    from: { name: null, address: 'x@y.example' },
    subject: 'Invoice',
    attachment: null,
    invoice: {
      format: 'none',
      kind: 'invoice',
      number: null,
      issueDate: null,
      dueDate: null,
      currency: null,
      totalAmount: null,
      taxExclusiveAmount: null,
      payableAmount: null,
      sellerName: null,
      sellerVatId: null,
      buyerName: null,
      iban: null,
      confidence: 0,
    },
    warnings: [],
  };
}

/** The result a `process-email` handler returns for an e-mail. */
export function emailOutcome(email: ProcessEmailData, outcome: EmailOutcome['outcome'] = 'invoice'): EmailOutcome {
  return {
    mailboxId: email.mailboxId,
    messageId: email.messageId,
    outcome,
    invoices: outcome === 'invoice' ? 1 : 0,
    warnings: 0,
    reason: 'test',
  };
}
