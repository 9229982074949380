import { randomUUID } from 'node:crypto';
import type { RedisConnection } from '../redis/connection';
import { RollingBuckets } from '../redis/rolling-buckets';
import { COUNTERS, type CounterName, type Session, type SessionCounters, type SessionSettings } from './types';
import { LuaScript } from '../redis/lua-script';
import { shortDigest } from '../redis/short-digest';

// KEYS: current, history. ARGV: expected session id, archived snapshot (JSON), history limit.
// Archives only the session that is still current, so two concurrent stops archive it once.
const STOP_SCRIPT = new LuaScript(`
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
local ok, s = pcall(cjson.decode, cur)
if not ok or s.sessionId ~= ARGV[1] then return 0 end
redis.call('LPUSH', KEYS[2], ARGV[2])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
redis.call('DEL', KEYS[1])
return 1
`);

const COUNTER_TTL_AFTER_STOP_S = 30 * 24 * 3600;

// KEYS: counters hash, then the counted-event buckets newest first. ARGV: the event's digest, the event id itself,
// bucket ttl (s), then name/amount pairs. Adds the amounts only the first time an event is seen within the window,
// so a job re-run after a crash is not counted twice; the digest goes to the newest bucket, which expires on its own.
// Versions before digests stored the event id itself: it is looked for too. That check can go once this version has
// run for COUNTED_EVENTS_KEEP_SECONDS, when the last buckets of plain ids have expired.
const INCR_ONCE_SCRIPT = new LuaScript(`
for i = 2, #KEYS do
  if redis.call('SISMEMBER', KEYS[i], ARGV[1]) == 1 then return 0 end
  if redis.call('SISMEMBER', KEYS[i], ARGV[2]) == 1 then return 0 end
end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
for i = 4, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
`);

// KEYS: counters hash. ARGV: name/amount pairs. One command where a MULTI would do: every pipeline on a connection
// BullMQ uses copies BullMQ's scripts first.
const INCR_SCRIPT = new LuaScript(`
for i = 1, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
`);

/** Daily buckets with the default week-long window. */
const COUNTED_BUCKETS = 7;
const DEFAULT_COUNTED_KEEP_S = 7 * 24 * 3600;

export interface SessionStoreOptions {
  /** A re-run of counted work within this window counts nothing more (COUNTED_EVENTS_KEEP_SECONDS). */
  countedKeepSeconds?: number;
  /** The clock of the counted-event buckets (tests move it). */
  now?: () => number;
}

type StoredSession = Omit<Session, 'counters'>;

export class SessionActiveError extends Error {
  override name = 'SessionActiveError';
  constructor(readonly session: Session) {
    super(`a session is already active (${session.sessionId})`);
  }
}

/**
 * The one session store (the old service had two): the current session as a JSON string, its counters in a
 * hash updated with HINCRBY by every app, and a capped history list of archived sessions.
 */
export class SessionStore {
  private readonly counted: RollingBuckets;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keyPrefix: string,
    private readonly historyLimit = 50,
    options: SessionStoreOptions = {},
  ) {
    this.counted = new RollingBuckets(
      options.countedKeepSeconds ?? DEFAULT_COUNTED_KEEP_S,
      COUNTED_BUCKETS,
      options.now ?? Date.now,
    );
  }

  private get currentKey(): string {
    return `${this.keyPrefix}:session:current`;
  }
  private get historyKey(): string {
    return `${this.keyPrefix}:session:history`;
  }
  private countersKey(sessionId: string): string {
    return `${this.keyPrefix}:session:${sessionId}:counters`;
  }
  /** The unbounded set of versions before the rolling buckets; it still gets its expiry when the session stops. */
  private legacyCountedKey(sessionId: string): string {
    return `${this.keyPrefix}:session:${sessionId}:counted`;
  }
  private countedKey(sessionId: string, bucket: number): string {
    return `${this.keyPrefix}:session:${sessionId}:counted:${bucket}`;
  }

  /** Starts a session; throws SessionActiveError when one is active (SET NX makes it atomic). */
  async start(settings: SessionSettings, now = new Date()): Promise<Session> {
    const stored: StoredSession = {
      sessionId: randomUUID(),
      status: 'active',
      startedAt: now.toISOString(),
      stoppedAt: null,
      stopReason: null,
      settings,
    };
    const ok = await this.redis.set(this.currentKey, JSON.stringify(stored), 'NX');
    if (ok !== 'OK') {
      const current = await this.current();
      if (current) throw new SessionActiveError(current);
      return this.start(settings, now); // it stopped in between
    }
    return { ...stored, counters: emptyCounters() };
  }

  async current(): Promise<Session | null> {
    const raw = await this.redis.get(this.currentKey);
    if (!raw) return null;
    const stored = JSON.parse(raw) as StoredSession;
    return { ...stored, counters: await this.counters(stored.sessionId) };
  }

  /** Stops and archives the current session; null when none is active. */
  async stop(reason: string, now = new Date()): Promise<Session | null> {
    const current = await this.current();
    if (!current) return null;
    const final: Session = { ...current, status: 'stopped', stoppedAt: now.toISOString(), stopReason: reason };
    const archived = (await STOP_SCRIPT.run(
      this.redis,
      [this.currentKey, this.historyKey],
      [current.sessionId, JSON.stringify(final), this.historyLimit],
    )) as number;
    if (archived !== 1) return null;
    await this.redis
      .multi()
      .expire(this.countersKey(current.sessionId), COUNTER_TTL_AFTER_STOP_S)
      .expire(this.legacyCountedKey(current.sessionId), COUNTER_TTL_AFTER_STOP_S)
      .exec();
    return final;
  }

  async history(limit = this.historyLimit): Promise<Session[]> {
    const rows = await this.redis.lrange(this.historyKey, 0, limit - 1);
    return rows.map((r) => JSON.parse(r) as Session);
  }

  async incr(sessionId: string, deltas: Partial<Record<CounterName, number>>): Promise<void> {
    const entries = Object.entries(deltas).filter(([, v]) => v);
    if (entries.length === 0) return;
    const args = entries.flatMap(([name, by]) => [name, String(by)]);
    await INCR_SCRIPT.run(this.redis, [this.countersKey(sessionId)], args);
  }

  /**
   * Like `incr`, but once per `eventId` (a job id, an invoiceKey): re-running the work that counted, after a crash
   * or a stall, counts nothing more. Returns false when the event was already counted. Events are remembered as
   * their `shortDigest` (the buckets were a quarter of Redis at 100,000 e-mails, with ids naming a mailbox and a
   * Graph message id) in rolling buckets for `countedKeepSeconds` (a week by default), so a session that runs for a
   * year stays small; a re-run later than that counts again.
   */
  async incrOnce(sessionId: string, eventId: string, deltas: Partial<Record<CounterName, number>>): Promise<boolean> {
    const args = Object.entries(deltas)
      .filter(([, v]) => v)
      .flatMap(([name, by]) => [name, String(by)]);
    if (args.length === 0) return false;
    const buckets = this.counted.readable().map((b) => this.countedKey(sessionId, b));
    const done = (await INCR_ONCE_SCRIPT.run(
      this.redis,
      [this.countersKey(sessionId), ...buckets],
      [shortDigest(eventId), eventId, this.counted.ttlSeconds(), ...args],
    )) as number;
    return done === 1;
  }

  async counters(sessionId: string): Promise<SessionCounters> {
    const raw = await this.redis.hgetall(this.countersKey(sessionId));
    const out = emptyCounters();
    for (const name of COUNTERS) out[name] = Number(raw[name] ?? 0);
    return out;
  }

  /** Deletes the current session without archiving it (CLI `session clear`). */
  async clear(): Promise<boolean> {
    return (await this.redis.del(this.currentKey)) === 1;
  }

  /** Deletes the current session and the history (CLI `session reset`). */
  async reset(): Promise<void> {
    await this.redis.del(this.currentKey, this.historyKey);
  }
}

function emptyCounters(): SessionCounters {
  return Object.fromEntries(COUNTERS.map((c) => [c, 0])) as SessionCounters;
}
