import { randomBytes } from 'node:crypto';

/**
 * Environment that satisfies every app's required variables, pointed at the test Redis and a queue prefix. The
 * apps run with NODE_ENV=test (see `startApp`), where short secrets are allowed; `productionEnv` is the same with
 * NODE_ENV=production and secrets that production accepts.
 */
export function appEnv(
  redisUrl: string,
  queuePrefix: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    CONTROL_API_TOKEN: 'test-control-token',
    TENANT_ID: 'contoso',
    CLIENT_ID: '11111111-2222-3333-4444-555555555555',
    CLIENT_SECRET: 'test-client-secret',
    MS4_BASE_URL: 'http://127.0.0.1:9',
    HEALTH_PORT: '0',
    PORT: '0',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...extra,
  };
}

/** Fresh random secrets of every secret variable, long enough for production (TOKEN_CACHE_KEY: 64 hex). */
export function strongSecrets(): Record<string, string> {
  const secret = () => randomBytes(24).toString('base64url');
  return {
    CONTROL_API_TOKEN: secret(),
    CLIENT_SECRET: secret(),
    WEBHOOK_CLIENT_STATE: secret(),
    MS4_API_TOKEN: secret(),
    TOKEN_CACHE_KEY: randomBytes(32).toString('hex'),
  };
}

/** `appEnv` with NODE_ENV=production and strong secrets (a start as production would see it). */
export function productionEnv(
  redisUrl: string,
  queuePrefix: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return appEnv(redisUrl, queuePrefix, { NODE_ENV: 'production', ...strongSecrets(), ...extra });
}
