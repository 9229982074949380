import type { LatencyConfig } from '../options';
import type { Rng } from '../util/random';

/** `--latency real`: Graph's clock as measured from a client near Microsoft's data centres. */
export const REAL_LATENCY: LatencyConfig = { fixedMs: 120, perKbMs: 0.1, jitterMs: 40 };
export const NO_LATENCY: LatencyConfig = { fixedMs: 0, perKbMs: 0, jitterMs: 0 };

/**
 * Service time of one Graph request: a round trip, plus the transfer of the bytes served, plus uniform jitter.
 * Rounded to the microsecond so that totals add up exactly.
 */
export function serviceTimeMs(cfg: LatencyConfig, bytes: number, rng: Rng): number {
  const jitter = cfg.jitterMs > 0 ? rng() * cfg.jitterMs : 0;
  const ms = Math.max(0, cfg.fixedMs + (cfg.perKbMs * bytes) / 1024 + jitter);
  return Math.round(ms * 1000) / 1000;
}
