/** Environment that satisfies every app's required variables, pointed at the test Redis and a queue prefix. */
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
