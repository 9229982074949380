import type { ErrorRequestHandler, Express, Request, RequestHandler, Response } from 'express';
import { errorBody, errorMessage, HttpError, type Logger } from '@ms1/shared';
import { withDeadline } from './edge/deadline';
import { redisUnavailable, type RedisGate } from './edge/redis-gate';
import type { AuthKind, HttpOutput, Route } from './route';

/** The thin Express adapter: the route table becomes Express routes; plain handlers never see Express. */
export function mountRoutes(
  app: Express,
  routes: readonly Route[],
  opts: { guards: Record<AuthKind, RequestHandler[]>; gate: RedisGate; defaultTimeoutMs: number },
): void {
  for (const route of routes) app[route.method](route.path, ...opts.guards[route.auth], runRoute(route, opts));
}

function runRoute(route: Route, opts: { gate: RedisGate; defaultTimeoutMs: number }): RequestHandler {
  return (req: Request, res: Response, next) => {
    if (route.needsRedis && !opts.gate.connected()) return next(redisUnavailable('not connected'));
    const params = Object.fromEntries(
      Object.entries(req.params).map(([k, v]) => [k, Array.isArray(v) ? v.join('/') : v]),
    );
    const work = route.run({ params, query: req.query, body: req.body as unknown, headers: req.headers });
    withDeadline(work, route.timeoutMs ?? opts.defaultTimeoutMs).then((out) => send(res, out), next);
  };
}

/** Writes a handler's answer: JSON unless it says otherwise (text goes out as text, never sniffed). */
export function send(res: Response, out: HttpOutput): void {
  if (out.headers) res.set(out.headers);
  res.set('Cache-Control', 'no-store');
  const type = out.contentType ?? 'application/json';
  res.status(out.status).type(type);
  if (type.startsWith('application/json')) res.send(JSON.stringify(out.body));
  else res.send(typeof out.body === 'string' ? out.body : String(out.body));
}

function sendError(res: Response, err: HttpError): void {
  send(res, { status: err.status, headers: err.headers, body: err.body() });
}

export function notFound(): RequestHandler {
  return (req, _res, next) => next(new HttpError(404, `no route for ${req.method} ${req.path}`));
}

/** What body-parser throws: `type` says what went wrong, `status` is a 4xx. */
interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  if (typeof err !== 'object' || err === null || !('type' in err) || !('status' in err)) return false;
  return typeof err.type === 'string' && typeof err.status === 'number' && err.status >= 400 && err.status < 500;
}

function fromBodyParser(err: BodyParserError): HttpError {
  if (err.type === 'entity.too.large') return new HttpError(413, 'request body is too large');
  if (err.type === 'entity.parse.failed')
    return new HttpError(400, 'request body is not valid JSON', { code: 'invalid_json' });
  return new HttpError(err.status, `request body refused (${err.type})`);
}

/**
 * The one error middleware, so every failure has the one shape (`{ "error": { "code", "message", ... } }`):
 * an HttpError answers with its status; body-parser's errors are 400/413; anything else is 503 when Redis does
 * not answer (the failure was Redis being away) and otherwise a 500 that is logged and tells nothing.
 */
export function errorMiddleware(logger: Logger, gate: RedisGate): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    void (async () => {
      if (err instanceof HttpError) return sendError(res, err);
      if (isBodyParserError(err)) return sendError(res, fromBodyParser(err));
      if (!(await gate.answers())) {
        logger.warn('request failed while Redis is unavailable', {
          method: req.method,
          path: req.path,
          err: errorMessage(err),
        });
        return sendError(res, redisUnavailable('no answer'));
      }
      logger.error('request failed', { method: req.method, path: req.path, err });
      sendError(res, new HttpError(500, 'internal error'));
    })().catch((failure: unknown) => {
      logger.error('error middleware failed', { err: failure });
      if (!res.headersSent) res.status(500).json(errorBody(500, 'internal error'));
    });
  };
}
