import { ConfigError, DEMO_SECRETS, demoSecretValues, loadConfig } from '../src';

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

describe('loadConfig: each app loads exactly its part', () => {
  it('ignores the variables an app does not use, even malformed ones', () => {
    const c = loadConfig('ms4-sender', { MS4_BASE_URL: 'http://ms4.local', PORT: 'eighty', CLIENT_ID: '' });
    expect(c.ms4.baseUrl).toBe('http://ms4.local');
    expect(Object.keys(c).sort()).toEqual(
      [
        'app',
        'http',
        'jobs',
        'log',
        'ms4',
        'nodeEnv',
        'redis',
        'retention',
        'secrets',
        'sessionHistoryLimit',
        'shutdownTimeoutMs',
      ].sort(),
    );
    expect(c.http).toEqual({ healthPort: null });
    expect(() => loadConfig('ingest-api', { ...base, PORT: 'eighty' })).toThrow(/PORT must be a number/);
  });

  it('requires TOKEN_CACHE_KEY in delegated mode wherever the token cache is used', () => {
    const env = { ...base, AUTH_MODE: 'delegated' };
    expect(() => loadConfig('processor-worker', env)).toThrow(
      /^Invalid configuration for processor-worker: TOKEN_CACHE_KEY is required$/,
    );
    expect(loadConfig('processor-worker', { ...env, TOKEN_CACHE_KEY: 'cd'.repeat(32) }).graph.tokenCacheKey).toBe(
      'cd'.repeat(32),
    );
  });
});

describe('loadConfig in production: secrets must be set, long and not a demo value', () => {
  const strong = (name: string) => `${name.toLowerCase()}-${'x'.repeat(40)}`;
  const production = {
    NODE_ENV: 'production',
    TENANT_ID: 'contoso',
    CLIENT_ID: 'client-id',
    MS4_BASE_URL: 'https://ms4.example',
    CONTROL_API_TOKEN: strong('CONTROL_API_TOKEN'),
    CLIENT_SECRET: strong('CLIENT_SECRET'),
    TOKEN_CACHE_KEY: 'ab'.repeat(32),
    MS4_API_TOKEN: strong('MS4_API_TOKEN'),
    PUBLIC_BASE_URL: 'https://ms1.example',
    WEBHOOK_CLIENT_STATE: strong('WEBHOOK_CLIENT_STATE'),
  };
  const secretsOf = {
    'ingest-api': ['CONTROL_API_TOKEN', 'CLIENT_SECRET', 'TOKEN_CACHE_KEY', 'WEBHOOK_CLIENT_STATE'],
    'processor-worker': ['CLIENT_SECRET', 'TOKEN_CACHE_KEY'],
    'ms4-sender': ['MS4_API_TOKEN'],
  } as const;

  it('starts with strong secrets', () => {
    for (const app of Object.keys(secretsOf) as (keyof typeof secretsOf)[])
      expect(loadConfig(app, production).nodeEnv).toBe('production');
  });

  for (const [app, names] of Object.entries(secretsOf) as [keyof typeof secretsOf, readonly string[]][]) {
    for (const name of names) {
      it(`${app} refuses a missing, short or demo ${name}, naming it`, () => {
        const { [name as keyof typeof production]: _omit, ...missing } = production;
        expect(() => loadConfig(app, missing)).toThrow(
          new RegExp(`^Invalid configuration for ${app}: ${name} is required in production$`),
        );
        expect(() =>
          loadConfig(app, { ...production, [name]: name === 'TOKEN_CACHE_KEY' ? 'ab'.repeat(15) : 'short-but-8+' }),
        ).toThrow(new RegExp(`^Invalid configuration for ${app}: ${name} must be`));
        const demos = [...demoSecretValues].filter((d) => name !== 'TOKEN_CACHE_KEY' || /^[0-9a-f]{64}$/.test(d));
        for (const demo of demos) {
          let message = '';
          try {
            loadConfig(app, { ...production, [name]: demo });
          } catch (err) {
            message = (err as Error).message;
          }
          expect(message).toMatch(new RegExp(`^Invalid configuration for ${app}: ${name} `));
          expect(message).not.toContain(demo);
        }
      });
    }
  }

  it('asks for WEBHOOK_CLIENT_STATE only when webhooks can be used (PUBLIC_BASE_URL set)', () => {
    const { PUBLIC_BASE_URL: _url, WEBHOOK_CLIENT_STATE: _state, ...noWebhooks } = production;
    expect(loadConfig('ingest-api', noWebhooks).webhooks).toMatchObject({ publicBaseUrl: null, clientState: null });
  });

  it('keeps the old rules outside production', () => {
    const dev = { ...base, CONTROL_API_TOKEN: 'change-me-demo-token', CLIENT_SECRET: 'demo-client-secret' };
    expect(loadConfig('ingest-api', dev).http.controlApiToken).toBe('change-me-demo-token');
    expect(() => loadConfig('ingest-api', { ...dev, CONTROL_API_TOKEN: 'short' })).toThrow(
      /^Invalid configuration for ingest-api: CONTROL_API_TOKEN length must be at least 8 characters long$/,
    );
    expect(loadConfig('ms4-sender', { MS4_BASE_URL: 'http://ms4.local' }).ms4.apiToken).toBeNull();
  });

  it('lists every demo value of the brief, and DEMO_SECRETS names the variable each belongs to', () => {
    expect(demoSecretValues).toHaveLength(8);
    expect(Object.keys(DEMO_SECRETS).sort()).toEqual(
      ['CLIENT_SECRET', 'CONTROL_API_TOKEN', 'MS4_API_TOKEN', 'TOKEN_CACHE_KEY', 'WEBHOOK_CLIENT_STATE'].sort(),
    );
  });
});
