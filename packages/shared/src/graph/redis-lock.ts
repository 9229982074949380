import { randomBytes } from 'node:crypto';
import type { RedisConnection } from '../redis/connection';
import { LuaScript } from '../redis/lua-script';

const RELEASE = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`,
);
const EXTEND = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`,
);

export interface HeldLock {
  release(): Promise<void>;
  /** Keeps the lock alive; returns false when it was lost (expired and taken by another holder). */
  extend(ttlMs: number): Promise<boolean>;
}

/** A single-Redis lock (SET NX PX with an owner token); enough for "one at a time" within one Redis. */
export async function tryLock(redis: RedisConnection, key: string, ttlMs: number): Promise<HeldLock | null> {
  const token = randomBytes(12).toString('hex');
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return null;
  return {
    release: async () => {
      await RELEASE.run(redis, [key], [token]);
    },
    extend: async (ms: number) => (await EXTEND.run(redis, [key], [token, ms])) === 1,
  };
}

/** Waits (polling) up to `waitMs` for the lock; null when it could not be had in time. */
export async function lock(
  redis: RedisConnection,
  key: string,
  ttlMs: number,
  waitMs: number,
): Promise<HeldLock | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const held = await tryLock(redis, key, ttlMs);
    if (held || Date.now() >= deadline) return held;
    await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 50)));
  }
}
