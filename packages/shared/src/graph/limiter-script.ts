// The per-mailbox Graph limiter as one atomic Lua script, so every process (apps and replicas) shares it.
// KEYS[1] in-flight leases (ZSET member=lease id, score=lease expiry ms)
// KEYS[2] request log of the sliding window (ZSET member=unique id, score=time ms)
// KEYS[3] shared pause after a 429 (string with PX)
// ARGV: leaseId, maxConcurrent, maxPerWindow, windowMs, leaseTtlMs, weight (requests counted in the window),
//       slots (concurrent requests held: a $batch runs up to 4 of its requests at once)
// Returns {1, 0} when granted, or {0, waitMs, reasonCode} (1 paused, 2 concurrency, 3 window).
import { LuaScript } from '../redis/lua-script';

export const ACQUIRE_SCRIPT = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local pause = redis.call('PTTL', KEYS[3])
if pause > 0 then return {0, pause, 1} end
local maxConcurrent = tonumber(ARGV[2])
local maxPerWindow = tonumber(ARGV[3])
local windowMs = tonumber(ARGV[4])
local leaseTtl = tonumber(ARGV[5])
local weight = tonumber(ARGV[6])
local slots = tonumber(ARGV[7])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) + slots > maxConcurrent then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local wait = 20
  if first[2] then wait = math.max(5, math.min(200, tonumber(first[2]) - now)) end
  return {0, wait, 2}
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - windowMs)
local used = redis.call('ZCARD', KEYS[2])
if used + weight > maxPerWindow then
  local oldest = redis.call('ZRANGE', KEYS[2], math.max(0, used + weight - maxPerWindow - 1), math.max(0, used + weight - maxPerWindow - 1), 'WITHSCORES')
  local at = now
  if oldest[2] then at = tonumber(oldest[2]) end
  return {0, math.max(1, at + windowMs - now), 3}
end
for i = 1, slots do redis.call('ZADD', KEYS[1], now + leaseTtl, ARGV[1] .. ':' .. i) end
for i = 1, weight do redis.call('ZADD', KEYS[2], now, ARGV[1] .. ':' .. i) end
redis.call('PEXPIRE', KEYS[1], leaseTtl * 2)
redis.call('PEXPIRE', KEYS[2], windowMs + 1000)
return {1, 0, 0}
`);

// KEYS[1] in-flight leases; ARGV: leaseTtlMs, then the lease's members. Pushes back the expiry of leases still held
// (a long response body keeps its slot while it is read); a lease already expired is not brought back.
export const RENEW_SCRIPT = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local renewed = 0
for i = 2, #ARGV do
  if redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[i]) == 1 then renewed = renewed + 1 end
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
return renewed
`);
