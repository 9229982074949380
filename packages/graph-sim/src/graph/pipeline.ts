import type { SimContext } from '../context';
import { latencyMs } from '../throttle/latency';
import type { Admission } from '../throttle/limiter';
import { GraphError, graphErrorBody } from '../util/errors';
import { sleep } from '../util/time';
import { authenticate } from './auth';
import { Router, segmentsOf } from './router';
import type { Caller, GraphRequest, GraphResponse } from './types';

const NOT_THROTTLED: Admission = { ok: true, release: () => undefined };

export function errorResponse(
  req: GraphRequest,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): GraphResponse {
  return {
    status,
    headers: { ...headers, 'request-id': req.requestId, 'client-request-id': req.clientRequestId },
    body: graphErrorBody(code, message, req.requestId, req.clientRequestId),
  };
}

/** Serializes the JSON body once and returns the size in bytes of what will be sent. */
export function bodySize(res: GraphResponse): number {
  if (res.raw) return res.raw.length;
  if (res.body === undefined) return 0;
  res.encoded ??= Buffer.from(JSON.stringify(res.body));
  return res.encoded.length;
}

/**
 * One Graph request, outside or inside a $batch: authenticate, route, admit through the per app and mailbox
 * limiter, inject faults, run, hold the in-flight slot for the simulated latency, count.
 */
export class GraphPipeline {
  private readonly router: Router;

  constructor(private readonly ctx: SimContext) {
    this.router = new Router(ctx);
  }

  async handle(req: GraphRequest): Promise<GraphResponse> {
    const res = await this.run(req);
    res.headers['request-id'] = req.requestId;
    res.headers['client-request-id'] = req.clientRequestId;
    this.ctx.stats.status(res.status, bodySize(res));
    return res;
  }

  private async run(req: GraphRequest): Promise<GraphResponse> {
    const ctx = this.ctx;
    let caller: Caller;
    try {
      caller = authenticate(ctx, req);
    } catch (e) {
      ctx.stats.request('unauthenticated', undefined);
      return this.fromError(req, e);
    }
    const segs = segmentsOf(req.path);
    const route = this.router.match(req.method.toUpperCase(), segs);
    if (!route) {
      ctx.stats.request('unknown', undefined);
      return errorResponse(
        req,
        400,
        'BadRequest',
        `Resource not found for the segment '${segs[segs.length - 1] ?? ''}'.`,
      );
    }
    let mailbox;
    if (route.params.u !== undefined) {
      const ref = route.params.u.toLowerCase() === 'me' ? (caller.userId ?? '') : route.params.u;
      mailbox = ctx.store.find(ref);
      if (!mailbox) {
        ctx.stats.request(route.kind, undefined);
        return errorResponse(req, 404, 'ErrorInvalidUser', `The requested user '${route.params.u}' is invalid.`);
      }
    }
    const mbName = mailbox?.address;
    ctx.stats.request(route.kind, mbName);
    // Outlook's limits are per app and mailbox; requests without a mailbox (subscriptions) are not throttled.
    const admission = mailbox ? ctx.limiter.tryAcquire(`${caller.appId}|${mailbox.id}`) : NOT_THROTTLED;
    if (!admission.ok) {
      ctx.stats.throttled(admission.reason, mbName);
      const message =
        admission.reason === 'concurrency'
          ? 'Application is over its MailboxConcurrency limit.'
          : 'Application is over its request limit for this mailbox (TooManyRequests).';
      const code = admission.reason === 'concurrency' ? 'ApplicationThrottled' : 'TooManyRequests';
      return errorResponse(req, 429, code, message, { 'retry-after': String(admission.retryAfterSeconds) });
    }
    if (mbName) ctx.stats.enter(mbName);
    try {
      let res: GraphResponse;
      if (ctx.config.errorRate > 0 && ctx.rng() < ctx.config.errorRate) {
        ctx.stats.s.errorsInjected++;
        res =
          ctx.rng() < 0.7
            ? errorResponse(
                req,
                503,
                'serviceNotAvailable',
                'The service is temporarily unavailable. Please retry later.',
                { 'retry-after': '1' },
              )
            : errorResponse(req, 500, 'generalException', 'An unexpected error occurred (injected by graph-sim).');
      } else {
        try {
          res = await route.handler({ req, caller, params: route.params, mailbox });
        } catch (e) {
          res = this.fromError(req, e);
        }
      }
      const delay = latencyMs(ctx.config.latency, bodySize(res), ctx.rng);
      if (delay > 0) await sleep(delay);
      return res;
    } finally {
      admission.release();
      if (mbName) ctx.stats.leave(mbName);
    }
  }

  private fromError(req: GraphRequest, e: unknown): GraphResponse {
    if (e instanceof GraphError) return errorResponse(req, e.status, e.code, e.message, e.headers);
    const msg = e instanceof Error ? e.message : String(e);
    return errorResponse(req, 500, 'generalException', msg);
  }
}
