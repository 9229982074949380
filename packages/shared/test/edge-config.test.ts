import { loadConfig } from '../src';

// The HTTP edge's settings and the Retry-After caps, as the one schema reads them.
const base = {
  TENANT_ID: 't',
  CLIENT_ID: 'c',
  CLIENT_SECRET: 'a-very-secret-value',
  CONTROL_API_TOKEN: 'control-token-123',
};

describe('edge configuration', () => {
  it('has fail-fast defaults', () => {
    const c = loadConfig('ingest-api', base);
    expect(c.http).toMatchObject({ trustProxy: ['loopback'], redisCommandTimeoutMs: 1000, requestTimeoutMs: 2000 });
    expect(c.webhooks).toMatchObject({ rateLimitMax: 600, rateLimitWindowMs: 60_000, lifecycleDedupMs: 600_000 });
    expect(c.graph.retryAfterMaxMs).toBe(600_000);
    expect(c.ms4.retryAfterMaxMs).toBe(300_000);
  });

  it('reads a hop count or a list of trusted proxies, and names a bad value', () => {
    expect(loadConfig('ingest-api', { ...base, HTTP_TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(loadConfig('ingest-api', { ...base, HTTP_TRUST_PROXY: 'loopback,10.0.0.0/8' }).http.trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
    ]);
    expect(() => loadConfig('ingest-api', { ...base, HTTP_TRUST_PROXY: 'any one' })).toThrow(/HTTP_TRUST_PROXY/);
    expect(() => loadConfig('ingest-api', { ...base, HTTP_REDIS_COMMAND_TIMEOUT_MS: '0' })).toThrow(
      /HTTP_REDIS_COMMAND_TIMEOUT_MS/,
    );
  });
});
