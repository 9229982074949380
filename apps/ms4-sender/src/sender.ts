// The ms4-outbound consumer. BullMQ's open-source worker has no batch mode, so the worker runs with a high
// concurrency and each processor waits on the shared in-memory batch its item joined: the job stays active
// (locked, its lock renewed by BullMQ) until MS4 accepted its item, and a crash at any point leaves it active
// without a lock, so BullMQ's stalled check puts it back in the queue: nothing is lost, at worst a batch is resent
// (MS4 drops repeats by invoiceKey).
import {
  createWorker,
  PermanentError,
  QueueName,
  type Ms4SenderConfig,
  type DailyMetrics,
  type DeadLetters,
  type EmailOutcomes,
  type JobHandler,
  type Logger,
  type QueueSetup,
  type RedisConnection,
  type SessionStore,
  type TypedWorker,
} from '@ms1/shared';
import { serializeItem } from './batch';
import { Batcher } from './batcher';
import { CircuitBreaker } from './breaker';
import { Dispatcher, type PendingItem } from './dispatcher';
import { Ms4Client } from './ms4-client';
import { SharedPause } from './pause';
import { RateLimiter } from './rate-limit';
import { sleep } from './wait';

/**
 * Jobs held at once: enough for the batch being filled plus two in flight, so that filling overlaps sending.
 * Capped so that a huge MS4_BATCH_MAX_ITEMS does not make a worker hold tens of thousands of locks.
 */
export function workerConcurrency(batchMaxItems: number): number {
  return Math.min(3 * batchMaxItems, 3000);
}

export interface SenderDeps {
  config: Ms4SenderConfig;
  queueSetup: QueueSetup;
  deadLetters: DeadLetters;
  /** For the shared rate limiter and pause (plain commands, never blocking). */
  redis: RedisConnection;
  logger: Logger;
  /** When given, items accepted by MS4 are counted as `forwarded` in their session. */
  sessions?: SessionStore;
  /**
   * When given, each acceptance is recorded against its e-mail: the last one makes the e-mail `forwarded` (and
   * enqueues its after-action); a dead-lettered item makes it `unreadable`.
   */
  outcomes?: EmailOutcomes;
  /** When given, accepted invoices are counted per UTC day and mailbox. */
  daily?: DailyMetrics;
  /** Told of every failed attempt (the runtime counts it against the job's session). */
  onFailure?: (job: { data: { sessionId: string; mailboxId?: string } }, final: boolean) => Promise<void>;
}

export interface Sender {
  worker: TypedWorker<'ms4-outbound'>;
  breaker: CircuitBreaker;
  dispatcher: Dispatcher;
  /** Stops fetching, flushes the open batch, waits for batches in flight up to `graceMs`, hands back the rest. */
  close(graceMs: number): Promise<void>;
}

export function ms4Keys(prefix: string): { bucket: string; pause: string } {
  return { bucket: `${prefix}:ms4:rate`, pause: `${prefix}:ms4:pause` };
}

export function createSender(deps: SenderDeps): Sender {
  const { config, queueSetup, logger } = deps;
  const ms4 = config.ms4;
  const keys = ms4Keys(queueSetup.prefix);
  const breaker = new CircuitBreaker({
    failures: ms4.circuitFailures,
    openMs: ms4.circuitOpenMs,
    onChange: (state, info) => {
      const level = state === 'closed' ? 'info' : 'warn';
      logger[level](`MS4 circuit breaker ${state}`, {
        consecutiveFailures: info.consecutiveFailures,
        openUntil: info.openUntil ? new Date(info.openUntil).toISOString() : null,
      });
    },
  });
  const pause = new SharedPause(deps.redis, keys.pause);
  const limiter = new RateLimiter(deps.redis, {
    ratePerSecond: ms4.maxRequestsPerSecond,
    bucketKey: keys.bucket,
    pauseKey: keys.pause,
  });
  const client = new Ms4Client({
    baseUrl: ms4.baseUrl,
    apiToken: ms4.apiToken,
    timeoutMs: ms4.timeoutMs,
    maxRetryAfterMs: ms4.retryAfterMaxMs,
  });
  const dispatcher = new Dispatcher({ client, breaker, limiter, pause, logger });
  const batcher = new Batcher<PendingItem>(
    { maxItems: ms4.batchMaxItems, maxBytes: ms4.batchMaxBytes, maxWaitMs: ms4.batchMaxWaitMs },
    (items) => dispatcher.dispatch(items),
  );

  const handler: JobHandler<'invoice-metadata'> = (job) => {
    const key = job.data?.invoiceKey;
    if (typeof key !== 'string' || key === '')
      return Promise.reject(new PermanentError('invoice-metadata job without an invoiceKey'));
    const item = serializeItem(key, job.data);
    const accepted = new Promise<{ batchId: string }>((resolve, reject) => {
      batcher.add({ ...item, jobId: String(job.id), resolve: (batchId) => resolve({ batchId }), reject });
    });
    return accepted.then(async (result) => {
      // Counting is best effort: MS4 has the item, so a Redis hiccup here must not fail (and resend) the job.
      const first = await deps.sessions
        ?.incrOnce(job.data.sessionId, `forwarded:${key}`, { forwarded: 1 })
        .catch(() => false);
      if (first) await deps.daily?.incr(job.data.mailboxId, { forwarded: 1 }).catch(() => undefined);
      // The e-mail's outcome is not: should this fail, the job is retried (MS4 drops the repeated invoiceKey), so
      // the e-mail's after-action is never lost.
      await deps.outcomes?.invoiceAccepted(job.data);
      return result;
    });
  };

  const worker = createWorker(
    QueueName.Ms4Outbound,
    { 'invoice-metadata': handler },
    {
      queueSetup,
      deadLetters: deps.deadLetters,
      concurrency: workerConcurrency(ms4.batchMaxItems),
      // A job is put back after a crash; only one that stalls again and again is given up (and dead-lettered).
      options: { maxStalledCount: 3 },
      onFailure: deps.onFailure,
      onDeadLetter: async (job) => {
        const { sessionId, mailboxId, messageId } = job.data;
        await deps.outcomes?.deadLettered({ sessionId, mailboxId, messageId });
      },
    },
  );

  let closing: Promise<void> | null = null;
  const close = (graceMs: number): Promise<void> => {
    closing ??= (async () => {
      const workerClosed = worker.close(); // no new jobs; resolves once every active job has settled
      batcher.flushAlways();
      if (breaker.state === 'open') {
        dispatcher.handBack(); // nothing may be sent before the breaker's probe: hand the jobs back at once
      } else {
        const drained = dispatcher.idle().then(() => true);
        const inTime = await Promise.race([drained, sleep(graceMs).then(() => false)]);
        if (!inTime) {
          logger.warn('batches still in flight at the shutdown deadline: handing their jobs back', {
            batches: dispatcher.pending,
          });
          dispatcher.handBack();
        }
      }
      await dispatcher.idle();
      await workerClosed;
      logger.info('ms4 sender closed', { ...dispatcher.stats, circuit: breaker.state });
    })();
    return closing;
  };

  return { worker, breaker, dispatcher, close };
}
