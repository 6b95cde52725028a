import { RejectedError, TransientError } from '../errors.js';
import { platformRequest } from '../http.js';
import { PlatformOAuth, type AuthorizeSpec } from '../oauth.js';
import type { Account, Credentials, PkcePair } from '../provider.js';
import type { XClient } from './x.client.js';
import { xTokenError } from './x.errors.js';
import { XMeSchema, XTokenSchema } from './x.schemas.js';

/**
 * OAuth 2.0 Authorization Code with PKCE (platform-contracts.md §4.1). Herald is a confidential
 * client: the token endpoint gets `Authorization: Basic base64(client_id:client_secret)`.
 * Access tokens last 2 hours; `offline.access` brings a refresh token, which is single-use: every
 * refresh returns a new one and the caller must store it.
 */
export const X_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'offline.access', 'media.write'] as const;

export class XOAuth extends PlatformOAuth {
  constructor(private readonly client: XClient) {
    super();
  }

  /** RFC 7636 S256 (base64url challenge); the scope list is space-separated. */
  authorization(): AuthorizeSpec {
    return { url: this.client.app.urls.authorize, clientIdParam: 'client_id', clientId: this.clientId(), scopes: X_SCOPES, scopeSeparator: ' ', pkce: 'base64url' };
  }

  exchangeCode(code: string, pkce: PkcePair, redirectUri: string): Promise<Credentials> {
    return this.token('exchange', { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: pkce.verifier });
  }

  override async refresh(credentials: Credentials): Promise<Credentials> {
    if (!credentials.refreshToken) {
      throw new RejectedError('This X connection has no refresh token (offline.access was not granted); reconnect the account', 'no_refresh_token');
    }
    const fresh = await this.token('refresh', { grant_type: 'refresh_token', refresh_token: credentials.refreshToken });
    // The old refresh token is spent; X normally returns a new one. Should it not, keep what we have.
    return { ...fresh, refreshToken: fresh.refreshToken ?? credentials.refreshToken, extra: credentials.extra };
  }

  /** An X user token speaks for exactly one profile: the user who consented. */
  async listTargets(credentials: Credentials): Promise<Account[]> {
    const me = await this.client.call(
      credentials.accessToken,
      { method: 'GET', path: '/2/users/me', query: { 'user.fields': 'id,name,username,profile_image_url' } },
      XMeSchema,
    );
    const user = me.data;
    return [{ externalId: user.id, name: user.name, username: user.username, avatarUrl: user.profile_image_url, kind: 'profile' }];
  }

  private async token(phase: 'exchange' | 'refresh', form: Record<string, string>): Promise<Credentials> {
    const clientId = this.clientId();
    const secret = this.client.app.clientSecret;
    const headers: Record<string, string> = {};
    if (secret) headers.authorization = `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
    const answer = await platformRequest('X', {
      method: 'POST',
      url: this.client.url('/2/oauth2/token'),
      form: { ...form, client_id: clientId },
      headers,
      timeoutMs: this.client.app.timeoutMs,
    });
    if (answer.status !== 200) throw xTokenError(answer, phase);
    const parsed = XTokenSchema.safeParse(answer.json);
    if (!parsed.success) throw new TransientError('X answered the token request with an unexpected body');
    const t = parsed.data;
    return {
      accessToken: t.access_token,
      refreshToken: t.refresh_token,
      expiresAt: t.expires_in !== undefined ? new Date(Date.now() + t.expires_in * 1000).toISOString() : null,
      scopes: t.scope ? t.scope.split(' ').filter(Boolean) : undefined,
    };
  }

  private clientId(): string {
    const id = this.client.app.clientId;
    if (!id) throw new RejectedError('X is not configured on this Herald (set X_CLIENT_ID and X_CLIENT_SECRET)', 'not_configured');
    return id;
  }
}
