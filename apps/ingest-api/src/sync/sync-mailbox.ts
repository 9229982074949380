import { createHash, randomUUID } from 'node:crypto';
import {
  DeltaExpiredError,
  RetryableError,
  ThrottledError,
  tryLock,
  type AttachmentStore,
  type IngestApiConfig,
  type JobHandler,
  type MailGraph,
  type ProcessEmailData,
  type Producer,
  type RedisConnection,
  type SessionStore,
} from '@ms1/shared';
import type { CursorStore } from './cursor-store';
import { oversized, toListing } from './message-listing';
import { addPageFlow } from './page-flow';

export interface SyncDeps {
  config: IngestApiConfig;
  graph: MailGraph;
  attachments: AttachmentStore;
  cursors: CursorStore;
  sessions: SessionStore;
  producer: Producer;
  redis: RedisConnection;
  keyPrefix: string;
}

const LOCK_TTL_MS = 60_000;

/**
 * One delta round of one mailbox folder: page after page until the deltaLink, each page enqueued as one flow
 * before the cursor moves past it. One round at a time per mailbox (deduplicated jobs, plus this lock). Each page
 * streams in (attachments go to the store as they arrive); a page that fails mid-way enqueues nothing, leaves the
 * cursor where it was, halves the page size and fails the attempt as retryable. The page size learned from the
 * pages' weight is kept per mailbox and folder, so the next round starts where this one ended.
 */
export function syncMailboxHandler(deps: SyncDeps): JobHandler<'sync-mailbox'> {
  return async (job, { logger }) => {
    const { sessionId, mailboxId, folder } = job.data;
    const lock = await tryLock(
      deps.redis,
      `${deps.keyPrefix}:sync-lock:${mailboxId.toLowerCase()}:${folder}`,
      LOCK_TTL_MS,
    );
    if (!lock) throw new ThrottledError(`a sync of ${mailboxId}/${folder} is already running`, 2000);
    const caller = { mailboxId, sessionId };
    const roundId = randomUUID();
    const budget = deps.config.graph.deltaPageMaxBytes;
    const maxPageSize = deps.config.graph.deltaPageSize;
    let pageSize: number;
    // A page can take longer than the lock to stream in: keep the lock alive meanwhile.
    const heartbeat = setInterval(() => void lock.extend(LOCK_TTL_MS).catch(() => undefined), LOCK_TTL_MS / 3);
    heartbeat.unref();
    let pages = 0;
    let messages = 0;
    let removed = 0;
    try {
      pageSize = Math.min(maxPageSize, (await deps.cursors.pageSize(mailboxId, folder)) ?? maxPageSize);
      let link = await deps.cursors.cursor(mailboxId, folder);
      for (;;) {
        const session = await deps.sessions.current();
        if (!session || session.sessionId !== sessionId) {
          logger.info('session ended during sync; stopping the round');
          break;
        }
        let page;
        try {
          page = await deps.graph.deltaPage(caller, folder, link, pageSize, deps.attachments);
        } catch (err) {
          if (err instanceof RetryableError) {
            // A page too big for the server or the connection fails again at the same size: ask for less next time.
            const smaller = Math.max(1, Math.floor(pageSize / 2));
            await deps.cursors.savePageSize(mailboxId, folder, smaller);
            logger.warn('delta page failed; retrying with a smaller page', { pageSize, next: smaller, err });
          }
          if (!(err instanceof DeltaExpiredError) || link === null) throw err;
          // Start over; the seen-set keeps what was already enqueued from being enqueued again.
          logger.warn('delta cursor expired; resyncing the folder from scratch');
          await deps.cursors.clearCursor(mailboxId, folder);
          link = null;
          continue;
        }
        pages++;
        const fresh = new Set(
          await deps.cursors.unseen(
            mailboxId,
            folder,
            page.messages.map((m) => m.id),
          ),
        );
        const emails: ProcessEmailData[] = [];
        let tooLarge = 0;
        for (const m of page.messages) {
          if (!fresh.has(m.id)) continue;
          fresh.delete(m.id); // a page may repeat a message
          for (const a of oversized(m)) {
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
            listing: toListing(m),
          });
        }
        const nextLink = page.nextLink ?? page.deltaLink;
        if (!nextLink) throw new Error('delta page carried neither nextLink nor deltaLink');
        await addPageFlow(
          deps.producer,
          { sessionId, mailboxId, folder, roundId, page: pages, link: link ?? `start:${roundId}` },
          emails,
        );
        await deps.cursors.markSeen(
          mailboxId,
          folder,
          emails.map((e) => e.messageId),
        );
        await deps.cursors.saveCursor(mailboxId, folder, nextLink);
        await deps.sessions.incrOnce(sessionId, pageEventId(mailboxId, folder, link ?? roundId), {
          discovered: page.messages.length,
          enqueued: emails.length,
          removed: page.removed.length,
          oversizedAttachments: tooLarge,
        });
        messages += emails.length;
        removed += page.removed.length;
        pageSize = nextPageSize(pageSize, page.bytes, page.messages.length + page.removed.length, budget, maxPageSize);
        await deps.cursors.savePageSize(mailboxId, folder, pageSize);
        await lock.extend(LOCK_TTL_MS);
        await job.updateProgress({ pages, messages });
        link = nextLink;
        if (page.deltaLink) break;
      }
      await deps.sessions.incr(sessionId, { syncRounds: 1 });
      logger.info('delta round done', { pages, messages, removed });
      return { pages, messages, removed };
    } finally {
      clearInterval(heartbeat);
      await lock.release().catch(() => undefined);
    }
  };
}

/** Names one delta page for counting: re-running the page after a crash counts it once. */
function pageEventId(mailboxId: string, folder: string, cursor: string): string {
  return `delta:${createHash('sha256').update(`${mailboxId}\n${folder}\n${cursor}`).digest('base64')}`;
}

/** Keeps a page (attachments included) within the byte budget: shrink after a heavy page, grow back after light ones. */
export function nextPageSize(current: number, bytes: number, items: number, budget: number, max: number): number {
  if (items === 0 || bytes === 0) return Math.min(max, Math.max(current, 1));
  const perItem = bytes / items;
  const fits = Math.max(1, Math.floor(budget / perItem));
  return Math.max(1, Math.min(max, fits));
}
