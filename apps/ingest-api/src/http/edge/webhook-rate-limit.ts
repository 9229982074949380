import { createHash } from 'node:crypto';
import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import { RedisStore, type RedisReply, type SendCommandFn } from 'rate-limit-redis';
import { HttpError, type RedisConnection } from '@ms1/shared';

/**
 * The webhook path's rate limit (express-rate-limit): `max` requests per window and client address, counted in
 * Redis (rate-limit-redis) so that every replica shares one budget. Above it: 429 with `Retry-After`. While Redis
 * is away the counter cannot be read and the error middleware answers 503, as for every Redis-bound request.
 */
export function webhookRateLimit(opts: {
  connection: RedisConnection;
  keyPrefix: string;
  max: number;
  windowMs: number;
}): RequestHandler {
  return rateLimit({
    windowMs: opts.windowMs,
    limit: opts.max,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    passOnStoreError: false,
    store: new RedisStore({ prefix: `${opts.keyPrefix}:rate-limit:webhooks:`, sendCommand: evalOnly(opts.connection) }),
    handler: (_req, _res, next) => {
      next(new HttpError(429, `more than ${opts.max} webhook requests in ${opts.windowMs / 1000} s from this address`));
    },
  });
}

/**
 * rate-limit-redis loads its Lua scripts with SCRIPT LOAD once, at start-up, and keeps the promise: started while
 * Redis is away it would fail for good. Here scripts never need loading: SCRIPT LOAD is answered locally with
 * the script kept by its SHA-1, and EVALSHA is sent as EVAL (Redis caches the compiled script itself). On a
 * Cluster the EVAL routes by its key, which carries the deployment's hash tag.
 */
function evalOnly(connection: RedisConnection): SendCommandFn {
  const scripts = new Map<string, string>();
  return async (command, ...args) => {
    const name = command.toUpperCase();
    if (name === 'SCRIPT' && args[0]?.toUpperCase() === 'LOAD' && args[1] !== undefined) {
      const sha = createHash('sha1').update(args[1]).digest('hex');
      scripts.set(sha, args[1]);
      return sha;
    }
    if (name === 'EVALSHA') {
      const [sha = '', ...rest] = args;
      const script = scripts.get(sha);
      if (script === undefined) throw new Error(`rate limit script ${sha} unknown`);
      return redisReply(await connection.call('EVAL', script, ...rest));
    }
    return redisReply(await connection.call(command, ...args));
  };
}

function redisReply(reply: unknown): RedisReply {
  const isData = (v: unknown): v is boolean | number | string =>
    typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string';
  if (isData(reply)) return reply;
  if (Array.isArray(reply)) return reply.map((v) => (isData(v) ? v : v === null ? false : String(v)));
  if (reply === null) return false;
  throw new Error('unexpected reply from Redis to the rate limiter');
}
