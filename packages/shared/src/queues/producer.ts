import {
  FlowProducer,
  Queue,
  type Job,
  type JobSchedulerTemplateOptions,
  type JobsOptions,
  type JobType,
  type RepeatOptions,
} from 'bullmq';
import { CONNECTION_ERROR_LOG_EVERY_MS, onceEvery } from '../logging/once-every';
import { flowParentRetention } from './flow-parent-retention';
import { JobQueue, type JobName, type QueueName } from './names';
import type { FlowChildren, FlowParentName, JobPayloads, JobResults } from './payloads';
import type { QueueSetup } from './queue-setup';

export type TypedJob<J extends JobName> = Job<JobPayloads[J], JobResults[J], J>;

/** One job of a flow: its name decides its queue and the type of its data. */
export interface FlowNode<J extends JobName> {
  name: J;
  data: JobPayloads[J];
  /** Flow jobs always carry their own id, so that adding the same flow twice adds nothing twice. */
  jobId: string;
  opts?: Omit<JobsOptions, 'jobId' | 'parent'>;
}

/** A job scheduler's template: the job it emits, typed by its name. */
export interface SchedulerTemplate<J extends JobName> {
  name: J;
  data: JobPayloads[J];
  opts?: JobSchedulerTemplateOptions;
}

/**
 * The one way jobs enter Redis: adds, flows and schedulers, each typed by job name (the name decides the queue
 * and the data). One BullMQ Queue per queue name and one FlowProducer, opened on first use.
 */
export class Producer {
  private readonly queues = new Map<QueueName, Queue>();
  private flowProducer: FlowProducer | null = null;
  private closing: Promise<void> | null = null;

  constructor(private readonly setup: QueueSetup) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, {
        connection: this.setup.connection,
        prefix: this.setup.prefix,
        defaultJobOptions: this.setup.jobOptions,
        // Workers check the Redis version; a Queue whose check timed out (Redis hung at that moment) would stay
        // broken for good, and the HTTP edge must resume by itself once Redis answers again.
        skipVersionCheck: true,
      });
      // Every failed reconnect is reported by every queue: one line per queue per 10 s shows an outage.
      const logDue = onceEvery(CONNECTION_ERROR_LOG_EVERY_MS);
      q.on('error', (err) => {
        if (logDue()) this.setup.logger.warn('queue connection error', { queue: name, err: err.message });
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

  /** The jobs of one name in the given states (e.g. for an operator's view or a test), typed by that name. */
  async getJobs<J extends JobName>(name: J, states: JobType[]): Promise<TypedJob<J>[]> {
    const jobs: (Job | undefined)[] = await this.queue(JobQueue[name]).getJobs(states);
    return jobs.filter((job): job is TypedJob<J> => job?.name === name);
  }

  /**
   * Adds a parent and its children atomically (a BullMQ flow). Only the pairs of `FlowChildren` compile, so the
   * parent's handler knows the type of its children's results. Every job gets the default options, but the parent
   * is kept completed for a share of the count (`flowParentRetention`).
   */
  async addFlow<P extends FlowParentName>(
    parent: FlowNode<P>,
    children: readonly FlowNode<FlowChildren[P]>[],
  ): Promise<void> {
    this.flowProducer ??= new FlowProducer({ connection: this.setup.connection, prefix: this.setup.prefix });
    const parentJob = this.flowJob(parent);
    const removeOnComplete = flowParentRetention(parentJob.opts.removeOnComplete, children.length);
    await this.flowProducer.add({
      ...parentJob,
      opts: { ...parentJob.opts, removeOnComplete },
      children: children.map((child) => this.flowJob(child)),
    });
  }

  /** Creates or updates a job scheduler on the queue of the template's job name. */
  async upsertJobScheduler<J extends JobName>(
    schedulerId: string,
    repeat: Omit<RepeatOptions, 'key'>,
    template: SchedulerTemplate<J>,
  ): Promise<void> {
    await this.queue(JobQueue[template.name]).upsertJobScheduler(schedulerId, repeat, template);
  }

  async removeJobScheduler(queue: QueueName, schedulerId: string): Promise<void> {
    await this.queue(queue).removeJobScheduler(schedulerId);
  }

  /** Closes every opened queue and the flow producer (not the shared connection, which its owner closes). Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= Promise.allSettled([
      ...[...this.queues.values()].map((q) => q.close()),
      ...(this.flowProducer ? [this.flowProducer.close()] : []),
    ]).then(() => undefined);
    return this.closing;
  }

  private flowJob<J extends JobName>(node: FlowNode<J>) {
    return {
      name: node.name,
      queueName: JobQueue[node.name],
      prefix: this.setup.prefix,
      data: node.data,
      opts: { ...this.setup.jobOptions, ...node.opts, jobId: node.jobId },
    };
  }
}

/** The results of a flow parent's children that completed, typed by the child job name of `FlowChildren`. */
export async function childResults<P extends FlowParentName>(job: TypedJob<P>): Promise<JobResults[FlowChildren[P]][]> {
  return Object.values(await job.getChildrenValues<JobResults[FlowChildren[P]]>());
}
