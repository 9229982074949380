import { createHash } from 'node:crypto';
import type { RedisConnection } from '@ms1/shared';

const SEEN_TTL_S = 30 * 24 * 3600;

/**
 * Per mailbox and folder: the delta cursor (nextLink while a round is under way, deltaLink between rounds) and
 * the set of messages already enqueued. The set makes replays, updates and full resyncs (after an expired
 * cursor) enqueue nothing twice; it holds 16-byte digests, not Graph's long ids, to stay small.
 */
export class CursorStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keyPrefix: string,
  ) {}

  private cursorKey(mailbox: string, folder: string): string {
    return `${this.keyPrefix}:delta:${mailbox.toLowerCase()}:${folder}`;
  }
  private seenKey(mailbox: string, folder: string): string {
    return `${this.keyPrefix}:seen:${mailbox.toLowerCase()}:${folder}`;
  }

  async cursor(mailbox: string, folder: string): Promise<string | null> {
    return this.redis.get(this.cursorKey(mailbox, folder));
  }

  async saveCursor(mailbox: string, folder: string, link: string): Promise<void> {
    await this.redis.set(this.cursorKey(mailbox, folder), link);
  }

  async clearCursor(mailbox: string, folder: string): Promise<void> {
    await this.redis.del(this.cursorKey(mailbox, folder));
  }

  /** Which of these message ids were not enqueued before (order kept). */
  async unseen(mailbox: string, folder: string, messageIds: string[]): Promise<string[]> {
    if (messageIds.length === 0) return [];
    const flags = (await this.redis.smismember(this.seenKey(mailbox, folder), ...messageIds.map(digest))) as number[];
    return messageIds.filter((_, i) => flags[i] !== 1);
  }

  async markSeen(mailbox: string, folder: string, messageIds: string[]): Promise<void> {
    if (messageIds.length === 0) return;
    const key = this.seenKey(mailbox, folder);
    await this.redis
      .multi()
      .sadd(key, ...messageIds.map(digest))
      .expire(key, SEEN_TTL_S)
      .exec();
  }
}

function digest(messageId: string): string {
  return createHash('sha256').update(messageId).digest().subarray(0, 16).toString('base64');
}
