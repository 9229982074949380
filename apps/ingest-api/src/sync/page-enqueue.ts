import { createHash } from 'node:crypto';
import {
  lock as waitForLock,
  ThrottledError,
  type DeltaMessage,
  type DeltaPage,
  type HeldLock,
  type Logger,
  type ProcessEmailData,
} from '@ms1/shared';
import { oversized, toListing } from './message-listing';
import { addPageFlow } from './page-flow';
import type { SyncDeps, SyncTarget } from './sync-mailbox';

const LOCK_TTL_MS = 60_000;
/** How long a page waits for another folder (or lane) of the mailbox to finish enqueueing. */
const ENQUEUE_LOCK_WAIT_MS = 30_000;

export interface PageRef {
  roundId: string;
  /** The page's rank in its round (fair priority), 1 for the first. */
  rank: number;
  /** Names the page: the cursor it was read from. The same page read again gets the same flow and counts once. */
  link: string;
}

export interface EnqueuedPage {
  emails: ProcessEmailData[];
  leftAlone: number;
}

/**
 * One page read from Graph (a delta page or a backfill lane's page) becomes jobs: the messages the mailbox has not
 * seen yet (seen-set) and a rule takes (when rules exist) are added as one flow, then marked seen; the page's counts
 * go to the session once. Two folders or lanes of a mailbox may hold the same message (a move, the overlap where
 * lanes and the delta chain meet): one of them enqueues at a time, under the mailbox's enqueue lock.
 */
export async function enqueuePage(
  deps: SyncDeps,
  target: SyncTarget,
  page: DeltaPage,
  ref: PageRef,
  logger: Logger,
): Promise<EnqueuedPage> {
  const { sessionId, mailboxId, folder } = target;
  const { rules } = deps;
  const emails: ProcessEmailData[] = [];
  let tooLarge = 0;
  let leftAlone = 0;
  let excluded = 0;
  const enqueueLock = await mailboxEnqueueLock(deps, mailboxId);
  try {
    const fresh = new Set(
      await deps.cursors.unseen(
        mailboxId,
        folder,
        page.messages.map((m) => m.id),
      ),
    );
    for (const m of page.messages) {
      if (!fresh.has(m.id)) continue;
      fresh.delete(m.id); // a page may repeat a message
      const rule = rules ? rules.ruleFor(mailboxId, folder, headOfMessage(m)) : null;
      if (rules && !rule) {
        leftAlone++;
        continue;
      }
      const listing = toListing(m, rule);
      excluded += m.attachments.length - listing.attachments.length;
      for (const a of oversized(m)) {
        if (!listing.attachments.some((l) => l.id === a.id)) continue;
        tooLarge++;
        logger.warn('attachment over MAX_ATTACHMENT_BYTES skipped (recorded, not stored)', {
          messageId: m.id,
          name: a.name,
          contentType: a.contentType,
          size: a.content.kind === 'too-large' ? a.content.size : a.size,
        });
      }
      emails.push({
        sessionId,
        mailboxId,
        messageId: m.id,
        receivedDateTime: m.receivedDateTime ?? new Date().toISOString(),
        listing,
        ...(rule ? { rule: rule.name, folder } : {}),
      });
    }
    await addPageFlow(
      deps.producer,
      { sessionId, mailboxId, folder, roundId: ref.roundId, page: ref.rank, link: ref.link },
      emails,
    );
    await deps.cursors.markSeen(
      mailboxId,
      emails.map((e) => e.messageId),
    );
  } finally {
    await enqueueLock.release().catch(() => undefined);
  }
  const firstTime = await deps.sessions.incrOnce(sessionId, pageEventId(mailboxId, folder, ref.link), {
    discovered: page.messages.length,
    enqueued: emails.length,
    removed: page.removed.length,
    oversizedAttachments: tooLarge,
    leftAlone,
    excludedAttachments: excluded,
  });
  if (firstTime) await deps.daily.incr(mailboxId, { discovered: emails.length });
  return { emails, leftAlone };
}

async function mailboxEnqueueLock(deps: SyncDeps, mailboxId: string): Promise<HeldLock> {
  const key = `${deps.keyPrefix}:enqueue-lock:${mailboxId.toLowerCase()}`;
  const held = await waitForLock(deps.redis, key, LOCK_TTL_MS, ENQUEUE_LOCK_WAIT_MS);
  if (!held) throw new ThrottledError(`another folder of ${mailboxId} is enqueueing`, 1000);
  return held;
}

function headOfMessage(m: DeltaMessage): { subject: string | null; fromAddress: string | null } {
  return { subject: m.subject ?? null, fromAddress: m.from?.emailAddress?.address ?? null };
}

/** Names one page for counting: re-running the page after a crash counts it once. */
function pageEventId(mailboxId: string, folder: string, cursor: string): string {
  return `delta:${createHash('sha256').update(`${mailboxId}\n${folder}\n${cursor}`).digest('base64')}`;
}
