/**
 * A gate that opens at most once per `intervalMs`, for log lines an outage repeats many times a second (ioredis
 * and every BullMQ queue report each failed reconnect): the first one is logged, the rest of the interval is not.
 */
export function onceEvery(intervalMs: number, now: () => number = Date.now): () => boolean {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last < intervalMs) return false;
    last = t;
    return true;
  };
}

/** How often a connection's errors are logged during an outage: one line per 10 s is enough to see it. */
export const CONNECTION_ERROR_LOG_EVERY_MS = 10_000;
