import type { RedisConnection } from '@ms1/shared';

// A pause shared by every replica: after a 429 one key holds "do not send before" as its time to live. The rate
// limiter's script reads it before handing out a token, so no replica sends while it exists.

/** Sets the pause to at least `ms` from now; never shortens a longer pause already in place. */
const EXTEND = `
local left = redis.call('PTTL', KEYS[1])
local want = tonumber(ARGV[1])
if left < want then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', want)
  return want
end
return left`;

export class SharedPause {
  constructor(
    private readonly redis: RedisConnection,
    readonly key: string,
  ) {}

  /** Pauses sending for every replica; answers the pause now in force (ms). */
  async pauseFor(ms: number, reason: string): Promise<number> {
    const left = await this.redis.eval(EXTEND, 1, this.key, String(Math.max(1, Math.ceil(ms))), reason);
    return Number(left);
  }

  /** Milliseconds the pause still lasts (0 when there is none). */
  async remainingMs(): Promise<number> {
    return Math.max(0, await this.redis.pttl(this.key));
  }
}
