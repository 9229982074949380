import { JobQueue, type Producer } from '@ms1/shared';

/** E-mails enqueued and not yet taken by a processor: email-inbound's waiting and prioritized jobs (LLEN + ZCARD). */
export async function inboundBacklog(producer: Producer): Promise<number> {
  const counts = await producer.queue(JobQueue['process-email']).getJobCounts('wait', 'prioritized');
  return (counts.wait ?? 0) + (counts.prioritized ?? 0);
}
