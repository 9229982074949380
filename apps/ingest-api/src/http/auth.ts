import { timingSafeEqual, createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { send } from './adapter';

/** Constant-time string comparison (hashing first makes lengths equal, so the length is not leaked either). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** `Authorization: Bearer <token>` (or basic auth with the token as password, for Bull Board in a browser). */
export function requireToken(token: string): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const [scheme, value = ''] = header.split(' ');
    let presented = '';
    if (scheme?.toLowerCase() === 'bearer') presented = value;
    else if (scheme?.toLowerCase() === 'basic')
      presented = Buffer.from(value, 'base64').toString().split(':').slice(1).join(':');
    if (presented && safeEqual(presented, token)) return next();
    res.set(
      'WWW-Authenticate',
      scheme?.toLowerCase() === 'basic' || req.path.startsWith('/admin') ? 'Basic realm="ms1"' : 'Bearer',
    );
    send(res, { status: 401, body: { error: 'unauthorized', message: 'missing or invalid bearer token' } });
  };
}
