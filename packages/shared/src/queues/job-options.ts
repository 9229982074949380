import type { DefaultJobOptions } from 'bullmq';
import type { JobSettings } from '../config/config';

/** Default options for every job: bounded retries, exponential backoff with jitter, bounded retention. */
export function defaultJobOptions(jobs: JobSettings): DefaultJobOptions {
  return {
    attempts: jobs.attempts,
    backoff: { type: 'exponential', delay: jobs.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: jobs.keepCompleted.age, count: jobs.keepCompleted.count },
    removeOnFail: { age: jobs.keepFailed.age, count: jobs.keepFailed.count },
  };
}
