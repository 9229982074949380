import { Queue, type Job, type JobsOptions } from 'bullmq';
import type { QueueContext } from './context';
import { JobQueue, type JobName, type QueueName } from './names';
import type { JobPayloads, JobResults } from './payloads';

export type TypedJob<J extends JobName> = Job<JobPayloads[J], JobResults[J], J>;

/** Adds typed jobs to the queue their name belongs to; one BullMQ Queue per queue name, opened on first use. */
export class Producer {
  private readonly queues = new Map<QueueName, Queue>();
  private closing: Promise<void> | null = null;

  constructor(private readonly ctx: QueueContext) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, {
        connection: this.ctx.connection,
        prefix: this.ctx.prefix,
        defaultJobOptions: this.ctx.jobOptions,
        // Workers check the Redis version; a Queue whose check timed out (Redis hung at that moment) would stay
        // broken for good, and the HTTP edge must resume by itself once Redis answers again.
        skipVersionCheck: true,
      });
      let lastLog = 0;
      q.on('error', (err) => {
        // Every failed reconnect is reported by every queue: one line per queue per 10 s shows an outage.
        if (Date.now() - lastLog < 10_000) return;
        lastLog = Date.now();
        this.ctx.logger.warn('queue connection error', { queue: name, err: err.message });
      });
      this.queues.set(name, q);
    }
    return q;
  }

  async add<J extends JobName>(name: J, data: JobPayloads[J], opts?: JobsOptions): Promise<TypedJob<J>> {
    const job = await this.queue(JobQueue[name]).add(name, data, opts);
    return job as TypedJob<J>;
  }

  async addBulk<J extends JobName>(
    name: J,
    jobs: { data: JobPayloads[J]; opts?: JobsOptions }[],
  ): Promise<TypedJob<J>[]> {
    const added = await this.queue(JobQueue[name]).addBulk(jobs.map((j) => ({ name, data: j.data, opts: j.opts })));
    return added as TypedJob<J>[];
  }

  /** Closes every opened queue (not the shared connection, which its owner closes). Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= Promise.allSettled([...this.queues.values()].map((q) => q.close())).then(() => undefined);
    return this.closing;
  }
}
