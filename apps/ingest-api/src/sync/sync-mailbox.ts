import { randomUUID } from 'node:crypto';
import {
  DeltaExpiredError,
  enqueueMailboxSync,
  GraphRequestError,
  lock as waitForLock,
  RetryableError,
  ThrottledError,
  tryLock,
  type AttachmentStore,
  type DailyMetrics,
  type IngestApiConfig,
  type JobHandler,
  type Logger,
  type MailGraph,
  type Producer,
  type RedisConnection,
  type SessionStore,
} from '@ms1/shared';
import type { MailRules } from '../rules/mail-rules';
import type { CursorStore } from './cursor-store';
import type { FolderResolver } from './folder-resolver';
import { Backfill } from './backfill';
import { enqueuePage } from './page-enqueue';
import { rulesStoreFilter } from './store-filter';

export interface SyncDeps {
  config: {
    readonly graph: Pick<
      IngestApiConfig['graph'],
      'deltaPageSize' | 'deltaPageMaxBytes' | 'backfillLanes' | 'backfillMinMessages' | 'backfillBacklogMax'
    >;
  };
  graph: MailGraph;
  attachments: AttachmentStore;
  cursors: CursorStore;
  sessions: SessionStore;
  producer: Producer;
  redis: RedisConnection;
  keyPrefix: string;
  /** MAIL_RULES_FILE's rules, or null: then every message of MAIL_FOLDER is taken, as before rules existed. */
  rules: MailRules | null;
  folders: FolderResolver;
  daily: DailyMetrics;
}

export interface SyncTarget {
  sessionId: string;
  mailboxId: string;
  /** A folder path of the rules (`inbox/Suppliers`), or without rules MAIL_FOLDER (a well-known name or an id). */
  folder: string;
}

export interface RoundResult {
  pages: number;
  messages: number;
  removed: number;
  /** Messages no rule took (left as they are). */
  leftAlone: number;
  /** The e-mails this round enqueued (new to the mailbox). */
  enqueued: { mailboxId: string; messageId: string }[];
  /** Watched folders found below this one, to be synced in rounds of their own. */
  childFolders: string[];
}

const LOCK_TTL_MS = 60_000;

/**
 * One delta round of one mailbox folder: page after page until the deltaLink, each page enqueued as one flow
 * before the cursor moves past it. One round at a time per folder (deduplicated jobs, plus a lock). Each page
 * streams in (attachments go to the store as they arrive, those the rules exclude never do); a page that fails
 * mid-way enqueues nothing, leaves the cursor where it was, halves the page size and fails the attempt as retryable.
 * The page size learned from the pages' weight is kept per mailbox and folder, so the next round starts where this
 * one ended. With mail rules, the first rule that takes a message decides which of its attachments are read; a
 * message no rule takes is counted and left alone.
 */
export async function syncRound(
  deps: SyncDeps,
  target: SyncTarget,
  logger: Logger,
  opts: { waitForLockMs?: number; progress?: (p: { pages: number; messages: number }) => Promise<void> } = {},
): Promise<RoundResult> {
  const { sessionId, mailboxId, folder } = target;
  const lockKey = `${deps.keyPrefix}:sync-lock:${mailboxId.toLowerCase()}:${folder}`;
  const lock = opts.waitForLockMs
    ? await waitForLock(deps.redis, lockKey, LOCK_TTL_MS, opts.waitForLockMs)
    : await tryLock(deps.redis, lockKey, LOCK_TTL_MS);
  if (!lock) throw new ThrottledError(`a sync of ${mailboxId}/${folder} is already running`, 2000);
  const result: RoundResult = { pages: 0, messages: 0, removed: 0, leftAlone: 0, enqueued: [], childFolders: [] };
  const caller = { mailboxId, sessionId };
  const roundId = randomUUID();
  const budget = deps.config.graph.deltaPageMaxBytes;
  const maxPageSize = deps.config.graph.deltaPageSize;
  const { rules } = deps;
  // A page can take longer than the lock to stream in: keep the lock alive meanwhile.
  const heartbeat = setInterval(() => void lock.extend(LOCK_TTL_MS).catch(() => undefined), LOCK_TTL_MS / 3);
  heartbeat.unref();
  try {
    if (rules && !rules.watches(mailboxId, folder)) {
      logger.info('folder no longer watched by any mail rule; nothing synced', { folder });
      return result;
    }
    const folderId = rules ? await deps.folders.resolve(caller, folder) : folder;
    if (folderId === null) {
      logger.warn('watched folder not found in the mailbox; nothing synced', { folder });
      return result;
    }
    const filter = rules ? rulesStoreFilter(rules, mailboxId, folder) : undefined;
    let pageSize = Math.min(maxPageSize, (await deps.cursors.pageSize(mailboxId, folder)) ?? maxPageSize);
    let link = await deps.cursors.cursor(mailboxId, folder);
    const backfill = new Backfill(deps, target, folderId, logger);
    // A first sync (no cursor yet) of a big folder: lanes read what came before now, the chain what comes after.
    let since = link === null ? await backfill.plan() : null;
    if (link !== null) await backfill.resume();
    for (;;) {
      const session = await deps.sessions.current();
      if (!session || session.sessionId !== sessionId) {
        logger.info('session ended during sync; stopping the round');
        break;
      }
      let page;
      try {
        page = await deps.graph.deltaPage(caller, folderId, link, pageSize, deps.attachments, filter, {
          ...(since ? { receivedSince: since } : {}),
        });
      } catch (err) {
        if (err instanceof RetryableError) {
          // A page too big for the server or the connection fails again at the same size: ask for less next time.
          const smaller = Math.max(1, Math.floor(pageSize / 2));
          await deps.cursors.savePageSize(mailboxId, folder, smaller);
          logger.warn('delta page failed; retrying with a smaller page', { pageSize, next: smaller, err });
        }
        if (err instanceof GraphRequestError && err.status === 404 && rules) {
          // The folder was deleted or renamed: look its path up again on the next attempt.
          await deps.folders.forget(mailboxId, folder);
          await deps.cursors.clearCursor(mailboxId, folder);
          await backfill.forget();
          throw new RetryableError(`folder ${folder} of ${mailboxId} is gone (404); resolving its path again`);
        }
        if (!(err instanceof DeltaExpiredError) || link === null) throw err;
        // Start over (lanes again for a big folder); the seen-set keeps what was already enqueued from being
        // enqueued again.
        logger.warn('delta cursor expired; resyncing the folder from scratch');
        await deps.cursors.clearCursor(mailboxId, folder);
        await backfill.forget();
        link = null;
        since = await backfill.plan();
        continue;
      }
      result.pages++;
      const nextLink = page.nextLink ?? page.deltaLink;
      if (!nextLink) throw new Error('delta page carried neither nextLink nor deltaLink');
      const { emails, leftAlone } = await enqueuePage(
        deps,
        target,
        page,
        { roundId, rank: result.pages, link: link ?? `start:${roundId}` },
        logger,
      );
      await deps.cursors.saveCursor(mailboxId, folder, nextLink);
      result.messages += emails.length;
      result.removed += page.removed.length;
      result.leftAlone += leftAlone;
      result.enqueued.push(...emails.map((e) => ({ mailboxId: e.mailboxId, messageId: e.messageId })));
      pageSize = nextPageSize(pageSize, page.bytes, page.messages.length + page.removed.length, budget, maxPageSize);
      await deps.cursors.savePageSize(mailboxId, folder, pageSize);
      await lock.extend(LOCK_TTL_MS);
      await opts.progress?.({ pages: result.pages, messages: result.messages });
      link = nextLink;
      if (page.deltaLink) {
        if (rules?.watchesBelow(mailboxId, folder))
          result.childFolders = await deps.folders.children(caller, folder, folderId);
        break;
      }
    }
    await deps.sessions.incr(sessionId, { syncRounds: 1 });
    logger.info('delta round done', {
      folder,
      pages: result.pages,
      messages: result.messages,
      removed: result.removed,
      leftAlone: result.leftAlone,
    });
    return result;
  } finally {
    clearInterval(heartbeat);
    await lock.release().catch(() => undefined);
  }
}

/** The `sync-mailbox` job: one round, then a round of each watched folder found below (deduplicated). */
export function syncMailboxHandler(deps: SyncDeps): JobHandler<'sync-mailbox'> {
  return async (job, { logger }) => {
    const round = await syncRound(deps, job.data, logger, { progress: (p) => job.updateProgress(p) });
    for (const child of round.childFolders)
      await enqueueMailboxSync(deps.producer, job.data.sessionId, job.data.mailboxId, child, job.data.trigger);
    return { pages: round.pages, messages: round.messages, removed: round.removed };
  };
}

/** Keeps a page (attachments included) within the byte budget: shrink after a heavy page, grow back after light ones. */
export function nextPageSize(current: number, bytes: number, items: number, budget: number, max: number): number {
  if (items === 0 || bytes === 0) return Math.min(max, Math.max(current, 1));
  const perItem = bytes / items;
  const fits = Math.max(1, Math.floor(budget / perItem));
  return Math.max(1, Math.min(max, fits));
}
