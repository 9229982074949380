import { randomBytes } from 'node:crypto';
import type { IngestApiConfig, MsalTokenProvider, RedisConnection } from '@ms1/shared';
import { HttpError, type HttpHandler } from '../types';

const STATE_TTL_S = 600;

/**
 * Delegated sign-in (AUTH_MODE=delegated), replacing the old `get_access_token` script: `/auth/login` sends the
 * person to Microsoft's sign-in, `/auth/callback` redeems the code; the tokens land in the shared, encrypted MSAL
 * cache in Redis, so every replica uses them and a restart needs no new login. The `state` parameter (kept in
 * Redis for ten minutes, used once) ties the callback to a login this service started.
 */
export function authRoutes(deps: {
  config: IngestApiConfig;
  tokens: MsalTokenProvider;
  redis: RedisConnection;
  keyPrefix: string;
}) {
  const { config } = deps;
  const redirectUri = `${config.webhooks.publicBaseUrl ?? `http://localhost:${config.http.port}`}/auth/callback`;
  const stateKey = (state: string) => `${deps.keyPrefix}:auth-state:${state}`;

  const login: HttpHandler = async () => {
    if (config.graph.authMode !== 'delegated')
      throw new HttpError(
        409,
        'AUTH_MODE is app: the service signs in with its client credentials, no login is needed',
      );
    const state = randomBytes(16).toString('hex');
    await deps.redis.set(stateKey(state), '1', 'EX', STATE_TTL_S);
    const url = await deps.tokens.authCodeUrl(redirectUri, state);
    return { status: 302, headers: { Location: url }, body: { location: url } };
  };

  const callback: HttpHandler = async ({ query }) => {
    if (config.graph.authMode !== 'delegated') throw new HttpError(409, 'AUTH_MODE is app: no login is needed');
    if (typeof query.error === 'string') throw new HttpError(400, `sign-in failed: ${query.error}`);
    const state = typeof query.state === 'string' ? query.state : '';
    const code = typeof query.code === 'string' ? query.code : '';
    if (!code) throw new HttpError(400, 'code: missing from the callback', { field: 'code' });
    if (!state || (await deps.redis.getdel(stateKey(state))) === null)
      throw new HttpError(400, 'state: unknown or expired; start again at /auth/login', { field: 'state' });
    const account = await deps.tokens.redeemCode(code, redirectUri);
    return { status: 200, body: { status: 'signed_in', account } };
  };

  return { login, callback };
}
