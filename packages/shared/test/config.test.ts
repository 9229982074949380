import { ConfigError, loadConfig } from '../src';

const base = {
  TENANT_ID: 'contoso',
  CLIENT_ID: 'client-id',
  CLIENT_SECRET: 'a-very-secret-value',
  CONTROL_API_TOKEN: 'control-token-123',
};

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig('ingest-api', base);
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    expect(c.redis.queuePrefix).toBe('ms1');
    expect(c.http.port).toBe(8000);
    expect(c.graph.authMode).toBe('app');
    expect(c.graph.authorityHost).toBe('https://login.microsoftonline.com');
    expect(c.graph.baseUrl).toBe('https://graph.microsoft.com/v1.0');
    expect(c.graph.folder).toBe('inbox');
    expect(c.processing.markAsRead).toBe(false);
    expect(c.log.level).toBe('info');
    expect(c.graph.maxConcurrency).toBe(4);
    expect(c.graph.maxRequestsPerWindow).toBe(10_000);
    expect(c.graph.windowMs).toBe(600_000);
  });

  it('names the missing variable in one line', () => {
    const { CLIENT_ID: _omit, ...env } = base;
    expect(() => loadConfig('ingest-api', env)).toThrow(ConfigError);
    expect(() => loadConfig('ingest-api', env)).toThrow(
      /^Invalid configuration for ingest-api: CLIENT_ID is required$/,
    );
  });

  it('requires what each app needs and nothing more', () => {
    expect(() => loadConfig('ms4-sender', {})).toThrow(/MS4_BASE_URL is required/);
    expect(loadConfig('ms4-sender', { MS4_BASE_URL: 'http://ms4.local:4500/' }).ms4.baseUrl).toBe(
      'http://ms4.local:4500',
    );
    expect(() => loadConfig('processor-worker', {})).toThrow(
      /TENANT_ID is required; CLIENT_ID is required; CLIENT_SECRET is required/,
    );
    expect(loadConfig('tool', {}).app).toBe('tool');
  });

  it('names a malformed variable without echoing its value', () => {
    let message = '';
    try {
      loadConfig('ingest-api', { ...base, PORT: 'eighty', REDIS_URL: 'http://wrong-scheme-secret' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/PORT must be a number/);
    expect(message).toMatch(/REDIS_URL must be a valid uri/);
    expect(message).not.toMatch(/wrong-scheme-secret/);
    expect(message.split('\n')).toHaveLength(1);
  });

  it('requires a 256-bit TOKEN_CACHE_KEY in delegated mode', () => {
    expect(() => loadConfig('ingest-api', { ...base, AUTH_MODE: 'delegated' })).toThrow(/TOKEN_CACHE_KEY is required/);
    expect(() => loadConfig('ingest-api', { ...base, AUTH_MODE: 'delegated', TOKEN_CACHE_KEY: 'abc' })).toThrow(
      /TOKEN_CACHE_KEY must be 64 hex characters/,
    );
    expect(
      loadConfig('ingest-api', { ...base, AUTH_MODE: 'delegated', TOKEN_CACHE_KEY: 'ab'.repeat(32) }).graph
        .tokenCacheKey,
    ).toBe('ab'.repeat(32));
  });

  it('parses lists and booleans, treats empty strings as unset', () => {
    const c = loadConfig('ingest-api', {
      ...base,
      MAILBOXES: 'a@x.example, b@x.example,',
      MARK_AS_READ: 'true',
      PUBLIC_BASE_URL: '',
    });
    expect(c.graph.mailboxes).toEqual(['a@x.example', 'b@x.example']);
    expect(c.processing.markAsRead).toBe(true);
    expect(c.webhooks.publicBaseUrl).toBeNull();
  });

  it('returns a frozen object and lists the secrets for redaction', () => {
    const c = loadConfig('ingest-api', {
      ...base,
      MS4_API_TOKEN: 'ms4-token-xyz',
      REDIS_URL: 'redis://:redis-pass-123@127.0.0.1:6379',
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.graph)).toBe(true);
    expect(() => {
      (c.graph as { clientId: string | null }).clientId = 'x';
    }).toThrow(TypeError);
    expect(c.secrets).toEqual(
      expect.arrayContaining(['a-very-secret-value', 'control-token-123', 'ms4-token-xyz', 'redis-pass-123']),
    );
  });
});

describe('.env.example', () => {
  it('lists exactly the variables of the schema', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('node:fs') as typeof import('node:fs');
    const text = fs.readFileSync(`${__dirname}/../../../.env.example`, 'utf8');
    const listed = text
      .split('\n')
      .map((l) => /^([A-Z0-9_]+)=/.exec(l)?.[1])
      .filter(Boolean)
      .sort();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { envSchema } = require('../src') as typeof import('../src');
    const keys = [...(envSchema.describe().keys ? Object.keys(envSchema.describe().keys as object) : [])].sort();
    expect(listed).toEqual(keys);
  });

  it('has every variable documented in the README', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('node:fs') as typeof import('node:fs');
    const readme = fs.readFileSync(`${__dirname}/../../../README.md`, 'utf8');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { envSchema } = require('../src') as typeof import('../src');
    const missing = Object.keys(envSchema.describe().keys as object).filter((k) => !readme.includes(`| \`${k}\` |`));
    expect(missing).toEqual([]);
  });
});
