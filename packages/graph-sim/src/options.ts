/** Options of startGraphSim and the runtime configuration that PUT /_sim/config changes. */
import { NO_LATENCY, REAL_LATENCY } from './throttle/latency';

export interface ThrottleConfig {
  /** Max in-flight requests per app and mailbox (Graph: 4). */
  concurrency: number;
  /** Max requests per app and mailbox within windowMs (Graph: 10,000). */
  requestsPerWindow: number;
  /** Sliding window length in ms of simulated time (Graph: 600,000). */
  windowMs: number;
}

/** Graph's clock: each request holds its in-flight slot for fixedMs + perKbMs per KB served + up to jitterMs. */
export interface LatencyConfig {
  fixedMs: number;
  perKbMs: number;
  jitterMs: number;
}

/** 'real' is Graph's clock (120 ms + 0.1 ms/KB + up to 40 ms), 'off' none; an object sets (or overrides) numbers. */
export type LatencyOption = 'real' | 'off' | Partial<LatencyConfig>;

export interface Credentials {
  tenantId?: string;
  clientId: string;
  clientSecret: string;
}

export interface GraphSimOptions {
  port?: number;
  host?: string;
  /** Extra names the server certificate is valid for (e.g. a docker-compose service name); the first one is used in the printed URLs. */
  hostnames?: string[];
  mailboxes?: string[];
  /** Generated e-mails per listed mailbox before serving (0: empty). */
  seed?: number;
  /** Changes the deterministic draw of the generator and of fault injection. */
  randomSeed?: number;
  credentials?: Credentials;
  throttle?: ThrottleConfig | false;
  timeScale?: number;
  latency?: LatencyOption;
  errorRate?: number;
  notificationDropRate?: number;
  deltaReplayRate?: number;
  caDir?: string;
  /** Where big attachment bytes are kept (an unlinked file; default: the system temp dir). */
  spoolDir?: string;
}

/** The next `count` Graph requests (to `mailbox`, or to any mailbox) answered 429 with this Retry-After. */
export interface ThrottleNext {
  count: number;
  retryAfterSeconds: number;
  mailbox: string | null;
}

export interface SimConfig {
  throttle: ThrottleConfig | false;
  /** Deterministic 429s, independent of the clock (tests); null when none are pending. */
  throttleNext: ThrottleNext | null;
  timeScale: number;
  latency: LatencyConfig;
  errorRate: number;
  notificationDropRate: number;
  deltaReplayRate: number;
}

export const DEFAULT_THROTTLE: ThrottleConfig = { concurrency: 4, requestsPerWindow: 10_000, windowMs: 600_000 };

/** The latency an option stands for; an object applies over `base` (for the config API: the live numbers). */
export function latencyFrom(opt: LatencyOption | undefined, base: LatencyConfig = NO_LATENCY): LatencyConfig {
  if (opt === 'real') return { ...REAL_LATENCY };
  if (opt === 'off' || opt === undefined) return { ...NO_LATENCY };
  return { ...base, ...opt };
}

export function configFromOptions(opts: GraphSimOptions): SimConfig {
  return {
    throttle: opts.throttle === false ? false : { ...DEFAULT_THROTTLE, ...(opts.throttle ?? {}) },
    throttleNext: null,
    timeScale: opts.timeScale && opts.timeScale > 0 ? opts.timeScale : 1,
    latency: latencyFrom(opts.latency),
    errorRate: opts.errorRate ?? 0,
    notificationDropRate: opts.notificationDropRate ?? 0,
    deltaReplayRate: opts.deltaReplayRate ?? 0,
  };
}

/** Applies a PUT /_sim/config body (partial) onto the live configuration. Returns an error text or null. */
export function applyConfigPatch(cfg: SimConfig, patch: unknown): string | null {
  if (typeof patch !== 'object' || patch === null) return 'body must be a JSON object';
  const p = patch as Record<string, unknown>;
  const num = (k: string, v: unknown, min = 0): number | string => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) return `${k} must be a number >= ${min}`;
    return v;
  };
  if ('throttle' in p) {
    if (p.throttle === false || p.throttle === null) cfg.throttle = false;
    else if (typeof p.throttle === 'object') {
      const t = { ...(cfg.throttle || DEFAULT_THROTTLE) };
      const tp = p.throttle as Record<string, unknown>;
      for (const k of ['concurrency', 'requestsPerWindow', 'windowMs'] as const) {
        if (k in tp) {
          const v = num(`throttle.${k}`, tp[k], 1);
          if (typeof v === 'string') return v;
          t[k] = v;
        }
      }
      cfg.throttle = t;
    } else return 'throttle must be an object or false';
  }
  if ('throttleNext' in p) {
    const tn = p.throttleNext;
    if (tn === null) cfg.throttleNext = null;
    else if (typeof tn === 'object') {
      const t = tn as Record<string, unknown>;
      const count = num('throttleNext.count', t.count, 1);
      if (typeof count === 'string' || !Number.isInteger(count))
        return 'throttleNext.count must be a whole number >= 1';
      const retry = num('throttleNext.retryAfterSeconds', t.retryAfterSeconds ?? 1, 1);
      if (typeof retry === 'string') return retry;
      if (t.mailbox !== undefined && typeof t.mailbox !== 'string') return 'throttleNext.mailbox must be a string';
      cfg.throttleNext = { count, retryAfterSeconds: retry, mailbox: typeof t.mailbox === 'string' ? t.mailbox : null };
    } else return 'throttleNext must be an object { count, retryAfterSeconds?, mailbox? } or null';
  }
  if ('timeScale' in p) {
    const v = num('timeScale', p.timeScale, 0.000001);
    if (typeof v === 'string') return v;
    cfg.timeScale = v;
  }
  if ('latency' in p) {
    const lp = p.latency;
    if (lp === 'real' || lp === 'off' || lp === null) cfg.latency = latencyFrom(lp ?? 'off');
    else if (typeof lp === 'object') {
      const next = { ...cfg.latency };
      const fields = lp as Record<string, unknown>;
      for (const k of ['fixedMs', 'perKbMs', 'jitterMs'] as const) {
        if (k in fields) {
          const v = num(`latency.${k}`, fields[k]);
          if (typeof v === 'string') return v;
          next[k] = v;
        }
      }
      cfg.latency = next;
    } else return "latency must be 'real', 'off', null or an object { fixedMs, perKbMs, jitterMs }";
  }
  for (const k of ['errorRate', 'notificationDropRate', 'deltaReplayRate'] as const) {
    if (k in p) {
      const v = num(k, p[k]);
      if (typeof v === 'string') return v;
      if (v > 1) return `${k} must be between 0 and 1`;
      cfg[k] = v;
    }
  }
  return null;
}
