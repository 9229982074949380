import { randomBytes } from 'node:crypto';
import Joi from 'joi';
import { HttpError, type Config, type MsalTokenProvider, type RedisConnection } from '@ms1/shared';
import type { HttpHandler } from '../route';

const STATE_TTL_S = 600;

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
}

export const callbackQuery = Joi.object<CallbackQuery>({
  code: Joi.string().max(4096),
  state: Joi.string().max(128),
  error: Joi.string().max(200),
}).unknown(true);

/**
 * Delegated sign-in (AUTH_MODE=delegated), replacing the old `get_access_token` script: `/auth/login` (bearer
 * token) answers 302 to Microsoft's sign-in, `/auth/callback` redeems the code; the tokens land in the shared,
 * encrypted MSAL cache in Redis, so every replica uses them and a restart needs no new login. The `state`
 * parameter (kept in Redis for ten minutes, used once) ties the callback to a login this service started.
 */
export function authHandlers(deps: {
  config: Config;
  tokens: MsalTokenProvider;
  redis: RedisConnection;
  keyPrefix: string;
}) {
  const { config } = deps;
  const redirectUri = `${config.webhooks.publicBaseUrl ?? `http://localhost:${config.http.port}`}/auth/callback`;
  const stateKey = (state: string) => `${deps.keyPrefix}:auth-state:${state}`;
  const appMode = () => new HttpError(409, 'AUTH_MODE is app: the service signs in with its client credentials');

  const login: HttpHandler = async () => {
    if (config.graph.authMode !== 'delegated') throw appMode();
    const state = randomBytes(16).toString('hex');
    await deps.redis.set(stateKey(state), '1', 'EX', STATE_TTL_S);
    const url = await deps.tokens.authCodeUrl(redirectUri, state);
    return { status: 302, headers: { Location: url }, body: { location: url } };
  };

  const callback: HttpHandler<unknown, CallbackQuery> = async ({ query }) => {
    if (config.graph.authMode !== 'delegated') throw appMode();
    if (query.error) throw HttpError.badRequest('error', `sign-in failed: ${query.error}`);
    if (!query.code) throw HttpError.badRequest('code', 'code: missing from the callback');
    if (!query.state || (await deps.redis.getdel(stateKey(query.state))) === null)
      throw HttpError.badRequest('state', 'state: unknown or expired; start again at /auth/login');
    const account = await deps.tokens.redeemCode(query.code, redirectUri);
    return { status: 200, body: { status: 'signed_in', account } };
  };

  return { login, callback };
}
