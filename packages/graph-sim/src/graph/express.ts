import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { graphErrorBody } from '../util/errors';
import type { SimContext } from '../context';
import { handleBatch } from '../batch/handler';
import { bodySize, errorResponse, GraphPipeline } from './pipeline';
import type { GraphRequest, GraphResponse } from './types';

function headersOf(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function send(res: Response, r: GraphResponse): void {
  res.status(r.status);
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  if (r.raw) {
    res.end(r.raw);
  } else if (r.body === undefined) {
    res.end();
  } else {
    res.setHeader(
      'content-type',
      'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8',
    );
    res.end(r.encoded ?? JSON.stringify(r.body));
  }
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
    try {
      if (path.replace(/\/$/, '') === '/$batch' && greq.method === 'POST') {
        ctx.stats.request('batch', undefined);
        const res2 = await handleBatch(pipeline, greq);
        res2.headers['request-id'] = greq.requestId;
        res2.headers['client-request-id'] = greq.clientRequestId;
        ctx.stats.status(res2.status, bodySize(res2));
        return send(res, res2);
      }
      send(res, await pipeline.handle(greq));
    } catch (e) {
      send(res, errorResponse(greq, 500, 'generalException', e instanceof Error ? e.message : String(e)));
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
