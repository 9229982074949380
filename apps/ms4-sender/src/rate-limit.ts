import { LuaScript, type RedisConnection } from '@ms1/shared';
import { sleep } from './wait';

// MS4_MAX_REQUESTS_PER_SECOND shared by every replica: a token bucket in one Redis hash, taken atomically by a
// Lua script on Redis's own clock (replicas' clocks may differ). The same script first honours the shared pause
// key (a 429's Retry-After), so that a token is never handed out while MS4 asked everybody to wait.

const TAKE = new LuaScript(`
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {0, paused, 1} end
local rate = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil or ts == nil then tokens = cap; ts = now end
if now > ts then tokens = math.min(cap, tokens + (now - ts) * rate / 1000) end
local wait = 0
local got = 0
if tokens >= 1 then
  tokens = tokens - 1
  got = 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap * 1000 / rate) + 1000)
return {got, wait, 0, now}`);

export interface RateLimiterOptions {
  /** Requests per second for all replicas together (may be fractional). */
  ratePerSecond: number;
  /** Requests that may go out at once after a quiet spell; default a quarter of a second's worth (at least 1). */
  burst?: number;
  bucketKey: string;
  pauseKey: string;
}

/** A token (with the instant Redis granted it, epoch ms on Redis's clock), or how long to wait. */
export type TakeResult = { ok: true; grantedAt: number } | { ok: false; waitMs: number; paused: boolean };

export function defaultBurst(ratePerSecond: number): number {
  return Math.max(1, Math.ceil(ratePerSecond / 4));
}

export class RateLimiter {
  private readonly burst: number;

  constructor(
    private readonly redis: RedisConnection,
    private readonly opts: RateLimiterOptions,
  ) {
    this.burst = opts.burst ?? defaultBurst(opts.ratePerSecond);
  }

  /** One attempt: a token, or how long to wait (the pause's remainder when `paused`). */
  async tryTake(): Promise<TakeResult> {
    const r = (await TAKE.run(
      this.redis,
      [this.opts.bucketKey, this.opts.pauseKey],
      [String(this.opts.ratePerSecond), String(this.burst)],
    )) as unknown[];
    const [got, wait, paused, now] = r.map(Number);
    if (got === 1) return { ok: true, grantedAt: now ?? 0 };
    return { ok: false, waitMs: Math.max(1, wait ?? 1), paused: paused === 1 };
  }

  /**
   * Waits for a token (and for the end of a shared pause); answers when Redis granted it (epoch ms, Redis's clock).
   * `onWait` sees each wait, for logging.
   */
  async take(signal?: AbortSignal, onWait?: (r: Extract<TakeResult, { ok: false }>) => void): Promise<number> {
    for (;;) {
      const r = await this.tryTake();
      if (r.ok) return r.grantedAt;
      onWait?.(r);
      // A little jitter keeps replicas that wait for the same instant from colliding on it.
      await sleep(r.waitMs + Math.floor(Math.random() * 5), signal);
    }
  }
}
