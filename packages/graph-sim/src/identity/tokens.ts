import { randomBytes } from 'node:crypto';
import type { Mailbox } from '../state/mailbox';
import { signJwt, type JwtKeys } from './jwt';
import { guidFor } from './tenant';

const LIFETIME_S = 3599;

function base(tid: string, clientId: string): Record<string, string | number> {
  const now = Math.floor(Date.now() / 1000);
  return {
    aud: 'https://graph.microsoft.com',
    iss: `https://sts.windows.net/${tid}/`,
    iat: now,
    nbf: now,
    exp: now + LIFETIME_S,
    tid,
    appid: clientId,
    appidacr: '1',
    ver: '1.0',
    uti: randomBytes(16).toString('base64url'),
  };
}

/** App-only access token (client credentials). */
export function appAccessToken(keys: JwtKeys, tid: string, clientId: string): string {
  const sp = guidFor(`sp:${clientId}`);
  return signJwt(keys, {
    ...base(tid, clientId),
    oid: sp,
    sub: sp,
    idtyp: 'app',
    roles: ['Mail.ReadWrite', 'Mail.Read'],
    app_displayname: 'graph-sim client',
  });
}

/** Delegated access token for a mailbox owner. */
export function userAccessToken(keys: JwtKeys, tid: string, clientId: string, mb: Mailbox, scope: string): string {
  const scp = scope
    .split(' ')
    .map((s) => s.replace(/^https:\/\/graph\.microsoft\.com\//, ''))
    .filter((s) => s && !s.startsWith('.'))
    .join(' ');
  return signJwt(keys, {
    ...base(tid, clientId),
    oid: mb.id,
    sub: guidFor(`sub:${mb.id}`),
    idtyp: 'user',
    scp: scp || 'Mail.ReadWrite',
    upn: mb.address,
    unique_name: mb.address,
    name: mb.displayName,
  });
}

export function idToken(
  keys: JwtKeys,
  issuer: string,
  tid: string,
  clientId: string,
  mb: Mailbox,
  nonce?: string,
): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(keys, {
    aud: clientId,
    iss: issuer,
    iat: now,
    nbf: now,
    exp: now + LIFETIME_S,
    name: mb.displayName,
    oid: mb.id,
    preferred_username: mb.address,
    email: mb.address,
    sub: guidFor(`sub:${mb.id}`),
    tid,
    ver: '2.0',
    nonce,
  });
}

export function clientInfo(mb: Mailbox, tid: string): string {
  return Buffer.from(JSON.stringify({ uid: mb.id, utid: tid })).toString('base64url');
}

export const ACCESS_TOKEN_LIFETIME_S = LIFETIME_S;
