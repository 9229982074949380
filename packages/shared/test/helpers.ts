import { PassThrough } from 'node:stream';
import { uniquePrefix } from '@ms1/test-utils';
import {
  createLogger,
  createRedis,
  DeadLetters,
  loadConfig,
  Producer,
  queueContext,
  type Config,
  type Logger,
  type QueueContext,
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
  config: Config;
  connection: RedisConnection;
  ctx: QueueContext;
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
  const ctx = queueContext(config, connection, logger);
  const producer = new Producer(ctx);
  const deadLetters = new DeadLetters(producer, logger);
  return {
    config,
    connection,
    ctx,
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
