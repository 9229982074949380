import { jobIds } from './job-ids';
import { JobName } from './names';
import type { BackfillRangeData } from './payloads';
import type { Producer } from './producer';

/**
 * Lanes wait behind every job without a priority on `mail-sync` (BullMQ runs those first): a tick, a renewal or
 * another mailbox's sync never queues behind a big mailbox's backfill, which takes a page per turn.
 */
export const BACKFILL_PRIORITY = 1;

/** Adds one lane of a backfill plan; adding it again while it exists adds nothing (its id names session and lane). */
export async function enqueueBackfillLane(producer: Producer, data: BackfillRangeData): Promise<string> {
  const jobId = jobIds.backfillRange(data.sessionId, data.mailboxId, data.folder, data.planId, data.lane);
  const job = await producer.add(JobName.BackfillRange, data, { jobId, priority: BACKFILL_PRIORITY });
  return String(job.id);
}
