// The one HTTP call to MS4: POST {MS4_BASE_URL}/batch-metadata. Turns every answer (and every network failure)
// into a SendResult; deciding what happens to the jobs is the dispatcher's business.
import { errorMessage, parseRetryAfter } from '@ms1/shared';
import { AbortedError } from './breaker';

export type ItemStatus = 'accepted' | 'rejected' | 'failed';

/** One element of a 207 (or all-invalid 400, or 409 of a 207 batch) `results` array. */
export interface ItemResult {
  index: number;
  invoiceKey: string | null;
  status: ItemStatus;
  code?: number;
  error?: string;
  reasons?: string[];
}

export type SendResult =
  /** 200, or 409 for a batch MS4 already has (without per-item results): every item is stored. */
  | { kind: 'accepted'; status: number }
  /** 207, an all-invalid 400, or a 409 that repeats a 207: judged item by item. */
  | { kind: 'per-item'; status: number; results: ItemResult[] }
  /** 429: wait `retryAfterMs`, then send the same batch again. */
  | { kind: 'throttled'; status: number; retryAfterMs: number }
  /** 413: the batch is too big for MS4 (bytes or items); split it. */
  | { kind: 'too-large'; status: number; message: string }
  /** 400 without per-item results: something in the batch will never pass; split it to find the item. */
  | { kind: 'refused'; status: number; message: string }
  /**
   * Anything else: 5xx, network error, timeout, 401, an unexpected answer. `health` false when the failure says
   * something about MS4's health (counts toward the circuit breaker), true when it does not (e.g. 422).
   */
  | { kind: 'failed'; status: number | null; message: string; healthy: boolean };

export interface Ms4ClientOptions {
  baseUrl: string;
  apiToken: string | null;
  timeoutMs: number;
  /** Used when a 429 carries no usable Retry-After. */
  defaultRetryAfterMs?: number;
  /** Upper bound for Retry-After, MS4_RETRY_AFTER_MAX_SECONDS (a broken header must not stall the sender for days). */
  maxRetryAfterMs?: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isItemStatus(v: unknown): v is ItemStatus {
  return v === 'accepted' || v === 'rejected' || v === 'failed';
}

/** The `results` array of an answer, when it has a well-formed one. */
export function readResults(body: unknown): ItemResult[] | null {
  if (!isRecord(body) || !Array.isArray(body.results)) return null;
  const out: ItemResult[] = [];
  for (const r of body.results as unknown[]) {
    if (!isRecord(r) || typeof r.index !== 'number' || !isItemStatus(r.status)) return null;
    out.push({
      index: r.index,
      invoiceKey: typeof r.invoiceKey === 'string' ? r.invoiceKey : null,
      status: r.status,
      code: typeof r.code === 'number' ? r.code : undefined,
      error: typeof r.error === 'string' ? r.error : undefined,
      reasons: Array.isArray(r.reasons) ? r.reasons.filter((x): x is string => typeof x === 'string') : undefined,
    });
  }
  return out;
}

function summary(body: unknown, text: string): string {
  if (isRecord(body)) {
    const parts = [
      typeof body.error === 'string' ? body.error : null,
      Array.isArray(body.reasons) ? body.reasons.slice(0, 5).join('; ') : null,
    ].filter(Boolean);
    if (parts.length) return parts.join(': ');
  }
  return text.slice(0, 300);
}

export class Ms4Client {
  private readonly url: string;
  private readonly defaultRetryAfterMs: number;
  private readonly maxRetryAfterMs: number;

  constructor(private readonly opts: Ms4ClientOptions) {
    this.url = `${opts.baseUrl.replace(/\/+$/, '')}/batch-metadata`;
    this.defaultRetryAfterMs = opts.defaultRetryAfterMs ?? 1000;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 300_000;
  }

  /**
   * Sends one serialized batch. Never throws for an HTTP or network failure (those are SendResults); throws
   * AbortedError only when `signal` (shutdown) aborted the request.
   */
  async send(batchId: string, body: string, signal?: AbortSignal): Promise<SendResult> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': batchId };
    if (this.opts.apiToken) headers.authorization = `Bearer ${this.opts.apiToken}`;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers,
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await res.text();
    } catch (err) {
      if (signal?.aborted) throw new AbortedError('request aborted by shutdown');
      const message = timeout.aborted
        ? `no answer within ${this.opts.timeoutMs} ms`
        : `network error: ${errorMessage(err)}${causeOf(err)}`;
      return { kind: 'failed', status: null, message, healthy: false };
    }
    const answer = parseJson(text);
    const status = res.status;
    if (status === 200 || status === 201 || status === 202) return { kind: 'accepted', status };
    if (status === 207) {
      const results = readResults(answer);
      return results
        ? { kind: 'per-item', status, results }
        : { kind: 'failed', status, message: '207 without a readable results array', healthy: false };
    }
    if (status === 409) {
      const results = readResults(answer);
      return results ? { kind: 'per-item', status, results } : { kind: 'accepted', status };
    }
    if (status === 429) {
      const retryAfterMs =
        parseRetryAfter(res.headers.get('retry-after'), { maxMs: this.maxRetryAfterMs }) ??
        Math.min(this.defaultRetryAfterMs, this.maxRetryAfterMs);
      return { kind: 'throttled', status, retryAfterMs };
    }
    if (status === 413) return { kind: 'too-large', status, message: summary(answer, text) };
    if (status === 400) {
      const results = readResults(answer);
      if (results) return { kind: 'per-item', status, results };
      return { kind: 'refused', status, message: `MS4 refused the batch (400): ${summary(answer, text)}` };
    }
    if (status === 422)
      return {
        kind: 'failed',
        status,
        message: `MS4 refused the Idempotency-Key: ${summary(answer, text)}`,
        healthy: true,
      };
    if (status === 401 || status === 403)
      return {
        kind: 'failed',
        status,
        message: `MS4 refused our credentials (${status}): check MS4_API_TOKEN`,
        healthy: false,
      };
    return { kind: 'failed', status, message: `MS4 answered ${status}: ${summary(answer, text)}`, healthy: false };
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
}

function causeOf(err: unknown): string {
  const cause = err instanceof Error ? (err as Error & { cause?: unknown }).cause : undefined;
  return cause instanceof Error ? ` (${cause.message})` : '';
}
