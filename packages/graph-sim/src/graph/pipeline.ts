import type { SimContext } from '../context';
import type { Mailbox } from '../state/mailbox';
import { serviceTimeMs } from '../throttle/latency';
import type { Admission } from '../throttle/limiter';
import { GraphError, graphErrorBody } from '../util/errors';
import { sleep } from '../util/time';
import { authenticate } from './auth';
import { idViewOf } from './id-view';
import { Router, segmentsOf } from './router';
import type { Caller, GraphHandler, GraphRequest, GraphResponse } from './types';
import { wireOf } from './wire';

/** Response header carrying the service time the Graph clock gave the request (ms), for tests and tooling. */
export const SERVICE_TIME_HEADER = 'x-graph-sim-service-ms';

const NOT_THROTTLED: Admission = { ok: true, release: () => undefined };

/** What the pipeline learned about a request, for the request log. */
interface Arrival {
  kind: string;
  mailbox: string | null;
  throttled: 'concurrency' | 'window' | null;
  inFlight: number;
}

/** An answer and the in-flight slot it still holds: call release once it has been written (or abandoned). */
export interface Handled {
  response: GraphResponse;
  release: () => void;
}

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

/** Lets every request that has already arrived be admitted before this one spends CPU on its answer. */
function afterPendingArrivals(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * One Graph request, outside or inside a $batch: authenticate, route, admit through the per app and mailbox
 * limiter, then build the answer and keep the in-flight slot for Graph's service time counted from admission
 * (round trip + transfer + jitter), and until the answer has been written. Admission happens when the request
 * arrives, before any answer is built, so requests that arrive together are admitted or refused together
 * however long graph-sim's own CPU takes.
 */
export class GraphPipeline {
  private readonly router: Router;

  constructor(private readonly ctx: SimContext) {
    this.router = new Router(ctx);
  }

  async handle(req: GraphRequest): Promise<Handled> {
    const seq = this.ctx.requests.arrive();
    const at = Date.now();
    const note: Arrival = { kind: 'unknown', mailbox: null, throttled: null, inFlight: 0 };
    const handled = await this.run(req, note);
    const res = handled.response;
    res.headers['request-id'] = req.requestId;
    res.headers['client-request-id'] = req.clientRequestId;
    this.ctx.stats.status(res.status, wireOf(res).size);
    const retryAfter = Number(res.headers['retry-after']);
    this.ctx.requests.add({
      seq,
      at,
      answeredAt: Date.now(),
      method: req.method.toUpperCase(),
      kind: note.kind,
      mailbox: note.mailbox,
      status: res.status,
      retryAfterSeconds: Number.isFinite(retryAfter) && res.headers['retry-after'] ? retryAfter : null,
      throttled: note.throttled,
      inFlightAtArrival: note.inFlight,
      inBatch: req.inBatch === true,
      clientRequestId: req.clientRequestId,
    });
    return handled;
  }

  private async run(req: GraphRequest, note: Arrival): Promise<Handled> {
    const ctx = this.ctx;
    const done = (response: GraphResponse): Handled => ({ response, release: () => undefined });
    let caller: Caller;
    try {
      caller = authenticate(ctx, req);
    } catch (e) {
      note.kind = 'unauthenticated';
      ctx.stats.request('unauthenticated', undefined);
      return done(this.fromError(req, e));
    }
    const segs = segmentsOf(req.path);
    const route = this.router.match(req.method.toUpperCase(), segs);
    if (!route) {
      ctx.stats.request('unknown', undefined);
      const last = segs[segs.length - 1] ?? '';
      return done(errorResponse(req, 400, 'BadRequest', `Resource not found for the segment '${last}'.`));
    }
    let mailbox: Mailbox | undefined;
    if (route.params.u !== undefined) {
      const ref = route.params.u.toLowerCase() === 'me' ? (caller.userId ?? '') : route.params.u;
      mailbox = ctx.store.find(ref);
      if (!mailbox) {
        note.kind = route.kind;
        ctx.stats.request(route.kind, undefined);
        const message = `The requested user '${route.params.u}' is invalid.`;
        return done(errorResponse(req, 404, 'ErrorInvalidUser', message));
      }
    }
    const mbName = mailbox?.address;
    note.kind = route.kind;
    note.mailbox = mbName ?? null;
    note.inFlight = mbName ? (ctx.stats.s.inFlight[mbName] ?? 0) : 0;
    ctx.stats.request(route.kind, mbName);
    if (mbName) ctx.stats.arrival(mbName);
    // Outlook's limits are per app and mailbox; requests without a mailbox (subscriptions) are not throttled.
    const forced = mailbox ? this.forcedThrottle(mailbox) : null;
    const admission: Admission = forced
      ? { ok: false, reason: 'window', retryAfterSeconds: forced }
      : mailbox
        ? ctx.limiter.tryAcquire(`${caller.appId}|${mailbox.id}`)
        : NOT_THROTTLED;
    if (!admission.ok) {
      note.throttled = admission.reason;
      ctx.stats.throttled(admission.reason, mbName);
      if (mbName) ctx.stats.retryAfterGiven(mbName, admission.retryAfterSeconds * 1000);
      const concurrency = admission.reason === 'concurrency';
      const message = concurrency
        ? 'Application is over its MailboxConcurrency limit.'
        : 'Application is over its request limit for this mailbox (TooManyRequests).';
      const code = concurrency ? 'ApplicationThrottled' : 'TooManyRequests';
      return done(errorResponse(req, 429, code, message, { 'retry-after': String(admission.retryAfterSeconds) }));
    }
    const admittedAt = performance.now();
    if (mbName) ctx.stats.enter(mbName);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      admission.release();
      if (mbName) ctx.stats.leave(mbName);
    };
    try {
      await afterPendingArrivals();
      const res = await this.answer(req, route.handler, { caller, params: route.params, mailbox });
      const serviceMs = serviceTimeMs(ctx.config.latency, wireOf(res).size, ctx.rng);
      res.headers[SERVICE_TIME_HEADER] = String(serviceMs);
      if (mbName) ctx.stats.service(mbName, serviceMs);
      const wait = admittedAt + serviceMs - performance.now();
      if (wait > 0) await sleep(wait);
      return { response: res, release };
    } catch (e) {
      release();
      throw e;
    }
  }

  /** A 429 of `throttleNext` for this mailbox (its Retry-After in seconds), spending one; null when none is due. */
  private forcedThrottle(mailbox: Mailbox): number | null {
    const next = this.ctx.config.throttleNext;
    if (!next || next.count <= 0) return null;
    if (next.mailbox !== null && this.ctx.store.find(next.mailbox) !== mailbox) return null;
    this.ctx.config.throttleNext = next.count > 1 ? { ...next, count: next.count - 1 } : null;
    return next.retryAfterSeconds;
  }

  private async answer(
    req: GraphRequest,
    handler: GraphHandler,
    input: { caller: Caller; params: Record<string, string>; mailbox: Mailbox | undefined },
  ): Promise<GraphResponse> {
    const ctx = this.ctx;
    if (ctx.config.errorRate > 0 && ctx.rng() < ctx.config.errorRate) {
      ctx.stats.s.errorsInjected++;
      return ctx.rng() < 0.7
        ? errorResponse(
            req,
            503,
            'serviceNotAvailable',
            'The service is temporarily unavailable. Please retry later.',
            {
              'retry-after': '1',
            },
          )
        : errorResponse(req, 500, 'generalException', 'An unexpected error occurred (injected by graph-sim).');
    }
    try {
      return await handler({ req, ...input, view: idViewOf(req) });
    } catch (e) {
      return this.fromError(req, e);
    }
  }

  private fromError(req: GraphRequest, e: unknown): GraphResponse {
    if (e instanceof GraphError) return errorResponse(req, e.status, e.code, e.message, e.headers);
    const msg = e instanceof Error ? e.message : String(e);
    return errorResponse(req, 500, 'generalException', msg);
  }
}
