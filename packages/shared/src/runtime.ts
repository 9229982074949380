import type { BaseConfig } from './config/config';
import type { Logger } from './logging/logger';
import { CONNECTION_ERROR_LOG_EVERY_MS, onceEvery } from './logging/once-every';
import { Metrics } from './metrics/metrics';
import { queueSetup, type QueueSetup } from './queues/queue-setup';
import { DeadLetters } from './queues/dead-letters';
import { Producer } from './queues/producer';
import { checkEvictionPolicy } from './redis/checks';
import { closeRedis, createRedis, keyPrefix, type RedisConnection } from './redis/connection';
import { SessionStore } from './session/session-store';
import { Shutdown } from './shutdown';

/** The connections and helpers every app composes from: one Redis connection, a producer, dead letters, shutdown. */
export interface Runtime<C extends BaseConfig = BaseConfig> {
  config: C;
  logger: Logger;
  connection: RedisConnection;
  queueSetup: QueueSetup;
  producer: Producer;
  deadLetters: DeadLetters;
  shutdown: Shutdown;
  metrics: Metrics;
  sessions: SessionStore;
  /** Counts failed attempts and dead letters against the job's session (pass as a worker's `onFailure`). */
  countFailure: (job: { data: { sessionId: string } }, final: boolean) => Promise<void>;
}

export async function createRuntime<C extends BaseConfig>({
  config,
  logger,
}: {
  config: C;
  logger: Logger;
}): Promise<Runtime<C>> {
  const connection = createRedis(config.redis, { role: 'worker', name: config.app });
  const logDue = onceEvery(CONNECTION_ERROR_LOG_EVERY_MS);
  connection.on('error', (err: Error) => {
    if (logDue()) logger.error('redis connection error', { err: err.message });
  });
  await checkEvictionPolicy(connection, logger);
  const setup = queueSetup(config, connection, logger);
  const producer = new Producer(setup);
  const deadLetters = new DeadLetters(producer, logger, config.retention.deadLetters);
  const shutdown = new Shutdown(logger, config.shutdownTimeoutMs);
  shutdown.add('queues', () => producer.close(), { phase: 'queues' });
  shutdown.add('redis', () => closeRedis(connection), { phase: 'connections' });
  const sessions = new SessionStore(connection, keyPrefix(config.redis.queuePrefix), config.sessionHistoryLimit, {
    countedKeepSeconds: config.retention.countedEventsSeconds,
  });
  const countFailure = async (job: { data: { sessionId: string } }, final: boolean) => {
    await sessions.incr(job.data.sessionId, { failed: 1, deadLettered: final ? 1 : 0 });
  };
  return {
    config,
    logger,
    connection,
    queueSetup: setup,
    producer,
    deadLetters,
    shutdown,
    metrics: new Metrics(config.app),
    sessions,
    countFailure,
  };
}
