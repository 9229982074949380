import { createHash } from 'node:crypto';
import type { RedisConnection } from './connection';

/**
 * A Lua script sent by its SHA1 (EVALSHA), its body only when Redis does not have it yet (NOSCRIPT: first use, or
 * after a restart flushed the script cache). EVAL would send and hash the whole body on every call, and these
 * scripts run several times per e-mail.
 */
export class LuaScript {
  private readonly sha: string;

  constructor(readonly body: string) {
    this.sha = createHash('sha1').update(body).digest('hex');
  }

  async run(redis: RedisConnection, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.body, keys.length, ...keys, ...args);
    }
  }
}
