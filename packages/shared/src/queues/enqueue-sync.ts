import { dedupIds } from './job-ids';
import { JobName } from './names';
import type { SyncTrigger } from './payloads';
import type { Producer } from './producer';

/**
 * Asks for a delta sync of one mailbox folder. Every trigger (schedule, webhook, manual, lifecycle) goes through
 * here: while a sync of the mailbox waits, further requests collapse into it; while one runs, they collapse into
 * one follow-up sync (`keepLastIfActive`), so a change notified mid-round is picked up by the next round.
 * Not `ttl`: with a ttl BullMQ keeps the key after the job finishes (throttle mode) and would swallow syncs for
 * that long. A key whose job vanished (an outage) is recovered by BullMQ on the next add. Answers the id of the
 * sync job that will run (the pending one when the request collapsed into it).
 */
export async function enqueueMailboxSync(
  producer: Producer,
  sessionId: string,
  mailboxId: string,
  folder: string,
  trigger: SyncTrigger,
): Promise<string> {
  const job = await producer.add(
    JobName.SyncMailbox,
    { sessionId, mailboxId, folder, trigger },
    { deduplication: { id: dedupIds.syncMailbox(mailboxId, folder), keepLastIfActive: true } },
  );
  return String(job.id);
}
