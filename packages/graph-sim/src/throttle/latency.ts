import type { LatencyConfig } from '../options';
import type { Rng } from '../util/random';

/** Simulated service time: fixed + per KB of response + uniform jitter. */
export function latencyMs(cfg: LatencyConfig, bytes: number, rng: Rng): number {
  return Math.max(0, cfg.fixedMs + (cfg.perKbMs * bytes) / 1024 + rng() * cfg.jitterMs);
}
