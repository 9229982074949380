import { randomBytes, randomUUID } from 'node:crypto';

/** Opaque Exchange-looking ids ("AAMkAG..."), URL-safe like Graph's immutable ids. */
export function exchangeId(prefix = 'AAMkAG'): string {
  return prefix + randomBytes(48).toString('base64url');
}

export function uuid(): string {
  return randomUUID();
}

export function changeKey(): string {
  return 'CQAAABYAAA' + randomBytes(12).toString('base64url');
}
