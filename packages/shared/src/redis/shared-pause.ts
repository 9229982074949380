import type { RedisConnection } from './connection';
import { LuaScript } from './lua-script';

// A pause shared by every process: one key whose time to live is "do not send before". Graph's per-mailbox limiter
// and the MS4 sender's rate limiter read it before handing out a slot, so nobody sends while it exists.

/** KEYS[1] the pause key; ARGV[1] pause ms, ARGV[2] the value kept (why). Extends the pause, never shortens it. */
const EXTEND_PAUSE = new LuaScript(`
local left = redis.call('PTTL', KEYS[1])
local want = tonumber(ARGV[1])
if left < want then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', want)
  return want
end
return left`);

/** Pauses for at least `ms` from now (never shortens a longer pause already in place); answers the pause now in force (ms). */
export async function extendPause(redis: RedisConnection, key: string, ms: number, reason = '1'): Promise<number> {
  return Number(await EXTEND_PAUSE.run(redis, [key], [String(Math.max(1, Math.ceil(ms))), reason]));
}

/** Milliseconds the pause still lasts (0 when there is none). */
export async function pauseLeftMs(redis: RedisConnection, key: string): Promise<number> {
  return Math.max(0, await redis.pttl(key));
}
