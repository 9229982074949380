import { Queue, type JobType } from 'bullmq';
import { Redis } from 'ioredis';
import { QueueName } from '@ms1/shared';

export type WatchedQueue = Exclude<QueueName, 'dead-letter'>;
const WATCHED: readonly WatchedQueue[] = [
  QueueName.MailSync,
  QueueName.MailSyncResults,
  QueueName.EmailInbound,
  QueueName.Ms4Outbound,
];

/** States in which a job still has work ahead of it. */
export const PENDING_STATES: readonly JobType[] = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'];

/**
 * The test's own view of MS1's queues, read with BullMQ from the same Redis. Read-only: the test never moves a job.
 * Not used while Redis is down (its connection would wait for Redis to come back).
 */
export class QueueWatch {
  private readonly connection: Redis;
  private readonly queues: Map<WatchedQueue, Queue>;

  constructor(redisUrl: string, queuePrefix: string) {
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined); // reconnects by itself; a Redis restart is part of some tests
    this.queues = new Map(
      WATCHED.map((name) => {
        const q = new Queue(name, { connection: this.connection, prefix: `{${queuePrefix}}` });
        q.on('error', () => undefined);
        return [name, q];
      }),
    );
  }

  private queue(name: WatchedQueue): Queue {
    const q = this.queues.get(name);
    if (!q) throw new Error(`unknown queue ${name}`);
    return q;
  }

  /** Jobs of the queue in the given states, added up. */
  async count(name: WatchedQueue, states: readonly JobType[]): Promise<number> {
    const counts = await this.queue(name).getJobCounts(...states);
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  async counts(name: WatchedQueue): Promise<Record<string, number>> {
    return this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
  }

  /** Ids of the jobs Redis holds as active (taken by a worker, whether or not that worker still lives). */
  async activeIds(name: WatchedQueue): Promise<string[]> {
    return (await this.queue(name).getJobs(['active'], 0, -1)).flatMap((j) => (j.id ? [j.id] : []));
  }

  async stateOf(name: WatchedQueue, jobId: string): Promise<string> {
    return String(await this.queue(name).getJobState(jobId));
  }

  /** Failed jobs of every queue (a job lands there only once it failed for good). */
  async failedByQueue(): Promise<Record<WatchedQueue, number>> {
    const out = {} as Record<WatchedQueue, number>;
    for (const name of WATCHED) out[name] = await this.count(name, ['failed']);
    return out;
  }

  /** A line per queue with its counts, for failure messages. */
  async describe(): Promise<string> {
    const lines: string[] = [];
    for (const name of WATCHED) lines.push(`${name} ${JSON.stringify(await this.counts(name))}`);
    return lines.join('\n');
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.connection.disconnect();
  }
}
