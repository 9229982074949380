import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '@ms1/shared';
import { HttpError, type HttpHandler, type HttpOutput } from './types';

/** The one async wrapper: runs a plain handler and writes its answer; errors go to the error middleware. */
export function route(handler: HttpHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    handler({
      params: req.params as Record<string, string>,
      query: req.query as Record<string, unknown>,
      body: req.body as unknown,
      headers: req.headers,
    })
      .then((out) => send(res, out))
      .catch(next);
  };
}

export function send(res: Response, out: HttpOutput): void {
  if (out.headers) res.set(out.headers);
  const type = out.contentType ?? 'application/json';
  res.status(out.status).type(type);
  if (type.startsWith('application/json')) res.send(JSON.stringify(out.body));
  else res.send(typeof out.body === 'string' ? out.body : String(out.body));
}

export function notFound(): RequestHandler {
  return (req, res) =>
    send(res, { status: 404, body: { error: 'not_found', message: `no route for ${req.method} ${req.path}` } });
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** The one error middleware: HttpError -> its status; body-parser errors -> 400/413; anything else -> 500 without details. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof HttpError) {
      send(res, { status: err.status, body: { error: codeFor(err.status), message: err.message, ...err.details } });
      return;
    }
    const e = err as BodyParserError;
    if (e?.type === 'entity.too.large') {
      send(res, { status: 413, body: { error: 'payload_too_large', message: 'request body is too large' } });
      return;
    }
    if (e?.type === 'entity.parse.failed') {
      send(res, { status: 400, body: { error: 'invalid_json', message: 'request body is not valid JSON' } });
      return;
    }
    logger.error('request failed', { method: req.method, path: req.path, err });
    send(res, { status: 500, body: { error: 'internal_error', message: 'internal error' } });
  };
}

function codeFor(status: number): string {
  return (
    (
      {
        400: 'invalid_request',
        401: 'unauthorized',
        403: 'forbidden',
        404: 'not_found',
        409: 'conflict',
        413: 'payload_too_large',
        503: 'unavailable',
      } as Record<number, string>
    )[status] ?? 'error'
  );
}
