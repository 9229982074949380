/**
 * Time buckets that make a "have I seen this?" set bounded: members are added to the bucket of the current time, a
 * lookup reads the current bucket and enough earlier ones to cover `keepSeconds`, and each bucket key expires once no
 * lookup can read it any more. A member is remembered for at least `keepSeconds` and at most about `keepSeconds`
 * plus two buckets; memory holds what arrived in that window, however long the process runs.
 */
export class RollingBuckets {
  readonly bucketSeconds: number;
  private readonly lookback: number;

  constructor(
    readonly keepSeconds: number,
    buckets: number,
    private readonly now: () => number = Date.now,
  ) {
    this.bucketSeconds = Math.max(1, Math.ceil(keepSeconds / Math.max(1, buckets)));
    this.lookback = Math.ceil(keepSeconds / this.bucketSeconds);
  }

  /** The bucket a member added now goes to. */
  current(): number {
    return Math.floor(this.now() / 1000 / this.bucketSeconds);
  }

  /** The buckets a lookup reads, newest first: the current one and those still inside the window. */
  readable(): number[] {
    const c = this.current();
    return Array.from({ length: this.lookback + 1 }, (_, i) => c - i);
  }

  /** Expiry of a bucket key, set when it is written: it outlives the last lookup that reads it (one bucket spare for clock skew between hosts). */
  ttlSeconds(): number {
    return (this.lookback + 2) * this.bucketSeconds;
  }
}
