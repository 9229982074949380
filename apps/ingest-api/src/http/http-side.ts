import {
  CONNECTION_ERROR_LOG_EVERY_MS,
  closeRedis,
  createRedis,
  DeadLetters,
  keyPrefix,
  onceEvery,
  Producer,
  queueSetup,
  SessionStore,
  waitForReady,
  type IngestApiConfig,
  type Logger,
  type MailGraph,
  type RedisConnection,
  type Shutdown,
} from '@ms1/shared';
import { SessionControl } from '../session/session-control';
import { SubscriptionManager } from '../subscriptions/subscription-manager';
import { SubscriptionStore } from '../subscriptions/subscription-store';
import { RedisGate } from './edge/redis-gate';

/**
 * What HTTP handlers use, all on the HTTP role's own fail-fast Redis connection (command timeout, no offline
 * queue, no retries; see `createRedis` role `http`): BullMQ queues (webhook syncs, polling trigger, session
 * start/stop, dead-letter replay, Bull Board), the session, subscription and dead-letter stores. The workers keep
 * their own connection, which waits through an outage as BullMQ requires.
 */
export interface HttpSide {
  connection: RedisConnection;
  gate: RedisGate;
  keyPrefix: string;
  producer: Producer;
  store: SessionStore;
  subscriptions: SubscriptionStore;
  control: SessionControl;
  deadLetters: DeadLetters;
}

export async function openHttpSide(deps: {
  config: IngestApiConfig;
  logger: Logger;
  graph: MailGraph;
  shutdown: Shutdown;
}): Promise<HttpSide> {
  const { config, logger } = deps;
  const connection = createRedis(config.redis, {
    role: 'http',
    name: `${config.app}-http`,
    commandTimeoutMs: config.http.redisCommandTimeoutMs,
  });
  // /health tells the outage; one line per 10 s is enough in the log.
  const logDue = onceEvery(CONNECTION_ERROR_LOG_EVERY_MS);
  connection.on('error', (err: Error) => {
    if (logDue()) logger.warn('HTTP redis connection error', { err: err.message });
  });
  deps.shutdown.add('http redis', () => closeRedis(connection), { phase: 'connections' });
  if (!(await waitForReady(connection, 5000)))
    logger.warn('Redis is not reachable yet: HTTP requests answer 503 until it is');
  const prefix = keyPrefix(config.redis.queuePrefix);
  const producer = new Producer(queueSetup(config, connection, logger));
  deps.shutdown.add('http queues', () => producer.close(), { phase: 'queues' });
  const store = new SessionStore(connection, prefix, config.sessionHistoryLimit);
  const subscriptions = new SubscriptionStore(connection, prefix);
  const manager = new SubscriptionManager(deps.graph, subscriptions, config, logger);
  return {
    connection,
    // The probe follows a command that already waited its timeout: half of it keeps the answer well inside 3 s.
    gate: new RedisGate(connection, Math.max(100, Math.round(config.http.redisCommandTimeoutMs / 2))),
    keyPrefix: prefix,
    producer,
    store,
    subscriptions,
    control: new SessionControl(store, producer, logger, manager),
    deadLetters: new DeadLetters(producer, logger),
  };
}
