import { createHash } from 'node:crypto';

/**
 * What Redis keeps in place of a long id (a Graph message id is about 140 characters): 22 characters of its SHA-256
 * in base64url, 132 bits, so two ids of one window never meet. The seen-sets keep the digest they were first written
 * with (`apps/ingest-api/src/sync/cursor-store.ts`): another would make every message seen so far look new.
 */
export function shortDigest(id: string): string {
  return createHash('sha256').update(id).digest('base64url').slice(0, 22);
}
