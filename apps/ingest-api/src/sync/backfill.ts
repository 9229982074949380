import { randomBytes } from 'node:crypto';
import { enqueueBackfillLane, type Logger } from '@ms1/shared';
import { BackfillStore, type BackfillPlan } from './backfill-store';
import type { SyncDeps, SyncTarget } from './sync-mailbox';

/**
 * How far before the lanes' end the delta chain starts. The overlap is read twice and enqueued once (seen-set); it
 * covers a message that shows in the folder a little after its receivedDateTime, and a clock skew between us and
 * Graph.
 */
export const CHAIN_OVERLAP_MS = 10 * 60_000;

/**
 * A folder's first sync, split into lanes. Read as one delta chain, a backlog of thousands of messages keeps one
 * Graph request in flight of the four a mailbox is allowed. So a folder holding at least BACKFILL_MIN_MESSAGES is
 * split by receivedDateTime, from its oldest message to now, into BACKFILL_LANES ranges of about as many messages
 * each (cut at the messages of ranks count/lanes, 2·count/lanes, ...), each read by a
 * `backfill-range` job (list messages, `$filter` on the range, oldest first, attachments expanded), while the
 * delta chain starts at now minus CHAIN_OVERLAP_MS (`$filter=receivedDateTime ge`) and so finds only what is new
 * from then on. The limiter keeps the lanes and the chain together within the mailbox's 4 requests in flight.
 */
export class Backfill {
  private readonly store: BackfillStore;

  constructor(
    private readonly deps: SyncDeps,
    private readonly target: SyncTarget,
    private readonly folderId: string,
    private readonly logger: Logger,
  ) {
    this.store = new BackfillStore(deps.redis, deps.keyPrefix);
  }

  /**
   * Plans the lanes of a first sync and enqueues them; answers where the delta chain starts, or null when the
   * folder is read by the delta chain alone (lanes off, a small or empty folder, nothing older than the overlap).
   * Run again (a crash before the chain's first cursor), it finds the plan it made and enqueues nothing twice.
   */
  async plan(now = Date.now()): Promise<string | null> {
    const { mailboxId, folder, sessionId } = this.target;
    const lanes = this.deps.config.graph.backfillLanes;
    if (lanes <= 1) return null;
    const existing = await this.store.plan(mailboxId, folder);
    if (existing) {
      await this.enqueueLanes(existing);
      return existing.since;
    }
    const caller = { mailboxId, sessionId };
    const count = await this.deps.graph.folderItemCount(caller, this.folderId);
    if (count === 0 || count < this.deps.config.graph.backfillMinMessages) return null;
    const cuts = await Promise.all(
      laneRanks(count, lanes).map((rank) => this.deps.graph.receivedAtRank(caller, this.folderId, rank)),
    );
    const oldest = cuts[0] ?? null;
    const since = now - CHAIN_OVERLAP_MS;
    if (oldest === null || !(Date.parse(oldest) < since)) return null;
    const plan = await this.store.createPlan(mailboxId, folder, {
      planId: randomBytes(6).toString('hex'),
      since: new Date(since).toISOString(),
      ranges: splitAtCuts(oldest, cuts.slice(1), now),
    });
    this.logger.info('first sync split into lanes', { folder, messages: count, lanes, since: plan.since });
    await this.enqueueLanes(plan);
    return plan.since;
  }

  /** Enqueues the lanes of the folder's plan not done yet (a session stopped mid-backfill): one job per lane. */
  async resume(): Promise<void> {
    const plan = await this.store.plan(this.target.mailboxId, this.target.folder);
    if (plan) await this.enqueueLanes(plan);
  }

  /** Forgets the folder's plan, so that the next first sync makes a new one. */
  async forget(): Promise<void> {
    await this.store.forget(this.target.mailboxId, this.target.folder);
  }

  private async enqueueLanes(plan: BackfillPlan): Promise<void> {
    const { sessionId, mailboxId, folder } = this.target;
    const done = await this.store.lanesDone(mailboxId, folder, plan);
    for (const [lane, range] of plan.ranges.entries()) {
      if (done[lane]) continue;
      await enqueueBackfillLane(this.deps.producer, {
        sessionId,
        mailboxId,
        folder,
        planId: plan.planId,
        lane,
        lanes: plan.ranges.length,
        from: range.from,
        to: range.to,
      });
    }
  }
}

/** The ranks (oldest first) at which the lanes start: 0, then every `count / lanes` messages. */
export function laneRanks(count: number, lanes: number): number[] {
  return Array.from({ length: lanes }, (_, lane) => Math.floor((count * lane) / lanes));
}

/**
 * [oldest, end) cut at the receivedDateTime of the messages at the lanes' ranks, so each lane holds about as many
 * messages as the others (equal spans of time would not: mail is rarely spread evenly over time). A cut that Graph
 * did not answer (the folder shrank) moves to `end`, and one past `end` or before the previous cut is clamped, so the
 * bounds stay in order; the first range starts at Graph's own value of the oldest message, the last ends at `end`, and each range
 * ends exactly where the next begins.
 */
export function splitAtCuts(
  oldest: string,
  cuts: readonly (string | null)[],
  end: number,
): { from: string; to: string }[] {
  const bounds = [oldest];
  let previous = Date.parse(oldest);
  for (const cut of cuts) {
    const at = cut === null ? NaN : Date.parse(cut);
    previous = Number.isNaN(at) ? end : Math.min(end, Math.max(previous, at));
    bounds.push(new Date(previous).toISOString());
  }
  bounds.push(new Date(end).toISOString());
  return bounds.slice(0, -1).map((from, i) => ({ from, to: bounds[i + 1] ?? from }));
}
