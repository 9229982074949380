import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { graphErrorBody } from '../util/errors';
import type { SimContext } from '../context';
import { handleBatch } from '../batch/handler';
import { errorResponse, GraphPipeline, type Handled } from './pipeline';
import { sendResponse } from './send';
import type { GraphRequest } from './types';
import { wireOf } from './wire';

function headersOf(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Express adapter for /v1.0: builds a GraphRequest and hands it to the pipeline (or to $batch). */
export function graphRouter(ctx: SimContext): express.Router {
  const r = express.Router();
  const pipeline = new GraphPipeline(ctx);
  r.use(express.json({ limit: '50mb', type: () => true }));
  r.use(async (req: Request, res: Response) => {
    const url = new URL(req.originalUrl, ctx.origin);
    const path = url.pathname.replace(/^\/v1\.0/i, '');
    const headers = headersOf(req);
    const greq: GraphRequest = {
      method: req.method.toUpperCase(),
      path,
      query: url.searchParams,
      headers,
      body: req.body as unknown,
      baseUrl: `${ctx.origin}/v1.0`,
      requestId: randomUUID(),
      clientRequestId: headers['client-request-id'] ?? randomUUID(),
    };
    let handled: Handled;
    try {
      if (path.replace(/\/$/, '') === '/$batch' && greq.method === 'POST') {
        ctx.stats.request('batch', undefined);
        const seq = ctx.requests.arrive();
        const at = Date.now();
        const batch = await handleBatch(pipeline, greq);
        batch.headers['request-id'] = greq.requestId;
        batch.headers['client-request-id'] = greq.clientRequestId;
        ctx.stats.status(batch.status, wireOf(batch).size);
        ctx.requests.add({
          seq,
          at,
          answeredAt: Date.now(),
          method: greq.method,
          kind: 'batch',
          mailbox: null,
          status: batch.status,
          retryAfterSeconds: null,
          throttled: null,
          inFlightAtArrival: 0,
          inBatch: false,
          clientRequestId: greq.clientRequestId,
        });
        handled = { response: batch, release: () => undefined };
      } else {
        handled = await pipeline.handle(greq);
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      handled = { response: errorResponse(greq, 500, 'generalException', message), release: () => undefined };
    }
    try {
      await sendResponse(res, handled.response, handled.release);
    } finally {
      handled.release();
    }
  });
  // A body that is not JSON: Graph's error shape.
  r.use((err: Error & { status?: number }, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const requestId = randomUUID();
    const clientRequestId =
      typeof req.headers['client-request-id'] === 'string' ? req.headers['client-request-id'] : randomUUID();
    res
      .status(err.status ?? 400)
      .json(
        graphErrorBody('BadRequest', `Unable to read JSON request payload: ${err.message}`, requestId, clientRequestId),
      );
  });
  return r;
}
