import { allQueues, QueueName, type Producer } from '@ms1/shared';

/** Which app consumes each queue: liveness is "workers seen on its queue". */
const CONSUMERS: Record<string, string> = {
  [QueueName.MailSync]: 'ingest-api (sync)',
  [QueueName.EmailInbound]: 'processor-worker',
  [QueueName.Ms4Outbound]: 'ms4-sender',
};

export interface QueueSnapshot {
  counts: Record<string, Record<string, number>>;
  services: Record<string, { queue: string; workers: number; alive: boolean }>;
}

export class QueueOverview {
  constructor(private readonly producer: Producer) {}

  async snapshot(): Promise<QueueSnapshot> {
    const counts: QueueSnapshot['counts'] = {};
    const services: QueueSnapshot['services'] = {};
    await Promise.all(
      allQueues.map(async (name) => {
        const q = this.producer.queue(name);
        counts[name] = await q.getJobCounts(
          'waiting',
          'active',
          'delayed',
          'completed',
          'failed',
          'waiting-children',
          'prioritized',
        );
        const service = CONSUMERS[name];
        if (service) {
          const workers = await q.getWorkersCount();
          services[service] = { queue: name, workers, alive: workers > 0 };
        }
      }),
    );
    return { counts, services };
  }
}
