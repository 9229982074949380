import type { Redis } from 'ioredis';

export interface SavedLane {
  done: boolean;
  pages: number;
}

/** The saved positions of a mailbox's backfill lanes under a queue prefix (one key per lane, in no set order). */
export async function laneStates(redis: Redis, prefix: string, mailbox: string): Promise<SavedLane[]> {
  const keys = await redis.keys(`{${prefix}}:backfill-lane:${mailbox}:*`);
  const states = keys.length ? await redis.mget(...keys) : [];
  return states.map((s) => JSON.parse(s ?? '{}') as SavedLane);
}
