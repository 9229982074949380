import {
  ConfidentialClientApplication,
  LogLevel,
  type AccountInfo,
  type AuthenticationResult,
  type Configuration,
} from '@azure/msal-node';
import type { GraphSettings } from '../config/config';
import type { Logger } from '../logging/logger';
import type { RedisConnection } from '../redis/connection';
import { RedisTokenCachePlugin } from './redis-cache-plugin';
import { lock } from './redis-lock';
import { tokenCacheKey } from './token-cache-crypto';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
export const DELEGATED_SCOPES = ['https://graph.microsoft.com/Mail.ReadWrite', 'offline_access'];

/** Refresh this long before expiry, so a token never expires in flight. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export class NotSignedInError extends Error {
  override name = 'NotSignedInError';
  constructor() {
    super('delegated mode: nobody has signed in yet (open /auth/login on ingest-api)');
  }
}

export interface TokenProvider {
  getToken(): Promise<string>;
  /** Forgets the token this process holds (Graph refused it); the next call asks MSAL again. */
  invalidate(): void;
  /** Tokens fetched from the token endpoint by this process (not served from a cache). */
  readonly acquired: number;
}

/**
 * Access tokens for Graph through @azure/msal-node, app-only (client credentials) or delegated (authorization
 * code). The MSAL cache lives in Redis, encrypted; a refresh happens under a Redis lock, so N replicas make one
 * token request, and the others read the fresh token from the shared cache.
 */
export class MsalTokenProvider implements TokenProvider {
  readonly msal: ConfidentialClientApplication;
  private current: { token: string; expiresAt: number } | null = null;
  private inFlight: Promise<string> | null = null;
  acquired = 0;

  constructor(
    private readonly graph: GraphSettings,
    private readonly redis: RedisConnection,
    private readonly keyPrefix: string,
    private readonly logger: Logger,
  ) {
    const cachePlugin = new RedisTokenCachePlugin(
      redis,
      `${keyPrefix}:msal-cache:${graph.authMode}:${graph.clientId}`,
      tokenCacheKey(graph.tokenCacheKey, graph.clientSecret),
      logger,
    );
    const config: Configuration = {
      auth: {
        clientId: graph.clientId,
        clientSecret: graph.clientSecret,
        authority: `${graph.authorityHost}/${graph.tenantId}`,
        knownAuthorities: [new URL(graph.authorityHost).host],
      },
      cache: { cachePlugin },
      system: {
        loggerOptions: {
          logLevel: LogLevel.Warning,
          piiLoggingEnabled: false,
          loggerCallback: (_l, message) => logger.debug(`msal: ${message}`),
        },
      },
    };
    this.msal = new ConfidentialClientApplication(config);
  }

  getToken(): Promise<string> {
    if (this.current && this.current.expiresAt - REFRESH_MARGIN_MS > Date.now())
      return Promise.resolve(this.current.token);
    this.inFlight ??= this.refresh().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  invalidate(): void {
    this.current = null;
  }

  private async refresh(): Promise<string> {
    const held = await lock(this.redis, `${this.keyPrefix}:msal-refresh-lock`, 15_000, 15_000);
    try {
      // MSAL answers from the shared cache when another replica refreshed meanwhile; only a miss hits the network.
      const result = await this.acquire();
      if (!result?.accessToken) throw new Error('token endpoint returned no access token');
      if (!result.fromCache) {
        this.acquired++;
        this.logger.info('Graph token acquired', {
          mode: this.graph.authMode,
          expiresOn: result.expiresOn?.toISOString(),
        });
      }
      this.current = { token: result.accessToken, expiresAt: result.expiresOn?.getTime() ?? Date.now() + 10 * 60_000 };
      return result.accessToken;
    } finally {
      await held?.release().catch(() => undefined);
    }
  }

  private async acquire(): Promise<AuthenticationResult | null> {
    if (this.graph.authMode === 'app') {
      return this.msal.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    }
    const account = await this.account();
    if (!account) throw new NotSignedInError();
    return this.msal.acquireTokenSilent({ account, scopes: DELEGATED_SCOPES });
  }

  private async account(): Promise<AccountInfo | null> {
    const accounts = await this.msal.getTokenCache().getAllAccounts();
    return accounts[0] ?? null;
  }

  /** Delegated mode: the URL to send a person to (GET /auth/login). */
  authCodeUrl(redirectUri: string, state: string): Promise<string> {
    return this.msal.getAuthCodeUrl({ scopes: DELEGATED_SCOPES, redirectUri, state });
  }

  /** Delegated mode: redeems the code from /auth/callback; the tokens land in the shared cache. */
  async redeemCode(code: string, redirectUri: string): Promise<string | null> {
    const result = await this.msal.acquireTokenByCode({ code, redirectUri, scopes: DELEGATED_SCOPES });
    this.acquired++;
    this.current = null;
    return result?.account?.username ?? null;
  }
}
