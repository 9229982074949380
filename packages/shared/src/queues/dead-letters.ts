import { Job } from 'bullmq';
import { errorMessage } from '../errors';
import type { Logger } from '../logging/logger';
import { jobIds } from './job-ids';
import { JobName, QueueName, type JobName as JobNameT } from './names';
import type { DeadLetterData, JobPayloads } from './payloads';
import type { Producer } from './producer';

type SourceJobName = Exclude<JobNameT, 'dead-letter'>;

export interface DeadLetterEntry extends Record<string, unknown> {
  id: string;
  sourceQueue: string;
  jobName: string;
  jobId: string;
  failedReason: string;
  attemptsMade: number;
  failedAt: string;
  data: unknown;
  stacktrace: string[];
}

export type ReplayResult = { id: string; status: 'replayed' | 'already-queued'; sourceQueue: string; jobId: string };

export class DeadLetterNotFoundError extends Error {
  override name = 'DeadLetterNotFoundError';
}

export class DeadLetterBusyError extends Error {
  override name = 'DeadLetterBusyError';
}

const STACK_LINES = 15;

/** Writes final failures to the `dead-letter` queue and replays them onto their source queue with fresh attempts. */
export class DeadLetters {
  constructor(
    private readonly producer: Producer,
    private readonly logger: Logger,
  ) {}

  /** Records a job's final failure. Idempotent: one entry per source job (its id is derived from the source). */
  async record<J extends SourceJobName>(
    sourceQueue: QueueName,
    job: Job<JobPayloads[J], unknown, J>,
    err: unknown,
  ): Promise<void> {
    const jobId = String(job.id);
    const entry = {
      sourceQueue,
      jobName: job.name,
      jobId,
      data: job.data,
      failedReason: errorMessage(err),
      attemptsMade: job.attemptsMade + 1,
      stacktrace: (err instanceof Error && err.stack ? err.stack.split('\n') : []).slice(0, STACK_LINES),
      failedAt: new Date().toISOString(),
    } as DeadLetterData;
    await this.producer.add(JobName.DeadLetter, entry, {
      jobId: jobIds.deadLetter(sourceQueue, jobId),
      attempts: 1,
      removeOnComplete: false,
      removeOnFail: false,
    });
    this.logger.warn('job dead-lettered', { queue: sourceQueue, jobId, jobName: job.name, reason: entry.failedReason });
  }

  async list(start = 0, end = 99): Promise<{ total: number; entries: DeadLetterEntry[] }> {
    const q = this.producer.queue(QueueName.DeadLetter);
    const [jobs, total] = await Promise.all([
      q.getJobs(['waiting', 'delayed', 'prioritized'], start, end, true),
      q.getJobCountByTypes('waiting', 'delayed', 'prioritized'),
    ]);
    return { total, entries: jobs.filter(Boolean).map((j) => toEntry(j as Job<DeadLetterData>)) };
  }

  async get(id: string): Promise<DeadLetterEntry | null> {
    const job = await this.find(id);
    return job ? toEntry(job) : null;
  }

  /** Puts the failed job back on its source queue under its original id, with a fresh attempt count. */
  async replay(id: string): Promise<ReplayResult> {
    const dead = await this.find(id);
    if (!dead) throw new DeadLetterNotFoundError(`no dead letter with id ${id}`);
    const d = dead.data;
    const source = this.producer.queue(d.sourceQueue);
    const existing = await source.getJob(d.jobId);
    let status: ReplayResult['status'] = 'replayed';
    if (existing) {
      const state = await existing.getState();
      // The original still holds its id while it sits in the failed (or completed) set: remove it so the id is free.
      if (state === 'failed' || state === 'completed') await existing.remove();
      // Still running (the dead letter is written just before BullMQ fails the job): keep the entry, ask again later.
      else if (state === 'active')
        throw new DeadLetterBusyError(
          `job ${d.jobId} is still active on ${d.sourceQueue}; replay it once it has failed`,
        );
      else status = 'already-queued';
    }
    if (status === 'replayed') await source.add(d.jobName, d.data, { jobId: d.jobId });
    await dead.remove();
    this.logger.info('dead letter replayed', { queue: d.sourceQueue, jobId: d.jobId, status });
    return { id, status, sourceQueue: d.sourceQueue, jobId: d.jobId };
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
  const d = job.data;
  return {
    id: String(job.id),
    sourceQueue: d.sourceQueue,
    jobName: d.jobName,
    jobId: d.jobId,
    failedReason: d.failedReason,
    attemptsMade: d.attemptsMade,
    failedAt: d.failedAt,
    data: d.data,
    stacktrace: d.stacktrace,
  };
}
