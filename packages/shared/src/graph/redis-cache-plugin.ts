import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import type { Logger } from '../logging/logger';
import type { RedisConnection } from '../redis/connection';
import { decryptCache, encryptCache } from './token-cache-crypto';

/**
 * MSAL cache persistence in Redis, encrypted: every replica reads the same tokens (so a token acquired by one
 * serves all) and a restart needs no new login.
 */
export class RedisTokenCachePlugin implements ICachePlugin {
  constructor(
    private readonly redis: RedisConnection,
    private readonly key: string,
    private readonly encryptionKey: Buffer,
    private readonly logger: Logger,
  ) {}

  async beforeCacheAccess(cacheAccess: TokenCacheContext): Promise<void> {
    const blob = await this.redis.get(this.key);
    if (!blob) return;
    const plain = decryptCache(blob, this.encryptionKey);
    if (plain === null) {
      this.logger.warn('token cache in Redis could not be decrypted (key changed?); starting with an empty cache');
      return;
    }
    cacheAccess.tokenCache.deserialize(plain);
  }

  async afterCacheAccess(cacheAccess: TokenCacheContext): Promise<void> {
    if (!cacheAccess.cacheHasChanged) return;
    await this.redis.set(this.key, encryptCache(cacheAccess.tokenCache.serialize(), this.encryptionKey));
  }
}
