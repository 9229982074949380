import type { RedisConnection } from '@ms1/shared';

export interface StoredSubscription {
  id: string;
  sessionId: string;
  mailboxId: string;
  folder: string;
  expirationDateTime: string;
}

/** Our Graph subscriptions, by id (a notification names its subscription), in one Redis hash. */
export class SubscriptionStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keyPrefix: string,
  ) {}

  private get key(): string {
    return `${this.keyPrefix}:subscriptions`;
  }

  async get(id: string): Promise<StoredSubscription | null> {
    const raw = await this.redis.hget(this.key, id);
    return raw ? (JSON.parse(raw) as StoredSubscription) : null;
  }

  async all(): Promise<StoredSubscription[]> {
    const raw = await this.redis.hvals(this.key);
    return raw.map((r) => JSON.parse(r) as StoredSubscription);
  }

  async put(sub: StoredSubscription): Promise<void> {
    await this.redis.hset(this.key, sub.id, JSON.stringify(sub));
  }

  async remove(id: string): Promise<void> {
    await this.redis.hdel(this.key, id);
  }
}
