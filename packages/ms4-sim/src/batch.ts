// POST /batch-metadata: the MS4 contract (DESIGN.md section 6). Order of the checks: latency, outage (503),
// bearer token (401), injected 429/5xx, media type (415), body size (413), JSON (400), item count (413),
// envelope (400), every item invalid (400), Idempotency-Key already seen (409, or 422 with other items),
// then the items are stored: 200 when all were accepted, else 207 with per-item results.
import express, { type Request, type RequestHandler, type Response } from 'express';
import { authorized } from './auth';
import type { ItemResult } from './contract';
import type { SimState } from './state';
import { fingerprint } from './store';
import { isObject, validateBatch, type ItemValidation } from './validate';

const JSON_TYPE = /^application\/(json|[\w.+-]+\+json)\s*(;|$)/i;
const MAX_REASONS = 200;

type Send = (status: number, body: object, headers?: Record<string, string>) => void;

function capped(reasons: string[]): string[] {
  return reasons.length <= MAX_REASONS
    ? reasons
    : [...reasons.slice(0, MAX_REASONS), `... and ${reasons.length - MAX_REASONS} more`];
}

/** Reads the raw body with the configured byte limit; the parser is rebuilt only when the limit changes. */
function bodyReader(): (req: Request, res: Response, limit: number) => Promise<Buffer> {
  let parser: { limit: number; handler: RequestHandler } | null = null;
  return (req, res, limit) => {
    if (parser?.limit !== limit) parser = { limit, handler: express.raw({ type: () => true, limit }) };
    const { handler } = parser;
    return new Promise((resolve, reject) => {
      void handler(req, res, (err?: unknown) =>
        err ? reject(err) : resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)),
      );
    });
  };
}

function errorType(err: unknown): string {
  return isObject(err) && typeof err.type === 'string' ? err.type : 'unknown';
}

export function batchHandler(state: SimState): RequestHandler {
  const readBody = bodyReader();
  return async (req, res) => {
    const { faults, store, stats } = state;
    stats.request();
    const logged = state.requests.arrive(req.get('idempotency-key') ?? null);
    const send: Send = (status, body, headers = {}) => {
      stats.response(status);
      const retryAfter = headers['Retry-After'];
      state.requests.answered(logged, status, retryAfter === undefined ? null : Number(retryAfter));
      if (!res.headersSent) res.status(status).set(headers).json(body);
    };
    if (req.method !== 'POST') {
      return send(405, { error: 'method not allowed', allowed: ['POST'] }, { Allow: 'POST' });
    }
    await state.sleep(faults.latencyMs());

    const outage = faults.outage();
    if (outage) {
      stats.fault(outage);
      const retryAfter = String(outage.retryAfterSeconds);
      return send(
        503,
        { error: 'service unavailable (simulated outage)', retryAfterSeconds: outage.retryAfterSeconds },
        { 'Retry-After': retryAfter },
      );
    }
    if (!authorized(req.get('authorization'), state.apiToken)) {
      return send(
        401,
        { error: 'unauthorized: a valid Authorization: Bearer token is required' },
        { 'WWW-Authenticate': 'Bearer' },
      );
    }
    const fault = faults.requestFault();
    if (fault) {
      stats.fault(fault);
      if (fault.kind === '429') {
        const retryAfter = String(fault.retryAfterSeconds);
        return send(
          429,
          { error: 'too many requests (simulated)', retryAfterSeconds: fault.retryAfterSeconds },
          { 'Retry-After': retryAfter },
        );
      }
      return send(fault.status, { error: 'server error (simulated), retry the whole batch' });
    }
    if (!JSON_TYPE.test(req.get('content-type') ?? '')) {
      return send(415, { error: 'unsupported media type: send Content-Type: application/json' });
    }

    const config = faults.current;
    let raw: Buffer;
    try {
      raw = await readBody(req, res, config.maxBytes);
    } catch (err) {
      const type = errorType(err);
      if (type === 'entity.too.large') return send(413, { error: 'payload too large', maxBytes: config.maxBytes });
      if (type === 'encoding.unsupported') return send(415, { error: 'unsupported content encoding' });
      return send(400, { error: 'invalid batch', reasons: [`body: could not be read (${type})`] });
    }
    stats.bytes(raw.length);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      return send(400, { error: 'invalid batch', reasons: [`body: not valid JSON (${(err as Error).message})`] });
    }
    if (
      config.maxItems !== null &&
      isObject(body) &&
      Array.isArray(body.items) &&
      body.items.length > config.maxItems
    ) {
      return send(413, { error: 'too many items', maxItems: config.maxItems, items: body.items.length });
    }

    const v = validateBatch(body, req.get('idempotency-key'), { allowUnknownFields: config.allowUnknownFields });
    if (!v.ok) return send(400, { error: 'invalid batch', reasons: capped(v.reasons) });
    const valid = v.items.filter((i) => i.item !== null);
    if (valid.length === 0) {
      stats.rejected(v.items.length);
      const reasons = capped(v.items.flatMap((i) => i.reasons));
      return send(400, { error: 'invalid batch', reasons, results: v.items.map(rejected) });
    }

    const print = fingerprint(v.items.map((i) => i.invoiceKey));
    const known = store.getBatch(v.batchId);
    if (known) {
      if (known.fingerprint !== print) {
        return send(422, {
          error: 'Idempotency-Key reused with other items: send a new batch with a new batchId',
          batchId: v.batchId,
        });
      }
      const { fingerprint: _f, ...summary } = known;
      return send(409, { error: 'batch already received', ...summary });
    }

    const failing = faults.partialFailure(valid.length);
    const failed = new Set(valid.filter((_, i) => failing?.has(i)).map((i) => i.index));
    const receivedAt = new Date().toISOString();
    const results: ItemResult[] = v.items.map((i) => {
      if (i.item === null) return rejected(i);
      if (failed.has(i.index)) {
        return {
          index: i.index,
          invoiceKey: i.invoiceKey,
          status: 'failed',
          code: 503,
          error: 'temporary failure (simulated): retry this item',
        };
      }
      const duplicate = !store.addItem(i.item, v.batchId, receivedAt);
      return {
        index: i.index,
        invoiceKey: i.invoiceKey,
        status: 'accepted',
        code: 200,
        ...(duplicate ? { duplicate } : {}),
      };
    });
    const count = (s: ItemResult['status']): number => results.filter((r) => r.status === s).length;
    const outcome = {
      accepted: count('accepted'),
      duplicates: results.filter((r) => r.duplicate).length,
      rejected: count('rejected'),
      failed: count('failed'),
    };
    const status = outcome.rejected + outcome.failed > 0 ? 207 : 200;
    store.addBatch({
      batchId: v.batchId,
      receivedAt,
      sentAt: v.sentAt,
      size: v.items.length,
      fingerprint: print,
      status,
      ...outcome,
      ...(status === 207 ? { results } : {}),
    });
    stats.batch({ size: v.items.length, ...outcome, partialOnPurpose: failed.size > 0 });
    if (status === 200)
      return send(200, { batchId: v.batchId, accepted: outcome.accepted, duplicates: outcome.duplicates });
    return send(207, { batchId: v.batchId, ...outcome, results });
  };
}

function rejected(i: ItemValidation): ItemResult {
  return {
    index: i.index,
    invoiceKey: i.invoiceKey,
    status: 'rejected',
    code: 400,
    error: 'invalid item: do not retry',
    reasons: i.reasons,
  };
}
