// The simulator's settings: fault injection and limits, as given at start or by PUT /_sim/config.
// `parseConfigInput` checks an untrusted JSON body; `applyConfig` merges an input into the current settings.
import { isIsoDateTime, isObject } from './validate';

/** What a caller may set (start options, PUT /_sim/config). A key that is present replaces; null clears. */
export interface SimConfigInput {
  /** Share (0..1) of /batch-metadata requests answered with `errorStatus`. */
  errorRate?: number;
  /** 500..599, default 503. */
  errorStatus?: number;
  /** Share (0..1) of otherwise accepted batches answered 207 with some items 'failed'. */
  partialFailureRate?: number;
  /** Share (0..1) of a partial batch's items that fail (at least one), default 0.5. */
  partialItemShare?: number;
  /** Share of requests answered 429 with Retry-After. */
  rateLimit?: { rate: number; retryAfterSeconds?: number } | null;
  /** Deterministic: the next `count` requests are answered 429. */
  throttleNext?: { count: number; retryAfterSeconds?: number } | null;
  /**
   * Deterministic: the next `count` requests get `status` (5xx or 429), or with status 207 the next `count`
   * batches that would be accepted are answered 207 with the items at even indexes (0, 2, ...) 'failed'.
   */
  failNext?: { count: number; status: number; retryAfterSeconds?: number } | null;
  /** Every request is answered 503 (with Retry-After) from now + startsInMs for durationMs. */
  outage?: { startsInMs?: number; durationMs: number } | null;
  /** Every request is answered 503 from now until this instant (ISO-8601 or epoch milliseconds). */
  outageUntil?: string | number | null;
  /** Delay before each /batch-metadata answer: fixedMs + uniform(0, jitterMs). */
  latency?: { fixedMs?: number; jitterMs?: number } | null;
  /** Batches with more items are answered 413. null: no limit. */
  maxItems?: number | null;
  /** Bodies larger than this many bytes are answered 413 (default 20 MiB). */
  maxBytes?: number;
  /** Accept fields the contract does not name (default false: they are a reason to reject). */
  allowUnknownFields?: boolean;
}

export interface SimConfig {
  errorRate: number;
  errorStatus: number;
  partialFailureRate: number;
  partialItemShare: number;
  rateLimit: { rate: number; retryAfterSeconds: number } | null;
  throttleNext: { count: number; retryAfterSeconds: number } | null;
  failNext: { count: number; status: number; retryAfterSeconds: number } | null;
  /** Epoch milliseconds. */
  outage: { startsAt: number; endsAt: number } | null;
  latency: { fixedMs: number; jitterMs: number };
  maxItems: number | null;
  maxBytes: number;
  allowUnknownFields: boolean;
}

export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

export function defaultConfig(): SimConfig {
  return {
    errorRate: 0,
    errorStatus: 503,
    partialFailureRate: 0,
    partialItemShare: 0.5,
    rateLimit: null,
    throttleNext: null,
    failNext: null,
    outage: null,
    latency: { fixedMs: 0, jitterMs: 0 },
    maxItems: null,
    maxBytes: DEFAULT_MAX_BYTES,
    allowUnknownFields: false,
  };
}

const KEYS = [
  'errorRate',
  'errorStatus',
  'partialFailureRate',
  'partialItemShare',
  'rateLimit',
  'throttleNext',
  'failNext',
  'outage',
  'outageUntil',
  'latency',
  'maxItems',
  'maxBytes',
  'allowUnknownFields',
];

type Check = (v: unknown) => boolean;
const share: Check = (v) => typeof v === 'number' && v >= 0 && v <= 1;
const count: Check = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const positive: Check = (v) => count(v) && (v as number) > 0;
const ms: Check = (v) => count(v) && (v as number) <= 3_600_000;
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);

/** Checks the fields of a nested object: each key -> [check, what it must be]. */
function nested(v: unknown, path: string, fields: Record<string, [Check, string]>, reasons: string[]): void {
  if (!isObject(v)) {
    reasons.push(`${path}: must be an object or null (got ${JSON.stringify(v)})`);
    return;
  }
  for (const key of Object.keys(v)) if (!(key in fields)) reasons.push(`${path}.${key}: unknown setting`);
  for (const [key, [check, what]] of Object.entries(fields)) {
    if (!check(v[key])) reasons.push(`${path}.${key}: must be ${what} (got ${JSON.stringify(v[key]) ?? 'nothing'})`);
  }
}

const RETRY_AFTER: [Check, string] = [optional(count), 'a whole number of seconds'];

export function parseConfigInput(
  body: unknown,
): { ok: true; value: SimConfigInput } | { ok: false; reasons: string[] } {
  if (!isObject(body)) return { ok: false, reasons: ['body: must be a JSON object'] };
  const reasons: string[] = [];
  const top = (key: string, check: Check, what: string): void => {
    if (key in body && !check(body[key])) reasons.push(`${key}: must be ${what} (got ${JSON.stringify(body[key])})`);
  };
  for (const key of Object.keys(body)) if (!KEYS.includes(key)) reasons.push(`${key}: unknown setting`);
  top('errorRate', share, 'a number from 0 to 1');
  top('errorStatus', (v) => count(v) && (v as number) >= 500 && (v as number) <= 599, 'a status from 500 to 599');
  top('partialFailureRate', share, 'a number from 0 to 1');
  top('partialItemShare', share, 'a number from 0 to 1');
  top('maxItems', (v) => v === null || positive(v), 'a positive integer or null');
  top('maxBytes', positive, 'a positive integer');
  top('allowUnknownFields', (v) => typeof v === 'boolean', 'a boolean');
  top(
    'outageUntil',
    (v) => v === null || count(v) || isIsoDateTime(v),
    'an ISO-8601 date-time, epoch milliseconds or null',
  );
  const sub = (key: string, fields: Record<string, [Check, string]>): void => {
    if (key in body && body[key] !== null) nested(body[key], key, fields, reasons);
  };
  sub('rateLimit', { rate: [share, 'a number from 0 to 1'], retryAfterSeconds: RETRY_AFTER });
  sub('throttleNext', { count: [count, 'a non-negative integer'], retryAfterSeconds: RETRY_AFTER });
  sub('failNext', {
    count: [count, 'a non-negative integer'],
    status: [
      (v) => v === 207 || v === 429 || (count(v) && (v as number) >= 500 && (v as number) <= 599),
      '207, 429 or 5xx',
    ],
    retryAfterSeconds: RETRY_AFTER,
  });
  sub('outage', {
    startsInMs: [optional(ms), 'milliseconds (at most one hour)'],
    durationMs: [ms, 'milliseconds (at most one hour)'],
  });
  sub('latency', { fixedMs: [optional(ms), 'milliseconds'], jitterMs: [optional(ms), 'milliseconds'] });
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, value: body as SimConfigInput };
}

/** Returns a new configuration: `current` with the keys of `input` applied (null clears). */
export function applyConfig(current: SimConfig, input: SimConfigInput, now: number = Date.now()): SimConfig {
  const next: SimConfig = { ...current, latency: { ...current.latency } };
  if (input.errorRate !== undefined) next.errorRate = input.errorRate;
  if (input.errorStatus !== undefined) next.errorStatus = input.errorStatus;
  if (input.partialFailureRate !== undefined) next.partialFailureRate = input.partialFailureRate;
  if (input.partialItemShare !== undefined) next.partialItemShare = input.partialItemShare;
  if (input.maxItems !== undefined) next.maxItems = input.maxItems;
  if (input.maxBytes !== undefined) next.maxBytes = input.maxBytes;
  if (input.allowUnknownFields !== undefined) next.allowUnknownFields = input.allowUnknownFields;
  if (input.rateLimit !== undefined) {
    next.rateLimit = input.rateLimit && {
      rate: input.rateLimit.rate,
      retryAfterSeconds: input.rateLimit.retryAfterSeconds ?? 1,
    };
  }
  if (input.throttleNext !== undefined) {
    next.throttleNext = input.throttleNext && {
      count: input.throttleNext.count,
      retryAfterSeconds: input.throttleNext.retryAfterSeconds ?? 1,
    };
  }
  if (input.failNext !== undefined) {
    next.failNext = input.failNext && {
      count: input.failNext.count,
      status: input.failNext.status,
      retryAfterSeconds: input.failNext.retryAfterSeconds ?? 1,
    };
  }
  if (input.latency !== undefined) {
    next.latency = { fixedMs: input.latency?.fixedMs ?? 0, jitterMs: input.latency?.jitterMs ?? 0 };
  }
  if (input.outage !== undefined) {
    const startsAt = now + (input.outage?.startsInMs ?? 0);
    next.outage = input.outage && { startsAt, endsAt: startsAt + input.outage.durationMs };
  }
  if (input.outageUntil !== undefined) {
    const until = typeof input.outageUntil === 'string' ? Date.parse(input.outageUntil) : input.outageUntil;
    next.outage = until === null ? null : { startsAt: now, endsAt: until };
  }
  return next;
}

/** The configuration as JSON for the admin API (instants as ISO-8601). */
export function describeConfig(config: SimConfig, now: number = Date.now()): Record<string, unknown> {
  const { outage, ...rest } = config;
  return {
    ...rest,
    outage: outage && {
      startsAt: new Date(outage.startsAt).toISOString(),
      endsAt: new Date(outage.endsAt).toISOString(),
      active: now >= outage.startsAt && now < outage.endsAt,
    },
  };
}
