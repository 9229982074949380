import type { RedisConnection } from '@ms1/shared';

/** How a folder's first sync was split: the lanes' receivedDateTime ranges, and where the delta chain starts. */
export interface BackfillPlan {
  planId: string;
  /** The delta chain's `receivedDateTime ge` (ISO-8601): a little before the last lane's end, so they overlap. */
  since: string;
  /** Lane i reads [ranges[i].from, ranges[i].to); consecutive ranges meet exactly. */
  ranges: { from: string; to: string }[];
}

/**
 * Where a lane stands: the next request asks for `receivedDateTime ge from` with `$skip=skip`; `tail` are the ids
 * of the previous page received at `from` (asked again, since `ge`, and dropped). `pages` read so far.
 */
export interface LaneState {
  from: string;
  skip: number;
  tail: string[];
  pages: number;
  done: boolean;
}

/**
 * Backfill plans per mailbox folder and each lane's progress, in Redis. No TTL: a plan left half done (a session
 * stopped mid-backfill) is resumed by the next session's first round, however late; a folder's plan is replaced
 * only when its delta cursor expires and the folder is read again from scratch.
 */
export class BackfillStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keyPrefix: string,
  ) {}

  private planKey(mailbox: string, folder: string): string {
    return `${this.keyPrefix}:backfill:${mailbox.toLowerCase()}:${folder}`;
  }
  private laneKey(mailbox: string, folder: string, planId: string, lane: number): string {
    return `${this.keyPrefix}:backfill-lane:${mailbox.toLowerCase()}:${folder}:${planId}:${lane}`;
  }

  async plan(mailbox: string, folder: string): Promise<BackfillPlan | null> {
    const raw = await this.redis.get(this.planKey(mailbox, folder));
    return raw === null ? null : (JSON.parse(raw) as BackfillPlan);
  }

  /** Stores the plan unless the folder has one already; answers the plan in force. */
  async createPlan(mailbox: string, folder: string, plan: BackfillPlan): Promise<BackfillPlan> {
    const set = await this.redis.set(this.planKey(mailbox, folder), JSON.stringify(plan), 'NX');
    return set === 'OK' ? plan : ((await this.plan(mailbox, folder)) ?? plan);
  }

  async lane(mailbox: string, folder: string, planId: string, lane: number): Promise<LaneState | null> {
    const raw = await this.redis.get(this.laneKey(mailbox, folder, planId, lane));
    return raw === null ? null : (JSON.parse(raw) as LaneState);
  }

  async saveLane(mailbox: string, folder: string, planId: string, lane: number, state: LaneState): Promise<void> {
    await this.redis.set(this.laneKey(mailbox, folder, planId, lane), JSON.stringify(state));
  }

  /** Which lanes of the plan are done, in lane order. */
  async lanesDone(mailbox: string, folder: string, plan: BackfillPlan): Promise<boolean[]> {
    const keys = plan.ranges.map((_, i) => this.laneKey(mailbox, folder, plan.planId, i));
    const raws = await this.redis.mget(...keys);
    return raws.map((raw) => raw !== null && (JSON.parse(raw) as LaneState).done);
  }

  /** Drops the folder's plan and its lanes' progress (a lane of a plan no longer in force stops at its next turn). */
  async forget(mailbox: string, folder: string): Promise<void> {
    const plan = await this.plan(mailbox, folder);
    const keys = [this.planKey(mailbox, folder)];
    if (plan) keys.push(...plan.ranges.map((_, i) => this.laneKey(mailbox, folder, plan.planId, i)));
    await this.redis.del(...keys);
  }
}
