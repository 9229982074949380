import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * The MSAL token cache is encrypted at rest with AES-256-GCM. The key is TOKEN_CACHE_KEY (64 hex characters);
 * without one (app-only mode outside production; production and delegated mode require the key), a key is derived
 * from the client secret with HKDF, so that only holders of the secret can read the cache either way.
 */
export function tokenCacheKey(tokenCacheKeyHex: string | null, clientSecret: string): Buffer {
  if (tokenCacheKeyHex) return Buffer.from(tokenCacheKeyHex, 'hex');
  return Buffer.from(hkdfSync('sha256', clientSecret, 'ms1-token-cache', 'aes-256-gcm', 32));
}

export function encryptCache(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
}

/** Returns null when the blob cannot be decrypted (other key, tampering): the cache then starts empty. */
export function decryptCache(blob: string, key: Buffer): string | null {
  const [version, iv, tag, body] = blob.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
