import type { SimContext } from '../context';
import { verifyJwt } from '../identity/jwt';
import { GraphError } from '../util/errors';
import type { Caller, GraphRequest } from './types';

export const GRAPH_AUDIENCES = ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'];

function unauthorized(message: string): GraphError {
  return new GraphError(401, 'InvalidAuthenticationToken', message, {
    'www-authenticate':
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  });
}

/** Verifies the bearer access token of a Graph request. */
export function authenticate(ctx: SimContext, req: GraphRequest): Caller {
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(h);
  if (!m) throw unauthorized('Access token is empty.');
  const res = verifyJwt(ctx.keys, m[1].trim(), GRAPH_AUDIENCES);
  if (!res.ok)
    throw unauthorized(
      res.reason.includes('expired')
        ? 'Lifetime validation failed, the token is expired.'
        : `Access token validation failure. ${res.reason}`,
    );
  const c = res.claims;
  const appId = typeof c.appid === 'string' ? c.appid : typeof c.azp === 'string' ? c.azp : '';
  return {
    appId,
    tenantId: typeof c.tid === 'string' ? c.tid : '',
    userId: c.idtyp === 'user' && typeof c.oid === 'string' ? c.oid : undefined,
  };
}
