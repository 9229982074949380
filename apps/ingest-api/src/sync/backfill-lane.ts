import {
  GraphRequestError,
  HandBackError,
  RetryableError,
  ThrottledError,
  tryLock,
  type DeltaMessage,
  type JobHandler,
  type TypedJob,
} from '@ms1/shared';
import { BackfillStore, type LaneState } from './backfill-store';
import { inboundBacklog } from './inbound-backlog';
import { enqueuePage } from './page-enqueue';
import { rulesStoreFilter } from './store-filter';
import { nextPageSize, type SyncDeps } from './sync-mailbox';

/** Short, renewed while the page streams: a killed process's lane is taken over soon after its job is. */
const LOCK_TTL_MS = 15_000;
/**
 * How long a lane reads before it hands its job back: a small mailbox's sync waits at most this long (plus a page)
 * for a sync slot, and a lane does not pay a trip through the queue after every page.
 */
const LANE_TURN_MS = 2000;
/**
 * How long a lane held back by the processors' backlog waits (delayed, attempts kept) before it looks again: 1 s,
 * doubling while the backlog stays full (processors stopped), up to 15 s.
 */
const BACKLOG_WAIT_MS = 1000;
const BACKLOG_WAIT_MAX_MS = 15_000;

/**
 * The `backfill-range` job: pages of its lane for a turn of LANE_TURN_MS. Each page (messages received in the lane's
 * range, oldest first) is enqueued like a delta page (same seen-set, flow and fair priority), then the lane's position
 * is saved; at the end of the turn the job goes back to the queue, behind the other mailboxes' syncs and lanes: a big
 * mailbox's backfill takes turns and never holds the sync slots for long. Pages follow receivedDateTime, not `$skip` offsets, so a message deleted or
 * arriving meanwhile shifts nothing; `$skip` only steps over a run of messages received in the same instant.
 * Killed at any point, the job runs again from the saved position: the page is read again and enqueues nothing twice.
 * Before each page the lane looks at the processors' backlog: from BACKFILL_BACKLOG_MAX e-mails waiting on, it waits
 * (the job delayed) instead of reading, so the rest of a big backfill stays in the mailbox, not in Redis.
 */
export function backfillRangeHandler(deps: SyncDeps): JobHandler<'backfill-range'> {
  const store = new BackfillStore(deps.redis, deps.keyPrefix);
  return async (job, { logger }) => {
    const { sessionId, mailboxId, folder, planId, lane, lanes, to } = job.data;
    const idle = { pages: 0, messages: 0, done: false };
    // Before the lock and the lane's state: a lane held back for long costs one count per look.
    await holdWhileBacklogFull(deps, job);
    const lockKey = `${deps.keyPrefix}:backfill-lock:${mailboxId.toLowerCase()}:${folder}:${planId}:${lane}`;
    const lock = await tryLock(deps.redis, lockKey, LOCK_TTL_MS);
    if (!lock) throw new ThrottledError(`lane ${lane} of ${mailboxId}/${folder} is being read`, 2000);
    const heartbeat = setInterval(() => void lock.extend(LOCK_TTL_MS).catch(() => undefined), LOCK_TTL_MS / 3);
    heartbeat.unref();
    try {
      const session = await deps.sessions.current();
      if (!session || session.sessionId !== sessionId) {
        logger.info('session ended; the lane stops here and resumes with the next session');
        return idle;
      }
      const plan = await store.plan(mailboxId, folder);
      if (!plan || plan.planId !== planId) {
        logger.info('backfill plan replaced (the folder is read again); this lane stops', { planId });
        return { ...idle, done: true };
      }
      const state: LaneState = (await store.lane(mailboxId, folder, planId, lane)) ?? {
        from: job.data.from,
        skip: 0,
        tail: [],
        pages: 0,
        done: false,
      };
      if (state.done) return { ...idle, done: true };
      const { rules } = deps;
      const caller = { mailboxId, sessionId };
      if (rules && !rules.watches(mailboxId, folder)) return idle;
      const folderId = rules ? await deps.folders.resolve(caller, folder) : folder;
      if (folderId === null) return idle;
      const maxPageSize = deps.config.graph.deltaPageSize;
      const filter = rules ? rulesStoreFilter(rules, mailboxId, folder) : undefined;
      const turnEnds = Date.now() + LANE_TURN_MS;
      let current = state;
      let messages = 0;
      for (let pages = 1; ; pages++) {
        if (pages > 1) await holdWhileBacklogFull(deps, job);
        const pageSize = Math.min(maxPageSize, (await deps.cursors.pageSize(mailboxId, folder)) ?? maxPageSize);
        let page;
        try {
          page = await deps.graph.rangePage(
            caller,
            folderId,
            { from: current.from, to, skip: current.skip },
            pageSize,
            deps.attachments,
            filter,
          );
        } catch (err) {
          if (err instanceof RetryableError) {
            await deps.cursors.savePageSize(mailboxId, folder, Math.max(1, Math.floor(pageSize / 2)));
          }
          if (err instanceof GraphRequestError && err.status === 404 && rules) {
            await deps.folders.forget(mailboxId, folder);
            throw new RetryableError(`folder ${folder} of ${mailboxId} is gone (404); resolving its path again`);
          }
          throw err;
        }
        const tail = current.tail;
        const fresh = page.messages.filter((m) => !tail.includes(m.id));
        const { emails } = await enqueuePage(
          deps,
          { sessionId, mailboxId, folder },
          { ...page, messages: fresh },
          // Ranks interleave the lanes, so the mailbox's pages reach the processors in the order one chain would give.
          { roundId: planId, rank: current.pages * lanes + lane + 1, link: laneLink(planId, lane, current) },
          logger,
        );
        messages += emails.length;
        current = nextLaneState(current, page.messages, page.nextLink !== null);
        await store.saveLane(mailboxId, folder, planId, lane, current);
        await deps.cursors.savePageSize(
          mailboxId,
          folder,
          nextPageSize(pageSize, page.bytes, page.messages.length, deps.config.graph.deltaPageMaxBytes, maxPageSize),
        );
        if (current.done) {
          logger.info('backfill lane done', { folder, lane, pages: current.pages });
          return { pages, messages, done: true };
        }
        // The turn is over: back to the queue, behind the other mailboxes' syncs and lanes.
        if (Date.now() >= turnEnds) throw new HandBackError(`lane ${lane}: next page from ${current.from}`);
        const still = await deps.sessions.current();
        if (!still || still.sessionId !== sessionId) return { pages, messages, done: false };
      }
    } finally {
      clearInterval(heartbeat);
      await lock.release().catch(() => undefined);
    }
  };
}

/**
 * Throws ThrottledError (the job waits, attempts kept) while BACKFILL_BACKLOG_MAX e-mails or more wait for a
 * processor; the wait doubles with each turn the lane is held in a row.
 */
async function holdWhileBacklogFull(deps: SyncDeps, job: TypedJob<'backfill-range'>): Promise<void> {
  const max = deps.config.graph.backfillBacklogMax;
  if (max <= 0) return;
  const backlog = await inboundBacklog(deps.producer);
  const held = job.data.heldTurns ?? 0;
  if (backlog < max) {
    if (held > 0) await job.updateData({ ...job.data, heldTurns: 0 });
    return;
  }
  await job.updateData({ ...job.data, heldTurns: held + 1 });
  const waitMs = Math.min(BACKLOG_WAIT_MAX_MS, BACKLOG_WAIT_MS * 2 ** Math.min(held, 10));
  throw new ThrottledError(`lane ${job.data.lane}: ${backlog} e-mails wait for a processor`, waitMs);
}

/** Names a lane's page by where it was read from: the same page read again gets the same flow and counts once. */
function laneLink(planId: string, lane: number, state: LaneState): string {
  return `lane:${planId}:${lane}:${state.from}:${state.skip}`;
}

/**
 * Where the lane reads next, after a page (in receivedDateTime order) of `messages`. The next page starts at the last
 * message's receivedDateTime (`ge`), so messages of that same instant not yet read are not lost; those already read
 * are remembered to be dropped. A page entirely of one instant moves on with `$skip`.
 */
export function nextLaneState(state: LaneState, messages: DeltaMessage[], more: boolean): LaneState {
  const pages = state.pages + 1;
  const last = messages.at(-1)?.receivedDateTime;
  if (!more || !last) return { ...state, pages, done: true };
  const lastAt = Date.parse(last);
  if (lastAt > Date.parse(state.from)) {
    const tail = messages.filter((m) => Date.parse(m.receivedDateTime ?? '') === lastAt).map((m) => m.id);
    return { from: last, skip: 0, tail, pages, done: false };
  }
  return { from: state.from, skip: state.skip + messages.length, tail: [], pages, done: false };
}
