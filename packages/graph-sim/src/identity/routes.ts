import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { SimContext } from '../context';
import type { Mailbox } from '../state/mailbox';
import { GrantStore, type DelegatedGrant } from './grants';
import { jwks } from './jwt';
import { tenantGuid } from './tenant';
import { ACCESS_TOKEN_LIFETIME_S, appAccessToken, clientInfo, idToken, userAccessToken } from './tokens';

function aadError(res: Response, status: number, error: string, code: number, description: string): void {
  res.status(status).json({
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: graph-sim Correlation ID: graph-sim Timestamp: ${new Date().toISOString()}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: 'graph-sim',
    correlation_id: 'graph-sim',
  });
}

function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The Microsoft identity platform endpoints MSAL uses: OpenID configuration, instance discovery, keys, token, authorize. */
export function identityRouter(ctx: SimContext): express.Router {
  const r = express.Router();
  const grants = new GrantStore();
  const form = express.urlencoded({ extended: false, limit: '1mb' });

  const openIdConfig = (tenant: string) => ({
    token_endpoint: `${ctx.origin}/${tenant}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${ctx.origin}/${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${ctx.origin}/${tenantGuid(tenant, ctx.credentials?.tenantId)}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${ctx.origin}/oidc/userinfo`,
    authorization_endpoint: `${ctx.origin}/${tenant}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${ctx.origin}/${tenant}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${ctx.origin}/${tenant}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'oid',
    ],
    kerberos_endpoint: `${ctx.origin}/${tenant}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  });

  r.get('/:tenant/v2.0/.well-known/openid-configuration', (req, res) => {
    res.json(openIdConfig(str(req.params.tenant)));
  });
  r.get('/:tenant/discovery/instance', (req, res) => {
    const host = new URL(ctx.origin).host;
    res.json({
      tenant_discovery_endpoint: `${ctx.origin}/${str(req.params.tenant)}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  });
  r.get('/:tenant/discovery/v2.0/keys', (_req, res) => {
    res.json(jwks(ctx.keys));
  });

  /** Auto-consent: redirect straight back with a code (and client_info when asked). */
  r.get('/:tenant/oauth2/v2.0/authorize', (req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const clientId = str(q.client_id);
    const redirectUri = str(q.redirect_uri);
    if (!clientId || !redirectUri)
      return aadError(
        res,
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'client_id' and 'redirect_uri'.",
      );
    if (ctx.credentials && ctx.credentials.clientId !== clientId)
      return aadError(
        res,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found.`,
      );
    const tenant = str(req.params.tenant);
    const mb = userFor(str(q.login_hint));
    const code = grants.issueCode({
      clientId,
      userAddress: mb.address,
      scope: str(q.scope),
      tenant,
      redirectUri,
      nonce: str(q.nonce) || undefined,
      codeChallenge: str(q.code_challenge) || undefined,
      codeChallengeMethod: str(q.code_challenge_method) || undefined,
    });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    if (q.state !== undefined) target.searchParams.set('state', str(q.state));
    if (str(q.client_info) === '1')
      target.searchParams.set('client_info', clientInfo(mb, tenantGuid(tenant, ctx.credentials?.tenantId)));
    target.searchParams.set('session_state', 'graph-sim');
    res.redirect(302, target.toString());
  });

  r.post('/:tenant/oauth2/v2.0/token', form, (req: Request, res: Response) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const grant = str(b.grant_type);
    ctx.stats.token(grant || 'unknown');
    const tenant = str(req.params.tenant);
    let clientId = str(b.client_id);
    let secret = str(b.client_secret);
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const [id, sec] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      clientId = clientId || decodeURIComponent(id ?? '');
      secret = secret || decodeURIComponent(sec ?? '');
    }
    if (!clientId)
      return aadError(
        res,
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'client_id'.",
      );
    const cred = ctx.credentials;
    if (cred) {
      if (cred.tenantId && ![cred.tenantId, 'common', 'organizations'].includes(tenant))
        return aadError(res, 400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
      if (cred.clientId !== clientId)
        return aadError(
          res,
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${clientId}' was not found in the directory.`,
        );
      if (!b.client_assertion && !safeEqual(secret, cred.clientSecret))
        return aadError(res, 401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    }
    const tid = tenantGuid(tenant, cred?.tenantId);
    const scope = str(b.scope);
    if (grant === 'client_credentials') {
      return res.json({
        token_type: 'Bearer',
        expires_in: ACCESS_TOKEN_LIFETIME_S,
        ext_expires_in: ACCESS_TOKEN_LIFETIME_S,
        access_token: appAccessToken(ctx.keys, tid, clientId),
      });
    }
    let g: DelegatedGrant | undefined;
    if (grant === 'authorization_code') {
      g = grants.redeemCode(str(b.code));
      if (!g || g.clientId !== clientId)
        return aadError(
          res,
          400,
          'invalid_grant',
          70008,
          'The provided authorization code or refresh token has expired or is invalid.',
        );
      if (g.redirectUri && str(b.redirect_uri) && g.redirectUri !== str(b.redirect_uri))
        return aadError(
          res,
          400,
          'invalid_grant',
          50148,
          'The redirect_uri does not match the one used in the authorization request.',
        );
      if (g.codeChallenge) {
        const verifier = str(b.code_verifier);
        const computed =
          g.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
        if (computed !== g.codeChallenge)
          return aadError(
            res,
            400,
            'invalid_grant',
            501481,
            'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
          );
      }
    } else if (grant === 'refresh_token') {
      g = grants.redeemRefresh(str(b.refresh_token));
      if (!g || g.clientId !== clientId)
        return aadError(
          res,
          400,
          'invalid_grant',
          70008,
          'The provided authorization code or refresh token has expired or is invalid.',
        );
    } else {
      return aadError(
        res,
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grant}'.`,
      );
    }
    const mb = userFor(g.userAddress);
    const grantedScope = scope || g.scope;
    const issuer = `${ctx.origin}/${tid}/v2.0`;
    res.json({
      token_type: 'Bearer',
      scope:
        grantedScope
          .split(' ')
          .filter((s) => !['openid', 'profile', 'offline_access'].includes(s))
          .join(' ') || 'https://graph.microsoft.com/Mail.ReadWrite',
      expires_in: ACCESS_TOKEN_LIFETIME_S,
      ext_expires_in: ACCESS_TOKEN_LIFETIME_S,
      access_token: userAccessToken(ctx.keys, tid, clientId, mb, grantedScope),
      refresh_token: grants.issueRefresh({ ...g, scope: grantedScope }),
      id_token: idToken(ctx.keys, issuer, tid, clientId, mb, grant === 'authorization_code' ? g.nonce : undefined),
      client_info: clientInfo(mb, tid),
    });
  });

  function userFor(hint: string): Mailbox {
    if (hint) return ctx.store.getOrCreate(hint);
    return ctx.store.all()[0] ?? ctx.store.getOrCreate('user@contoso.example');
  }

  return r;
}
