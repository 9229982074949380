import { ConfidentialClientApplication } from '@azure/msal-node';
import { startGraphSim, type GraphSim } from '../src';
import { signJwt } from '../src/identity/jwt';
import { admin, CLIENT_ID, CLIENT_SECRET, graphFetch, msalApp, TENANT } from './helpers/clients';
import { trustCa } from './helpers/trust-ca';

describe('identity (real @azure/msal-node)', () => {
  let sim: GraphSim;
  let strict: GraphSim;

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: ['ap@contoso.example'] });
    strict = await startGraphSim({
      port: 0,
      mailboxes: ['ap@contoso.example'],
      credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    });
    trustCa(sim.caPem);
    trustCa(strict.caPem);
  });
  afterAll(async () => {
    await sim.stop();
    await strict.stop();
  });

  it('client credentials: MSAL reads the OpenID configuration and gets a Graph token', async () => {
    const r = await msalApp(sim).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    expect(r?.accessToken).toBeTruthy();
    const claims = JSON.parse(Buffer.from((r?.accessToken ?? '').split('.')[1], 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims.aud).toBe('https://graph.microsoft.com');
    expect(claims.appid).toBe(CLIENT_ID);
    expect(typeof claims.tid).toBe('string');
    expect(typeof claims.exp).toBe('number');
    const res = await graphFetch(sim, r?.accessToken ?? '', '/users/ap@contoso.example/mailFolders');
    expect(res.status).toBe(200);
    const stats = await admin<{ tokenRequests: number }>(sim, 'GET', '/stats');
    expect(stats.body.tokenRequests).toBeGreaterThanOrEqual(1);
  });

  it('strict credentials: a wrong secret is refused, the right one accepted', async () => {
    await expect(
      msalApp(strict, 'wrong').acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }),
    ).rejects.toThrow(/invalid_client|7000215/);
    const ok = await msalApp(strict).acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    expect(ok?.accessToken).toBeTruthy();
  });

  it('authorization code via /authorize auto-consent, then refresh token', async () => {
    const app: ConfidentialClientApplication = msalApp(sim);
    const redirectUri = 'http://localhost:3999/auth/callback';
    const scopes = ['https://graph.microsoft.com/Mail.ReadWrite', 'offline_access'];
    const url = await app.getAuthCodeUrl({ scopes, redirectUri, state: 'st-42', loginHint: 'ap@contoso.example' });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location') ?? '');
    expect(loc.origin + loc.pathname).toBe(redirectUri);
    expect(loc.searchParams.get('state')).toBe('st-42');
    const code = loc.searchParams.get('code') ?? '';
    const result = await app.acquireTokenByCode({ code, scopes, redirectUri });
    expect(result.account?.username).toBe('ap@contoso.example');
    expect(result.idTokenClaims).toMatchObject({ preferred_username: 'ap@contoso.example' });
    const me = await graphFetch(sim, result.accessToken, '/me/mailFolders/inbox/messages');
    expect(me.status).toBe(200);
    const account = result.account;
    if (!account) throw new Error('no account');
    const refreshed = await app.acquireTokenSilent({ account, scopes, forceRefresh: true });
    expect(refreshed.accessToken).toBeTruthy();
    expect(refreshed.accessToken).not.toBe(result.accessToken);
    const stats = await admin<{ tokenRequestsByGrant: Record<string, number> }>(sim, 'GET', '/stats');
    expect(stats.body.tokenRequestsByGrant.refresh_token).toBeGreaterThanOrEqual(1);
    expect(stats.body.tokenRequestsByGrant.authorization_code).toBeGreaterThanOrEqual(1);
  });

  it('answers 401 InvalidAuthenticationToken for missing, expired, forged and wrong-audience tokens', async () => {
    const keys = sim.context.keys;
    const now = Math.floor(Date.now() / 1000);
    const expired = signJwt(keys, { aud: 'https://graph.microsoft.com', exp: now - 10, appid: CLIENT_ID, tid: TENANT });
    const wrongAud = signJwt(keys, {
      aud: 'https://management.azure.com',
      exp: now + 600,
      appid: CLIENT_ID,
      tid: TENANT,
    });
    const forged = signJwt(strict.context.keys, {
      aud: 'https://graph.microsoft.com',
      exp: now + 600,
      appid: CLIENT_ID,
      tid: TENANT,
    });
    for (const token of ['', expired, wrongAud, forged, 'not-a-jwt']) {
      const res = await graphFetch(sim, token, '/users/ap@contoso.example/messages');
      expect(res.status).toBe(401);
      const body = (await res.json()) as {
        error: { code: string; message: string; innerError: Record<string, string> };
      };
      expect(body.error.code).toBe('InvalidAuthenticationToken');
      expect(Object.keys(body.error.innerError).sort()).toEqual(['client-request-id', 'date', 'request-id']);
    }
  });
});
