import { randomBytes } from 'node:crypto';

export interface DelegatedGrant {
  clientId: string;
  userAddress: string;
  scope: string;
  tenant: string;
  redirectUri?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expiresAt: number;
}

/** Authorization codes (single use, 10 minutes) and refresh tokens (rotated on use). */
export class GrantStore {
  private readonly codes = new Map<string, DelegatedGrant>();
  private readonly refresh = new Map<string, DelegatedGrant>();

  issueCode(g: Omit<DelegatedGrant, 'expiresAt'>): string {
    const code = `0.A${randomBytes(48).toString('base64url')}`;
    this.codes.set(code, { ...g, expiresAt: Date.now() + 10 * 60_000 });
    return code;
  }

  redeemCode(code: string): DelegatedGrant | undefined {
    const g = this.codes.get(code);
    this.codes.delete(code);
    return g && g.expiresAt > Date.now() ? g : undefined;
  }

  issueRefresh(g: DelegatedGrant): string {
    const token = `1.A${randomBytes(64).toString('base64url')}`;
    this.refresh.set(token, { ...g, expiresAt: Date.now() + 90 * 24 * 3600_000 });
    return token;
  }

  redeemRefresh(token: string): DelegatedGrant | undefined {
    const g = this.refresh.get(token);
    this.refresh.delete(token);
    return g && g.expiresAt > Date.now() ? g : undefined;
  }

  clear(): void {
    this.codes.clear();
    this.refresh.clear();
  }
}
