import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from '@ms1/shared';

/** Constant-time string comparison (hashing first makes lengths equal, so the length is not leaked either). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function credentials(header: string | undefined): { scheme: string; secret: string } {
  const [scheme = '', value = ''] = (header ?? '').trim().split(/\s+/, 2);
  const lower = scheme.toLowerCase();
  if (lower === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return { scheme: lower, secret: colon < 0 ? '' : decoded.slice(colon + 1) };
  }
  return { scheme: lower, secret: value };
}

/**
 * The control API: `Authorization: Bearer <token>` only. Basic credentials are refused here even when right:
 * a browser replays them on its own to any page of the origin, which is what made cross-site posts work.
 */
export function requireBearer(token: string): RequestHandler {
  return (req, _res, next) => {
    const { scheme, secret } = credentials(req.headers.authorization);
    if (scheme === 'bearer' && secret && safeEqual(secret, token)) return next();
    next(
      new HttpError(
        401,
        scheme === 'basic'
          ? 'basic auth is for Bull Board only; send a bearer token'
          : 'missing or invalid bearer token',
        { headers: { 'WWW-Authenticate': 'Bearer realm="ms1"' } },
      ),
    );
  };
}

/** Bull Board: basic auth (any user name, the token as password) so that a browser can open it, or a bearer token. */
export function requireBoardCredentials(token: string): RequestHandler {
  return (req, _res, next) => {
    const { scheme, secret } = credentials(req.headers.authorization);
    if ((scheme === 'basic' || scheme === 'bearer') && secret && safeEqual(secret, token)) return next();
    next(
      new HttpError(401, 'Bull Board needs basic auth with the control API token as password', {
        headers: { 'WWW-Authenticate': 'Basic realm="ms1 Bull Board", charset="UTF-8"' },
      }),
    );
  };
}
