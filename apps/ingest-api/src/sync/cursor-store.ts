import { createHash } from 'node:crypto';
import { RollingBuckets, type RedisConnection } from '@ms1/shared';

/** Daily buckets with the default 30-day window. */
const SEEN_BUCKETS = 30;
const DEFAULT_SEEN_KEEP_S = 30 * 24 * 3600;
/** A learned page size is relearned after a month without a round. */
const PAGE_SIZE_TTL_S = 30 * 24 * 3600;

export interface CursorStoreOptions {
  /** How long a message id stays seen (SEEN_KEEP_SECONDS). */
  seenKeepSeconds?: number;
  /** The clock of the seen buckets (tests move it). */
  now?: () => number;
}

/**
 * Per mailbox and folder: the delta cursor (nextLink while a round is under way, deltaLink between rounds) and the
 * page size learned from the pages' weight; per mailbox: the messages already enqueued. The seen-set makes replays,
 * updates, full resyncs (after an expired cursor) and moves between watched folders enqueue nothing twice; it holds
 * 16-byte digests, not Graph's long ids, in rolling daily buckets that expire, so it holds what arrived within
 * `seenKeepSeconds` and no more.
 */
export class CursorStore {
  private readonly seen: RollingBuckets;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keyPrefix: string,
    options: CursorStoreOptions = {},
  ) {
    this.seen = new RollingBuckets(options.seenKeepSeconds ?? DEFAULT_SEEN_KEEP_S, SEEN_BUCKETS, options.now);
  }

  private cursorKey(mailbox: string, folder: string): string {
    return `${this.keyPrefix}:delta:${mailbox.toLowerCase()}:${folder}`;
  }
  private pageSizeKey(mailbox: string, folder: string): string {
    return `${this.keyPrefix}:delta-page-size:${mailbox.toLowerCase()}:${folder}`;
  }
  /**
   * The seen-set is the mailbox's, not a folder's: ids are immutable, so a message moved into another watched folder
   * (by an after-action or a user) is known there too and is never processed twice.
   */
  private seenKey(mailbox: string, bucket: number): string {
    return `${this.keyPrefix}:seen-mailbox:${mailbox.toLowerCase()}:${bucket}`;
  }
  /** Earlier versions kept a seen-set per folder (buckets, and before them one set): still read until they expire. */
  private folderSeenKeys(mailbox: string, folder: string): string[] {
    const base = `${this.keyPrefix}:seen:${mailbox.toLowerCase()}:${folder}`;
    return [...this.seen.readable().map((b) => `${base}:${b}`), base];
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

  /** The page size the last pages of this folder settled on, or null when none was learned. */
  async pageSize(mailbox: string, folder: string): Promise<number | null> {
    const raw = await this.redis.get(this.pageSizeKey(mailbox, folder));
    const n = raw === null ? NaN : Number(raw);
    return Number.isInteger(n) && n >= 1 ? n : null;
  }

  async savePageSize(mailbox: string, folder: string, size: number): Promise<void> {
    await this.redis.set(this.pageSizeKey(mailbox, folder), String(size), 'EX', PAGE_SIZE_TTL_S);
  }

  /** Which of these message ids were not enqueued from any folder of the mailbox within the seen window (order kept). */
  async unseen(mailbox: string, folder: string, messageIds: string[]): Promise<string[]> {
    if (messageIds.length === 0) return [];
    const digests = messageIds.map(digest);
    const keys = [
      ...this.seen.readable().map((b) => this.seenKey(mailbox, b)),
      ...this.folderSeenKeys(mailbox, folder),
    ];
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.smismember(key, ...digests);
    const replies = (await pipeline.exec()) ?? [];
    const seen = new Array<boolean>(messageIds.length).fill(false);
    for (const [err, flags] of replies) {
      if (err) throw err;
      (flags as number[]).forEach((f, i) => {
        if (f === 1) seen[i] = true;
      });
    }
    return messageIds.filter((_, i) => !seen[i]);
  }

  async markSeen(mailbox: string, messageIds: string[]): Promise<void> {
    if (messageIds.length === 0) return;
    const key = this.seenKey(mailbox, this.seen.current());
    await this.redis
      .multi()
      .sadd(key, ...messageIds.map(digest))
      .expire(key, this.seen.ttlSeconds())
      .exec();
  }
}

function digest(messageId: string): string {
  return createHash('sha256').update(messageId).digest().subarray(0, 16).toString('base64');
}
