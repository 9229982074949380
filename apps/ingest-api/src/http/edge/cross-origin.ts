import type { RequestHandler } from 'express';
import { HttpError } from '@ms1/shared';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses state-changing requests that a browser sends on behalf of another site (cross-site request forgery),
 * the way Go's `http.CrossOriginProtection` does:
 * 1. GET, HEAD and OPTIONS pass (they change nothing);
 * 2. an `Origin` listed in `trustedOrigins` (PUBLIC_BASE_URL's) passes;
 * 3. with `Sec-Fetch-Site` (every current browser sends it), only `same-origin` and `none` (typed by the user) pass;
 * 4. without it, a request without `Origin` passes (not a browser: curl, the CLI, Graph's webhook POSTs), and one
 *    whose `Origin` names this host passes; any other `Origin`, `null` included, gets 403.
 */
export function crossOriginGuard(trustedOrigins: readonly string[]): RequestHandler {
  const trusted = new Set(trustedOrigins);
  const refuse = (why: string) => new HttpError(403, `cross-origin request refused: ${why}`);
  return (req, _res, next) => {
    if (!STATE_CHANGING.has(req.method)) return next();
    const origin = single(req.headers.origin);
    if (origin !== undefined && trusted.has(origin)) return next();
    const site = single(req.headers['sec-fetch-site']);
    if (site !== undefined) {
      return site === 'same-origin' || site === 'none' ? next() : next(refuse(`Sec-Fetch-Site is ${site}`));
    }
    if (origin === undefined) return next();
    if (hostOf(origin) === req.headers.host) return next();
    next(refuse(`Origin ${origin.slice(0, 100)} is not this service`));
  };
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
