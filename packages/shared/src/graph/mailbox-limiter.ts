import { randomBytes } from 'node:crypto';
import { ThrottledError } from '../errors';
import type { RedisConnection } from '../redis/connection';
import { extendPause, pauseLeftMs } from '../redis/shared-pause';
import { ACQUIRE_SCRIPT, RENEW_SCRIPT } from './limiter-script';

export interface LimiterSettings {
  maxConcurrent: number;
  maxPerWindow: number;
  windowMs: number;
  /** A lease left by a crashed process frees itself after this long. */
  leaseTtlMs?: number;
  /** Waits up to this long in-process for a slot; past it, throws ThrottledError so the job is delayed instead. */
  maxInlineWaitMs?: number;
}

export type DenyReason = 'paused' | 'concurrency' | 'window';
const REASONS: Record<number, DenyReason> = { 1: 'paused', 2: 'concurrency', 3: 'window' };

export type AcquireResult =
  { granted: true; leaseId: string; slots: number } | { granted: false; waitMs: number; reason: DenyReason };

/** What one call costs: window requests and concurrent slots (a `$batch` of 20 costs 20 and 4). */
export interface RequestCost {
  weight: number;
  slots: number;
}
const SINGLE: RequestCost = { weight: 1, slots: 1 };

export interface LimiterStats {
  waits: number;
  throttled: number;
}

/**
 * One Redis-backed limiter per mailbox, shared by every process: at most `maxConcurrent` Graph requests in
 * flight and at most `maxPerWindow` per sliding window, plus a shared pause after a 429 (Retry-After).
 */
export class MailboxLimiter {
  private readonly leaseTtlMs: number;
  private readonly maxInlineWaitMs: number;
  readonly stats: LimiterStats = { waits: 0, throttled: 0 };

  constructor(
    private readonly redis: RedisConnection,
    private readonly keyPrefix: string,
    private readonly settings: LimiterSettings,
  ) {
    this.leaseTtlMs = settings.leaseTtlMs ?? 120_000;
    this.maxInlineWaitMs = settings.maxInlineWaitMs ?? 5_000;
  }

  private keys(mailbox: string): [string, string, string] {
    const base = `${this.keyPrefix}:graph-limit:${mailbox.toLowerCase()}`;
    return [`${base}:inflight`, `${base}:window`, `${base}:pause`];
  }

  async tryAcquire(mailbox: string, cost: RequestCost = SINGLE): Promise<AcquireResult> {
    const leaseId = `${Date.now()}-${randomBytes(6).toString('hex')}`;
    const { maxConcurrent, maxPerWindow, windowMs } = this.settings;
    const weight = Math.max(1, Math.min(cost.weight, maxPerWindow));
    const slots = Math.max(1, Math.min(cost.slots, maxConcurrent));
    const reply = (await ACQUIRE_SCRIPT.run(this.redis, this.keys(mailbox), [
      leaseId,
      maxConcurrent,
      maxPerWindow,
      windowMs,
      this.leaseTtlMs,
      weight,
      slots,
    ])) as [number, number, number];
    if (reply[0] === 1) return { granted: true, leaseId, slots };
    return { granted: false, waitMs: Number(reply[1]), reason: REASONS[Number(reply[2])] ?? 'concurrency' };
  }

  async release(mailbox: string, leaseId: string, slots = 1): Promise<void> {
    await this.redis.zrem(this.keys(mailbox)[0], ...leaseMembers(leaseId, slots));
  }

  /** Keeps a held lease from expiring (a long body being read). Returns how many of its slots were still held. */
  async renew(mailbox: string, leaseId: string, slots = 1): Promise<number> {
    return (await RENEW_SCRIPT.run(
      this.redis,
      [this.keys(mailbox)[0]],
      [this.leaseTtlMs, ...leaseMembers(leaseId, slots)],
    )) as number;
  }

  /** Pauses every process's requests to this mailbox for at least `ms` (never shortens a longer pause). */
  async pause(mailbox: string, ms: number): Promise<void> {
    await extendPause(this.redis, this.keys(mailbox)[2], ms);
  }

  async pausedForMs(mailbox: string): Promise<number> {
    return pauseLeftMs(this.redis, this.keys(mailbox)[2]);
  }

  /**
   * Runs `fn` holding a slot. Short waits happen here; a wait longer than `maxInlineWaitMs` (a pause after a 429,
   * or a spent window) throws ThrottledError, which the worker factory turns into a delay that keeps attempts.
   */
  async run<T>(mailbox: string, fn: () => Promise<T>, cost: RequestCost = SINGLE): Promise<T> {
    const deadline = Date.now() + this.maxInlineWaitMs;
    for (;;) {
      const r = await this.tryAcquire(mailbox, cost);
      if (r.granted) {
        const { leaseId, slots } = r;
        // A request outliving a third of the lease (a big page streaming in) renews it, so the slot stays held.
        const heartbeat = setInterval(
          () => void this.renew(mailbox, leaseId, slots).catch(() => undefined),
          Math.max(1000, Math.floor(this.leaseTtlMs / 3)),
        );
        heartbeat.unref();
        try {
          return await fn();
        } finally {
          clearInterval(heartbeat);
          await this.release(mailbox, leaseId, slots).catch(() => undefined);
        }
      }
      if (Date.now() + r.waitMs > deadline) {
        this.stats.throttled++;
        throw new ThrottledError(`Graph limit for ${mailbox} (${r.reason}): retry in ${r.waitMs} ms`, r.waitMs);
      }
      this.stats.waits++;
      await new Promise((res) => setTimeout(res, r.waitMs + Math.floor(Math.random() * 10)));
    }
  }
}

function leaseMembers(leaseId: string, slots: number): string[] {
  return Array.from({ length: slots }, (_, i) => `${leaseId}:${i + 1}`);
}
