import { extendPause, pauseLeftMs, type RedisConnection } from '@ms1/shared';

/** The MS4 pause after a 429, shared by every replica (the rate limiter's script reads the same key). */
export class SharedPause {
  constructor(
    private readonly redis: RedisConnection,
    readonly key: string,
  ) {}

  /** Pauses sending for every replica; answers the pause now in force (ms). */
  pauseFor(ms: number, reason: string): Promise<number> {
    return extendPause(this.redis, this.key, ms, reason);
  }

  /** Milliseconds the pause still lasts (0 when there is none). */
  remainingMs(): Promise<number> {
    return pauseLeftMs(this.redis, this.key);
  }
}
