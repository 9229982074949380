import {
  DelayedError,
  RateLimitError,
  UnrecoverableError,
  WaitingChildrenError,
  Worker,
  type WorkerOptions,
} from 'bullmq';
import { HandBackError, ThrottledError } from '../errors';
import { withContext, type Logger } from '../logging/logger';
import type { DeadLetters } from './dead-letters';
import type { JobName, JobsOf, SourceQueue } from './names';
import type { JobResults } from './payloads';
import type { TypedJob } from './producer';
import type { QueueSetup } from './queue-setup';

/** What a handler gets besides its job: the worker's run of that one job. */
export interface JobRun {
  /** A logger carrying the job's id and, where present, its session, mailbox and message. */
  logger: Logger;
  /** The job's lock token, for `moveToDelayed` and friends. */
  token: string;
}

export type JobHandler<J extends JobName> = (job: TypedJob<J>, run: JobRun) => Promise<JobResults[J]>;

/** Exactly one handler for every job name the queue carries: a missing one is a compile error. */
export type HandlersFor<Q extends SourceQueue> = { [J in JobsOf<Q>]: JobHandler<J> };

/** Any job of a queue, and what it returns: the type parameters of the queue's BullMQ worker. */
export type JobOf<Q extends SourceQueue> = TypedJob<JobsOf<Q>>;
export type TypedWorker<Q extends SourceQueue> = Worker<JobOf<Q>['data'], JobResults[JobsOf<Q>], JobsOf<Q>>;

export interface WorkerDeps<Q extends SourceQueue> {
  queueSetup: QueueSetup;
  deadLetters: DeadLetters;
  /** Told of every failed attempt (final or not), e.g. to count it against the job's session. */
  onFailure?: (job: JobOf<Q>, final: boolean) => Promise<void>;
  /** Told when a job went to the dead-letter queue (after its last attempt, or as unrecoverable). */
  onDeadLetter?: (job: JobOf<Q>) => Promise<void>;
  concurrency?: number;
  options?: Partial<Omit<WorkerOptions, 'connection' | 'prefix' | 'concurrency'>>;
}

/** Control-flow errors through which BullMQ moves a job without failing it. */
function isControlFlow(err: unknown): boolean {
  return err instanceof DelayedError || err instanceof RateLimitError || err instanceof WaitingChildrenError;
}

function logFields(job: TypedJob<JobName>, queue: SourceQueue): Record<string, unknown> {
  const data: object = job.data;
  return {
    queue,
    jobId: job.id,
    sessionId: 'sessionId' in data ? data.sessionId : undefined,
    mailboxId: 'mailboxId' in data ? data.mailboxId : undefined,
    messageId: 'messageId' in data ? data.messageId : undefined,
  };
}

/** Runs the handler of the job's name (a generic function, so that the handler and the job agree on the name). */
function runHandler<Q extends SourceQueue, J extends JobsOf<Q>>(
  handlers: HandlersFor<Q>,
  job: TypedJob<J>,
  run: JobRun,
): Promise<JobResults[J]> {
  const handler: JobHandler<J> | undefined = handlers[job.name];
  if (!handler) throw new UnrecoverableError(`no handler for job "${job.name}" on queue ${job.queueName}`);
  return handler(job, run);
}

/**
 * A BullMQ worker for one queue, typed by the queue's job names. Routes each job to its handler; turns
 * ThrottledError into a delay and HandBackError into an immediate return to the queue, both keeping the job's
 * attempts; sends final failures (UnrecoverableError, or the last attempt) to the dead-letter queue, then rethrows
 * so BullMQ's retry and failed sets see every error.
 */
export function createWorker<Q extends SourceQueue>(
  queue: Q,
  handlers: HandlersFor<Q>,
  deps: WorkerDeps<Q>,
): TypedWorker<Q> {
  const { queueSetup, deadLetters } = deps;
  const recorded = new WeakSet<JobOf<Q>>();

  const processor = async (job: JobOf<Q>, token?: string): Promise<JobResults[JobsOf<Q>]> => {
    const logger = withContext(queueSetup.logger, logFields(job, queue));
    try {
      if (!token) throw new Error('worker gave no lock token');
      return await runHandler(handlers, job, { logger, token });
    } catch (err) {
      if ((err instanceof ThrottledError || err instanceof HandBackError) && token) {
        const delayMs = err instanceof ThrottledError ? err.retryAfterMs : 0;
        logger.debug(
          err instanceof ThrottledError
            ? 'throttled: job delayed without spending an attempt'
            : 'job handed back to its queue',
          { delayMs },
        );
        await job.moveToDelayed(Date.now() + delayMs, token);
        throw new DelayedError();
      }
      if (isControlFlow(err)) throw err;
      const final = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final) {
        await deadLetters.record(job, err);
        recorded.add(job);
        await deps.onDeadLetter?.(job).catch((e: unknown) => logger.error('dead-letter hook failed', { err: e }));
      }
      await deps.onFailure?.(job, final).catch((e: unknown) => logger.debug('failure hook failed', { err: e }));
      logger.warn(final ? 'job failed for good' : 'job failed, will retry', {
        err,
        attemptsMade: job.attemptsMade + 1,
      });
      throw err;
    }
  };

  const worker: TypedWorker<Q> = new Worker(queue, processor, {
    connection: queueSetup.connection,
    prefix: queueSetup.prefix,
    concurrency: deps.concurrency ?? 1,
    lockDuration: queueSetup.lockDurationMs,
    stalledInterval: queueSetup.stalledIntervalMs,
    ...deps.options,
  });
  worker.on('error', (err) => queueSetup.logger.error('worker error', { queue, err }));
  // Jobs BullMQ fails without running the processor reach the dead-letter queue here: one that stalled more than
  // `maxStalledCount` times (or started more than `maxStartedAttempts`) is failed by the worker that picks it up
  // with an UnrecoverableError carrying BullMQ's reason (`job.deferredFailure`).
  worker.on('failed', (job, err) => {
    if (!job || recorded.has(job)) return;
    if (!(err instanceof UnrecoverableError) && job.attemptsMade < (job.opts.attempts ?? 1)) return;
    deadLetters
      .record(job, err)
      .then(() => deps.onDeadLetter?.(job))
      .catch((e: unknown) =>
        queueSetup.logger.error('could not dead-letter a failed job', { queue, jobId: job.id, err: e }),
      );
  });
  return worker;
}
