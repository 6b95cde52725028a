import { AuthExpiredError, RejectedError, TransientError } from '../errors.js';
import { platformRequest } from '../http.js';
import { PlatformOAuth, type AuthorizeSpec } from '../oauth.js';
import type { Account, Credentials, PkcePair } from '../provider.js';
import { str, type TikTokClient } from './client.js';
import { oauthError, statusError } from './errors.js';
import { queryCreator } from './creator.js';

/**
 * What Herald asks for: the profile (user.info.basic), Direct Post (video.publish), uploads
 * (video.upload) and the user's public posts (video.list: reconciliation and metrics).
 */
export const TIKTOK_SCOPES = ['user.info.basic', 'video.publish', 'video.upload', 'video.list'] as const;

/** Login Kit v2 for a web app (authorization code grant, `POST /v2/oauth/token/`). */
export class TikTokOAuth extends PlatformOAuth {
  constructor(private readonly client: TikTokClient) {
    super();
  }

  /**
   * PKCE: TikTok's token docs say `code_verifier` is "required for mobile and desktop app only", and
   * the Login Kit for Web guide builds its authorize URL from client_key, scope, response_type,
   * redirect_uri and state alone. We send a challenge (and the verifier at the exchange) anyway:
   * current OAuth guidance (RFC 9700) asks for PKCE on every client. TikTok documents the challenge
   * as the HEX-encoded SHA-256 of the verifier (Login Kit for Desktop,
   * https://developers.tiktok.com/doc/login-kit-desktop), not RFC 7636's base64url, and answers
   * "Code verifier or code challenge is invalid." to anything else.
   */
  authorization(): AuthorizeSpec {
    return {
      url: this.client.app.urls.authorize,
      clientIdParam: 'client_key',
      clientId: this.client.credentials().clientKey,
      scopes: TIKTOK_SCOPES,
      scopeSeparator: ',',
      pkce: 'hex',
    };
  }

  async exchangeCode(code: string, pkce: PkcePair, redirectUri: string): Promise<Credentials> {
    return this.token('authorization_code', { code, redirect_uri: redirectUri, code_verifier: pkce.verifier });
  }

  /**
   * Refresh tokens rotate (docs of Nov 2026): the answer carries a new refresh token and the one
   * sent stops working, so the caller must store the returned credentials whole. An answer
   * without a refresh token (the older, non-rotating behaviour) keeps the current one.
   */
  override async refresh(credentials: Credentials): Promise<Credentials> {
    if (!credentials.refreshToken) throw new AuthExpiredError('TikTok: no refresh token is stored; reconnect the account');
    const fresh = await this.token('refresh_token', { refresh_token: credentials.refreshToken });
    return {
      ...fresh,
      refreshToken: fresh.refreshToken ?? credentials.refreshToken,
      refreshExpiresAt: fresh.refreshToken ? fresh.refreshExpiresAt : credentials.refreshExpiresAt,
      scopes: fresh.scopes ?? credentials.scopes,
      extra: { ...credentials.extra, ...fresh.extra },
    };
  }

  /**
   * The user's own profile is the only target. `username` needs user.info.profile, which Herald
   * does not ask for; the creator-info query (video.publish) gives it instead, and also proves the
   * account may post.
   */
  async listTargets(credentials: Credentials): Promise<Account[]> {
    if (credentials.scopes && !credentials.scopes.includes('video.publish')) {
      throw new RejectedError('TikTok did not grant permission to post (video.publish); connect again and allow posting', 'scope_not_authorized');
    }
    const { data } = await this.client.call<{ user?: Record<string, unknown> }>(credentials.accessToken, {
      method: 'GET',
      path: '/v2/user/info/',
      query: { fields: 'open_id,union_id,avatar_url,display_name' },
    });
    const user = data.user ?? {};
    const openId = str(user.open_id) ?? credentials.extra?.openId;
    if (!openId) throw new RejectedError('TikTok returned a profile without an open_id', 'invalid_response');
    const creator = await queryCreator(this.client, credentials.accessToken);
    return [
      {
        externalId: openId,
        name: str(user.display_name) ?? creator.nickname ?? creator.username ?? 'TikTok account',
        username: creator.username,
        avatarUrl: str(user.avatar_url) ?? creator.avatarUrl,
        kind: 'profile',
      },
    ];
  }

  private async token(grant: 'authorization_code' | 'refresh_token', fields: Record<string, string>): Promise<Credentials> {
    const { clientKey, clientSecret } = this.client.credentials();
    const answer = await platformRequest('TikTok', {
      method: 'POST',
      url: this.client.url('/v2/oauth/token/'),
      headers: { 'cache-control': 'no-cache' },
      form: { client_key: clientKey, client_secret: clientSecret, grant_type: grant, ...fields },
      timeoutMs: this.client.app.timeoutMs,
    });
    const body = (answer.json ?? {}) as Record<string, unknown>;
    const error = str(body.error);
    if (error) {
      throw oauthError(grant, answer.status, { error, description: str(body.error_description) ?? '', logId: str(body.log_id) }, answer.headers);
    }
    const accessToken = str(body.access_token);
    if (!accessToken) {
      // The body is never quoted: a token answer may hold tokens.
      throw answer.status >= 400 ? statusError(answer.status, '', answer.headers) : new TransientError('TikTok answered the token request without an access token');
    }
    const now = Date.now();
    const seconds = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);
    const expiresIn = seconds(body.expires_in);
    const refreshExpiresIn = seconds(body.refresh_expires_in);
    const scope = str(body.scope);
    const openId = str(body.open_id);
    return {
      accessToken,
      refreshToken: str(body.refresh_token),
      expiresAt: expiresIn ? new Date(now + expiresIn * 1000).toISOString() : null,
      refreshExpiresAt: refreshExpiresIn ? new Date(now + refreshExpiresIn * 1000).toISOString() : null,
      scopes: scope
        ? scope
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : undefined,
      extra: openId ? { openId } : undefined,
    };
  }
}
