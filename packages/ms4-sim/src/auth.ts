// Bearer token check, timing-safe.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** True when no token is required, or when the Authorization header carries exactly `Bearer <token>`. */
export function authorized(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const m = /^Bearer (.+)$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(digest(m[1]), digest(token));
}
