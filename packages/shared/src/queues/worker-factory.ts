import {
  DelayedError,
  RateLimitError,
  UnrecoverableError,
  WaitingChildrenError,
  Worker,
  type Job,
  type WorkerOptions,
} from 'bullmq';
import { ThrottledError } from '../errors';
import { withContext, type Logger } from '../logging/logger';
import type { QueueContext } from './context';
import type { DeadLetters } from './dead-letters';
import type { JobName, JobsOf, QueueName } from './names';
import type { JobResults } from './payloads';
import type { TypedJob } from './producer';

export interface HandlerContext {
  /** A logger carrying the job's id and, where present, its session, mailbox and message. */
  logger: Logger;
  /** The job's lock token, for `moveToDelayed` and friends. */
  token: string;
}

export type JobHandler<J extends JobName> = (job: TypedJob<J>, ctx: HandlerContext) => Promise<JobResults[J]>;

/** Exactly one handler for every job name the queue carries: a missing one is a compile error. */
export type HandlersFor<Q extends QueueName> = { [J in JobsOf<Q>]: JobHandler<J> };

export interface WorkerDeps {
  ctx: QueueContext;
  deadLetters: DeadLetters;
  /** Told of every failed attempt (final or not), e.g. to count it against the job's session. */
  onFailure?: (job: Job, final: boolean) => Promise<void>;
  concurrency?: number;
  options?: Partial<Omit<WorkerOptions, 'connection' | 'prefix' | 'concurrency'>>;
}

/** Control-flow errors through which BullMQ moves a job without failing it. */
function isControlFlow(err: unknown): boolean {
  return err instanceof DelayedError || err instanceof RateLimitError || err instanceof WaitingChildrenError;
}

function logContext(job: Job, queue: QueueName): Record<string, unknown> {
  const d = (job.data ?? {}) as Partial<Record<'sessionId' | 'mailboxId' | 'messageId', unknown>>;
  return { queue, jobId: job.id, sessionId: d.sessionId, mailboxId: d.mailboxId, messageId: d.messageId };
}

/**
 * A BullMQ worker for one queue. Routes each job to its handler; turns ThrottledError into a delay that keeps the
 * job's attempts; sends final failures (UnrecoverableError, or the last attempt) to the dead-letter queue, then
 * rethrows so BullMQ's retry and failed sets see every error.
 */
export function createWorker<Q extends QueueName>(queue: Q, handlers: HandlersFor<Q>, deps: WorkerDeps): Worker {
  const { ctx, deadLetters } = deps;
  const byName = handlers as unknown as Record<string, JobHandler<JobName> | undefined>;
  const recorded = new WeakSet<Job>();

  const processor = async (job: Job, token?: string): Promise<unknown> => {
    const logger = withContext(ctx.logger, logContext(job, queue));
    const handler = byName[job.name];
    try {
      if (!handler) throw new UnrecoverableError(`no handler for job "${job.name}" on queue ${queue}`);
      if (!token) throw new Error('worker gave no lock token');
      return await handler(job as TypedJob<JobName>, { logger, token });
    } catch (err) {
      if (err instanceof ThrottledError && token) {
        logger.debug('throttled: job delayed without spending an attempt', { retryAfterMs: err.retryAfterMs });
        await job.moveToDelayed(Date.now() + err.retryAfterMs, token);
        throw new DelayedError();
      }
      if (isControlFlow(err)) throw err;
      const final = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final && queue !== 'dead-letter') {
        await deadLetters.record(queue, job as TypedJob<Exclude<JobName, 'dead-letter'>>, err);
        recorded.add(job);
      }
      await deps.onFailure?.(job, final).catch((e: unknown) => logger.debug('failure hook failed', { err: e }));
      logger.warn(final ? 'job failed for good' : 'job failed, will retry', {
        err,
        attemptsMade: job.attemptsMade + 1,
      });
      throw err;
    }
  };

  const worker = new Worker(queue, processor, {
    connection: ctx.connection,
    prefix: ctx.prefix,
    concurrency: deps.concurrency ?? 1,
    lockDuration: ctx.lockDurationMs,
    stalledInterval: ctx.stalledIntervalMs,
    ...deps.options,
  });
  worker.on('error', (err) => ctx.logger.error('worker error', { queue, err }));
  // Jobs that failed outside the processor (stalled too often) reach the dead-letter queue here.
  worker.on('failed', (job, err) => {
    if (!job || recorded.has(job) || queue === 'dead-letter') return;
    const final =
      err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(err.message);
    if (final) {
      deadLetters
        .record(queue, job as TypedJob<Exclude<JobName, 'dead-letter'>>, err)
        .catch((e: unknown) =>
          ctx.logger.error('could not dead-letter a failed job', { queue, jobId: job.id, err: e }),
        );
    }
  });
  return worker;
}
