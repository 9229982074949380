import { dedupIds } from './job-ids';
import { JobName } from './names';
import type { SyncTrigger } from './payloads';
import type { Producer } from './producer';

/** A stray deduplication key must not block a mailbox's sync forever. */
const DEDUP_TTL_MS = 10 * 60_000;

/**
 * Asks for a delta sync of one mailbox folder. Every trigger (schedule, webhook, manual, lifecycle) goes through
 * here: while one sync of the mailbox is waiting or running, further requests collapse into it.
 */
export async function enqueueMailboxSync(producer: Producer, sessionId: string, mailboxId: string, folder: string, trigger: SyncTrigger): Promise<void> {
  await producer.add(
    JobName.SyncMailbox,
    { sessionId, mailboxId, folder, trigger },
    { deduplication: { id: dedupIds.syncMailbox(mailboxId, folder), ttl: DEDUP_TTL_MS } },
  );
}
