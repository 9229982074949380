import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import { httpHarness, type HttpHarness } from '../helpers/http-harness';

const input = (query: Record<string, string> = {}) => ({ params: {}, query, body: {}, headers: {} });

describe('delegated sign-in handlers', () => {
  let h: HttpHarness | undefined;
  let sim: GraphSim | undefined;
  afterEach(async () => {
    await h?.close();
    await sim?.stop();
    h = undefined;
    sim = undefined;
  });

  it('answer 409 in app mode: the service signs in with its client credentials', async () => {
    h = await httpHarness({ AUTH_MODE: 'app' });
    await expect(h.handlers.auth.login(input())).rejects.toMatchObject({ status: 409 });
    await expect(h.handlers.auth.callback(input({ code: 'c', state: 's' }))).rejects.toMatchObject({ status: 409 });
  });

  it('login keeps a one-time state in Redis; the callback refuses a missing code and a state it did not issue', async () => {
    // MSAL reads the authority's metadata before it builds a sign-in URL: graph-sim plays the identity platform.
    sim = await startGraphSim({ port: 0, mailboxes: [] });
    trustCa(sim.caPem);
    h = await httpHarness({
      AUTH_MODE: 'delegated',
      AUTHORITY_HOST: sim.authorityHost,
      GRAPH_BASE_URL: sim.graphBaseUrl,
      TOKEN_CACHE_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
    });
    const login = await h.handlers.auth.login(input());
    expect(login.status).toBe(302);
    const location = new URL(login.headers?.Location ?? '');
    const state = location.searchParams.get('state') ?? '';
    expect(state).toMatch(/^[0-9a-f]{32}$/);
    expect(location.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:9/auth/callback');
    expect(await h.side.connection.exists(`{${h.prefix}}:auth-state:${state}`)).toBe(1);

    await expect(h.handlers.auth.callback(input({ state }))).rejects.toMatchObject({
      status: 400,
      details: { field: 'code' },
    });
    await expect(h.handlers.auth.callback(input({ code: 'c', state: 'forged' }))).rejects.toMatchObject({
      status: 400,
      details: { field: 'state' },
    });
    await expect(h.handlers.auth.callback(input({ error: 'access_denied' }))).rejects.toMatchObject({
      status: 400,
      details: { field: 'error' },
    });
  });
});
