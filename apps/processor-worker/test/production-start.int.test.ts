import { DEMO_SECRETS } from '@ms1/shared';
import { cleanPrefix, productionEnv, startApp, testRedisUrl, uniquePrefix, type AppProcess } from '@ms1/test-utils';

// Attacks on a production start (NODE_ENV=production), each app as a real process: a secret it uses that is short
// or a demo value must stop it at once, with one line naming the variable and never echoing the value. (The old
// demo values and missing secrets are covered by packages/shared/test/config.test.ts.)
const SECRETS = {
  'ingest-api': ['CONTROL_API_TOKEN', 'CLIENT_SECRET', 'TOKEN_CACHE_KEY', 'WEBHOOK_CLIENT_STATE'],
  'processor-worker': ['CLIENT_SECRET', 'TOKEN_CACHE_KEY'],
  'ms4-sender': ['MS4_API_TOKEN'],
} as const;
type App = keyof typeof SECRETS;
type Secret = (typeof SECRETS)[App][number];

const cases = (Object.entries(SECRETS) as [App, readonly Secret[]][]).flatMap(([app, names]) =>
  names.map((name) => [app, name] as const),
);

/** A short value of the variable's own shape (TOKEN_CACHE_KEY must otherwise be 64 hex characters). */
const SHORT: Record<Secret, string> = {
  CONTROL_API_TOKEN: 'a-token-of-28-characters-xyz',
  CLIENT_SECRET: 'short-secret',
  TOKEN_CACHE_KEY: 'ab'.repeat(12),
  WEBHOOK_CLIENT_STATE: 'short-state',
  MS4_API_TOKEN: 'short-ms4-token',
};

describe('production start refuses unsafe secrets (apps as processes)', () => {
  const prefix = uniquePrefix('prod');
  const running: AppProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
  });
  afterAll(() => cleanPrefix(testRedisUrl(), prefix));

  const env = (extra: Record<string, string> = {}) =>
    productionEnv(testRedisUrl(), prefix, { PUBLIC_BASE_URL: 'https://ms1.example', ...extra });

  const refused = async (app: App, extra: Record<string, string>): Promise<string> => {
    const p = await startApp(app, { env: env(extra), noWait: true });
    running.push(p);
    const { code } = await p.exited;
    expect(code).not.toBe(0);
    const lines = p.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    return lines[0] ?? '';
  };

  it.each(cases)('%s refuses a short %s', async (app, name) => {
    const line = await refused(app, { [name]: SHORT[name] });
    expect(line).toMatch(new RegExp(`^Invalid configuration for ${app}: ${name} must be`));
    expect(line).not.toContain(SHORT[name]);
  });

  it.each(cases)('%s refuses the demo %s', async (app, name) => {
    const line = await refused(app, { [name]: DEMO_SECRETS[name] });
    expect(line).toBe(
      `Invalid configuration for ${app}: ${name} is a demo value; production needs a secret of its own`,
    );
  });

  it.each(Object.keys(SECRETS) as App[])('%s starts in production with strong secrets', async (app) => {
    const p = await startApp(app, { env: env() });
    running.push(p);
    expect(p.output()).toMatch(/"message":"started"/);
    expect(await p.stop()).toBe(0);
  });
});
