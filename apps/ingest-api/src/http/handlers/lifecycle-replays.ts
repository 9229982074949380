import type { RedisConnection } from '@ms1/shared';

/**
 * Lifecycle notifications are deduplicated per subscription and event within a time window
 * (WEBHOOK_LIFECYCLE_DEDUP_SECONDS): Graph gives them no id of their own, and a replayed `subscriptionRemoved`
 * used to delete and re-create the subscription once per copy. The first copy claims a Redis key (SET NX PX,
 * atomic across replicas); copies within the window find it taken and cost one Redis command. A genuine repeat
 * after the window is handled again; a removed subscription is re-created under a new id, so its own later
 * events have keys of their own.
 */
export class LifecycleReplays {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keyPrefix: string,
    private readonly windowMs: number,
  ) {}

  private key(subscriptionId: string, event: string): string {
    return `${this.keyPrefix}:webhook-lifecycle:${subscriptionId}:${event}`;
  }

  /** True for the first copy within the window. */
  async claim(subscriptionId: string, event: string): Promise<boolean> {
    return (await this.redis.set(this.key(subscriptionId, event), '1', 'PX', this.windowMs, 'NX')) === 'OK';
  }

  /** Undoes a claim whose work failed, so that Graph's redelivery is handled rather than taken for a replay. */
  async release(subscriptionId: string, event: string): Promise<void> {
    await this.redis.del(this.key(subscriptionId, event));
  }
}
