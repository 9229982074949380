import { createSign, createVerify, generateKeyPairSync, KeyObject, randomBytes } from 'node:crypto';

export type JwtClaims = Record<string, string | number | boolean | string[] | undefined>;

export interface JwtKeys {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function createJwtKeys(): JwtKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: randomBytes(12).toString('base64url'), privateKey, publicKey };
}

export function jwks(keys: JwtKeys): { keys: Record<string, unknown>[] } {
  const jwk = keys.publicKey.export({ format: 'jwk' });
  return { keys: [{ kty: 'RSA', use: 'sig', kid: keys.kid, x5t: keys.kid, n: jwk.n, e: jwk.e }] };
}

function b64json(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

export function signJwt(keys: JwtKeys, claims: JwtClaims): string {
  const head = b64json({ typ: 'JWT', alg: 'RS256', kid: keys.kid, x5t: keys.kid });
  const input = `${head}.${b64json(claims)}`;
  const sig = createSign('RSA-SHA256').update(input).sign(keys.privateKey).toString('base64url');
  return `${input}.${sig}`;
}

export type VerifyResult = { ok: true; claims: JwtClaims } | { ok: false; reason: string };

/** Verifies an RS256 JWT signed by the sim: signature, expiry and audience. */
export function verifyJwt(keys: JwtKeys, token: string, audiences: string[]): VerifyResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'IDX14100: JWT is not well formed, there are no dots (.).' };
  let header: { alg?: string };
  let claims: JwtClaims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: string };
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as JwtClaims;
  } catch {
    return { ok: false, reason: 'JWT is not well formed.' };
  }
  if (header.alg !== 'RS256') return { ok: false, reason: 'Invalid signature algorithm.' };
  const valid = createVerify('RSA-SHA256')
    .update(`${parts[0]}.${parts[1]}`)
    .verify(keys.publicKey, Buffer.from(parts[2], 'base64url'));
  if (!valid) return { ok: false, reason: 'Invalid signature.' };
  const exp = typeof claims.exp === 'number' ? claims.exp : 0;
  if (exp * 1000 <= Date.now()) return { ok: false, reason: 'Lifetime validation failed, the token is expired.' };
  if (typeof claims.aud !== 'string' || !audiences.includes(claims.aud)) {
    return { ok: false, reason: 'Invalid audience.' };
  }
  return { ok: true, claims };
}
