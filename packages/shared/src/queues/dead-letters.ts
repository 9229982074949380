import { Job } from 'bullmq';
import { errorMessage } from '../errors';
import type { Logger } from '../logging/logger';
import { enqueueBackfillLane } from './enqueue-backfill';
import { enqueueMailboxSync } from './enqueue-sync';
import { jobIds } from './job-ids';
import { JobName, JobQueue, QueueName, type SourceJobName } from './names';
import type { DeadLetterData, DeadLetterOf } from './payloads';
import type { Producer, TypedJob } from './producer';

export interface DeadLetterEntry extends DeadLetterData {
  id: string;
}

export type ReplayResult = {
  id: string;
  status: 'replayed' | 'already-queued';
  sourceQueue: string;
  /** The id of the job now on the source queue (a fresh one for jobs BullMQ numbers itself). */
  jobId: string;
};

/** No dead letter has this id (404). */
export class DeadLetterNotFoundError extends Error {
  override name = 'DeadLetterNotFoundError';
}

/** The dead letter cannot be replayed now or ever; the message says why (409). */
export class DeadLetterConflictError extends Error {
  override name = 'DeadLetterConflictError';
}

const STACK_LINES = 15;
/** How many of the oldest entries one trim looks at for age: each new entry can retire this many aged ones. */
const AGE_TRIM_BATCH = 100;

/**
 * How each source job goes back to its queue. Jobs with ids of their own (derived from what they carry) go back
 * under that id, so a replay can never duplicate them; jobs BullMQ numbers itself are added afresh (a sync through
 * its deduplication, so a replay collapses into a pending sync); a page's parent is retried in place, because its
 * children's results live with it. A job name missing here does not compile.
 */
type Replayer<J extends SourceJobName> = (producer: Producer, entry: DeadLetterOf<J>) => Promise<string | null>;
const replayers: { [J in SourceJobName]: Replayer<J> } = {
  'sync-tick': async (producer, entry) => String((await producer.add(JobName.SyncTick, entry.data)).id),
  'renew-subscriptions': async (producer, entry) =>
    String((await producer.add(JobName.RenewSubscriptions, entry.data)).id),
  'sync-mailbox': async (producer, entry) => {
    const { sessionId, mailboxId, folder, trigger } = entry.data;
    return enqueueMailboxSync(producer, sessionId, mailboxId, folder, trigger);
  },
  'backfill-range': async (producer, entry) => enqueueBackfillLane(producer, entry.data),
  'sync-page': async () => null,
  'process-email': async (producer, entry) =>
    String((await producer.add(JobName.ProcessEmail, entry.data, { jobId: entry.jobId })).id),
  'invoice-metadata': async (producer, entry) =>
    String((await producer.add(JobName.InvoiceMetadata, entry.data, { jobId: entry.jobId })).id),
  'after-action': async (producer, entry) =>
    String((await producer.add(JobName.AfterAction, entry.data, { jobId: entry.jobId })).id),
};

function replayTo<J extends SourceJobName>(producer: Producer, entry: DeadLetterOf<J>): Promise<string | null> {
  const replayer: Replayer<J> = replayers[entry.jobName];
  return replayer(producer, entry);
}

/** How long and how many dead letters are kept (DEAD_LETTER_KEEP_SECONDS, DEAD_LETTER_KEEP_COUNT). */
export interface DeadLetterRetention {
  age: number;
  count: number;
}
const DEFAULT_RETENTION: DeadLetterRetention = { age: 30 * 24 * 3600, count: 50_000 };

/**
 * Writes final failures to the `dead-letter` queue and replays them onto their source queue with fresh attempts.
 * Nobody consumes that queue, so its entries wait until replayed; each new entry trims those past the retention's
 * age, then the oldest beyond its count, so a pipeline that fails steadily for a year does not fill Redis.
 */
export class DeadLetters {
  constructor(
    private readonly producer: Producer,
    private readonly logger: Logger,
    private readonly retention: DeadLetterRetention = DEFAULT_RETENTION,
  ) {}

  /** Records a job's final failure. Idempotent: one entry per source job (its id is derived from the source). */
  async record<J extends SourceJobName>(job: TypedJob<J>, err: unknown): Promise<void> {
    const jobId = String(job.id);
    const sourceQueue = JobQueue[job.name];
    // The id names the queue the job was read from: a job added outside the typed producer may bear any name.
    const deadLetterId = jobIds.deadLetter(job.queueName, jobId);
    const entry: DeadLetterOf<J> = {
      sourceQueue,
      jobName: job.name,
      jobId,
      data: job.data,
      failedReason: errorMessage(err),
      attemptsMade: job.attemptsMade + 1,
      stacktrace: (err instanceof Error && err.stack ? err.stack.split('\n') : []).slice(0, STACK_LINES),
      failedAt: new Date().toISOString(),
    };
    await this.producer.add(JobName.DeadLetter, entry, {
      jobId: deadLetterId,
      attempts: 1,
      removeOnComplete: false,
      removeOnFail: false,
    });
    this.logger.warn('job dead-lettered', {
      queue: job.queueName,
      jobId,
      jobName: job.name,
      reason: entry.failedReason,
    });
    await this.trim().catch((err: unknown) => this.logger.warn('could not trim the dead-letter queue', { err }));
  }

  /**
   * Removes entries older than the retention's age (among the oldest `AGE_TRIM_BATCH`), then the oldest beyond its
   * count. Entries wait in BullMQ's wait list, newest first, so BullMQ's `clean` on that list takes the oldest.
   */
  async trim(): Promise<{ expired: number; overCount: number }> {
    const q = this.producer.queue(QueueName.DeadLetter);
    const expired = (await q.clean(this.retention.age * 1000, AGE_TRIM_BATCH, 'wait')).length;
    const excess = (await q.getWaitingCount()) - this.retention.count;
    const overCount = excess > 0 ? (await q.clean(0, excess, 'wait')).length : 0;
    if (expired + overCount > 0) this.logger.info('dead letters trimmed', { expired, overCount });
    return { expired, overCount };
  }

  async list(start = 0, end = 99): Promise<{ total: number; entries: DeadLetterEntry[] }> {
    const q = this.producer.queue(QueueName.DeadLetter);
    const [jobs, total] = await Promise.all([
      q.getJobs(['waiting', 'delayed', 'prioritized'], start, end, true),
      q.getJobCountByTypes('waiting', 'delayed', 'prioritized'),
    ]);
    return { total, entries: jobs.filter(Boolean).map((j: Job<DeadLetterData>) => toEntry(j)) };
  }

  async get(id: string): Promise<DeadLetterEntry | null> {
    const job = await this.find(id);
    return job ? toEntry(job) : null;
  }

  /**
   * Puts the failed job back on its source queue with a fresh attempt count and removes the entry.
   * Throws DeadLetterNotFoundError (unknown id) or DeadLetterConflictError (the job is still running, or a page
   * whose job is gone).
   */
  async replay(id: string): Promise<ReplayResult> {
    const dead = await this.find(id);
    if (!dead) throw new DeadLetterNotFoundError(`no dead letter with id ${id}`);
    const entry = dead.data;
    if (!Object.hasOwn(replayers, entry.jobName))
      throw new DeadLetterConflictError(`job name "${entry.jobName}" is not one of ours: it cannot be replayed`);
    const source = this.producer.queue(JobQueue[entry.jobName]);
    const original = await source.getJob(entry.jobId);
    const state = original ? await original.getState() : null;
    // The dead letter is written just before BullMQ fails the job: keep the entry, ask again later.
    if (state === 'active')
      throw new DeadLetterConflictError(
        `job ${entry.jobId} is still active on ${entry.sourceQueue}; replay it once it has failed`,
      );
    let status: ReplayResult['status'] = 'replayed';
    let jobId = entry.jobId;
    if (entry.jobName === JobName.SyncPage) {
      // The page's children (and their results) hang on the parent: retry it where it is.
      if (!original || state !== 'failed')
        throw new DeadLetterConflictError(
          `the sync-page job ${entry.jobId} is ${state ?? 'gone'}: a page can only be replayed while its failed job is kept (KEEP_FAILED_*)`,
        );
      await original.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } else if (
      original &&
      (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children')
    ) {
      status = 'already-queued';
    } else {
      // A failed (or completed) original still holds its id: remove it so the id is free for the replay.
      if (original && (state === 'failed' || state === 'completed')) await original.remove();
      jobId = (await replayTo(this.producer, entry)) ?? jobId;
    }
    await dead.remove();
    this.logger.info('dead letter replayed', { queue: entry.sourceQueue, jobName: entry.jobName, jobId, status });
    return { id, status, sourceQueue: entry.sourceQueue, jobId };
  }

  /** Replays every entry (up to `limit`); an entry that fails to replay stays and is reported. */
  async replayAll(limit = 1000): Promise<{ replayed: ReplayResult[]; errors: { id: string; error: string }[] }> {
    const { entries } = await this.list(0, limit - 1);
    const replayed: ReplayResult[] = [];
    const errors: { id: string; error: string }[] = [];
    for (const e of entries) {
      try {
        replayed.push(await this.replay(e.id));
      } catch (err) {
        errors.push({ id: e.id, error: errorMessage(err) });
      }
    }
    return { replayed, errors };
  }

  private async find(id: string): Promise<Job<DeadLetterData> | null> {
    const job = await Job.fromId<DeadLetterData>(this.producer.queue(QueueName.DeadLetter), id);
    return job ?? null;
  }
}

function toEntry(job: Job<DeadLetterData>): DeadLetterEntry {
  return { ...job.data, id: String(job.id) };
}
