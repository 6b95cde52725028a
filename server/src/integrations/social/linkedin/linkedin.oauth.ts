import { AuthExpiredError, RejectedError, TransientError } from '../errors.js';
import { PlatformOAuth, type AuthorizeSpec } from '../oauth.js';
import type { Account, Credentials, PkcePair } from '../provider.js';
import { type LinkedInClient, restliList, restliQuery } from './linkedin.client.js';
import { mapOAuthError } from './linkedin.errors.js';

/**
 * OAuth 2.0 authorization code flow (3-legged) for web apps.
 *
 * LinkedIn offers PKCE only to native (mobile/desktop) apps enabled for it; a web app authenticates
 * with its client secret at the token endpoint, and the authorization URL carries no
 * code_challenge. The `state` parameter (checked by Herald's callback) protects the flow instead.
 */
export const LINKEDIN_SCOPES = ['openid', 'profile', 'w_member_social', 'r_organization_social', 'w_organization_social', 'rw_organization_admin'] as const;

/**
 * Company-page roles that may post as the page: Super admin (ADMINISTRATOR) and Content admin
 * (CONTENT_ADMINISTRATOR), per Organization Access Control by Role
 * (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-access-control-by-role).
 */
const POSTING_ROLES = ['ADMINISTRATOR', 'CONTENT_ADMINISTRATOR'] as const;

interface TokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
  refresh_token?: unknown;
  refresh_token_expires_in?: unknown;
  scope?: unknown;
}

export class LinkedInOAuth extends PlatformOAuth {
  constructor(private readonly client: LinkedInClient) {
    super();
  }

  private appCredentials(): { clientId: string; clientSecret: string } {
    const { clientId, clientSecret } = this.client.app;
    if (!clientId || !clientSecret) throw new RejectedError('LinkedIn is not configured: set LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET', 'not_configured');
    return { clientId, clientSecret };
  }

  /** No PKCE for web apps (see above); scopes space-separated. */
  authorization(): AuthorizeSpec {
    return { url: this.client.oauthUrl('authorization'), clientIdParam: 'client_id', clientId: this.appCredentials().clientId, scopes: LINKEDIN_SCOPES, scopeSeparator: ' ' };
  }

  async exchangeCode(code: string, _pkce: PkcePair, redirectUri: string): Promise<Credentials> {
    const app = this.appCredentials();
    const now = Date.now();
    const answer = await this.client.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: app.clientId, client_secret: app.clientSecret });
    if (answer.status !== 200) throw mapOAuthError(answer, 'authorization_code', now);
    return credentialsFrom(answer.json as TokenAnswer, now, undefined);
  }

  /**
   * Programmatic refresh tokens exist only for apps LinkedIn approved for them. Without one the access
   * token simply runs out after 60 days and the member must reconnect: that is AuthExpired. A refresh
   * gives a new 60-day access token; the refresh token keeps its original 365-day end.
   */
  override async refresh(credentials: Credentials): Promise<Credentials> {
    if (!credentials.refreshToken) {
      throw new AuthExpiredError('LinkedIn gave this channel no refresh token (only approved partner apps get them); reconnect the channel', 'no_refresh_token');
    }
    const now = Date.now();
    if (credentials.refreshExpiresAt && Date.parse(credentials.refreshExpiresAt) <= now) {
      throw new AuthExpiredError('The LinkedIn refresh token ran out (365 days after the channel was connected); reconnect the channel', 'refresh_token_expired');
    }
    const app = this.appCredentials();
    const answer = await this.client.token({ grant_type: 'refresh_token', refresh_token: credentials.refreshToken, client_id: app.clientId, client_secret: app.clientSecret });
    if (answer.status !== 200) throw mapOAuthError(answer, 'refresh_token', now);
    return credentialsFrom(answer.json as TokenAnswer, now, credentials);
  }

  /** The member (`urn:li:person:{sub}`) and every organization page the member may post as. */
  async listTargets(credentials: Credentials): Promise<Account[]> {
    const token = credentials.accessToken;
    const me = (await this.client.userinfo(token)).json as { sub?: unknown; name?: unknown; picture?: unknown } | null;
    if (typeof me?.sub !== 'string' || me.sub.length === 0) throw new TransientError('LinkedIn answered userinfo without a member id', 'no_sub');
    const member: Account = {
      externalId: `urn:li:person:${me.sub}`,
      name: typeof me.name === 'string' && me.name ? me.name : 'LinkedIn member',
      avatarUrl: typeof me.picture === 'string' ? me.picture : undefined,
      kind: 'profile',
    };
    const orgIds = new Set<string>();
    for (const role of POSTING_ROLES) {
      const ids = await this.organizationsWithRole(token, role);
      if (ids === undefined) break;
      for (const id of ids) orgIds.add(id);
    }
    return [member, ...(await this.organizations(token, [...orgIds]))];
  }

  /**
   * The organizations where the member holds `role`, approved (`GET /rest/organizationAcls?q=roleAssignee
   * &role=…&state=APPROVED`; the finder takes one role at a time). Undefined when the token may not read
   * organization roles at all (403): the member can still publish as themself.
   */
  private async organizationsWithRole(token: string, role: (typeof POSTING_ROLES)[number]): Promise<string[] | undefined> {
    const ids = new Set<string>();
    const count = 100;
    for (let start = 0; ; start += count) {
      const answer = await this.client.rest(token, {
        method: 'GET',
        path: '/rest/organizationAcls',
        query: restliQuery({ q: 'roleAssignee', role, state: 'APPROVED', start, count }),
        allow: [403],
      });
      if (answer.status === 403) return undefined;
      const page = answer.json as { elements?: { organization?: unknown; organizationalTarget?: unknown; role?: unknown }[]; paging?: { total?: unknown } } | null;
      const elements = page?.elements ?? [];
      for (const acl of elements) {
        if (acl.role !== undefined && acl.role !== role) continue;
        // `organization` in current versions; `organizationalTarget` in older ones.
        const urn = typeof acl.organization === 'string' ? acl.organization : acl.organizationalTarget;
        const id = typeof urn === 'string' ? /^urn:li:organization:(\d+)$/.exec(urn)?.[1] : undefined;
        if (id) ids.add(id);
      }
      const total = typeof page?.paging?.total === 'number' ? page.paging.total : undefined;
      if (elements.length < count || (total !== undefined && start + count >= total)) break;
    }
    return [...ids];
  }

  /** Names through the batch get `/rest/organizations?ids=List(…)`, 50 at a time. */
  private async organizations(token: string, ids: string[]): Promise<Account[]> {
    const accounts: Account[] = [];
    for (let i = 0; i < ids.length; i += 50) {
      const chunk = ids.slice(i, i + 50);
      const answer = await this.client.rest(token, { method: 'GET', path: '/rest/organizations', query: restliQuery({ ids: restliList(chunk) }) });
      const results = ((answer.json as { results?: Record<string, { localizedName?: unknown; vanityName?: unknown }> } | null)?.results ?? {});
      for (const id of chunk) {
        const org = results[id];
        accounts.push({
          externalId: `urn:li:organization:${id}`,
          name: typeof org?.localizedName === 'string' && org.localizedName ? org.localizedName : `Organization ${id}`,
          username: typeof org?.vanityName === 'string' ? org.vanityName : undefined,
          kind: 'organization',
        });
      }
    }
    return accounts;
  }
}

function credentialsFrom(body: TokenAnswer, now: number, previous: Credentials | undefined): Credentials {
  if (typeof body.access_token !== 'string' || body.access_token.length === 0) throw new TransientError('LinkedIn answered the token request without an access token', 'no_access_token');
  const seconds = (v: unknown) => (typeof v === 'number' && v > 0 ? v : undefined);
  const expiresIn = seconds(body.expires_in);
  const refreshIn = seconds(body.refresh_token_expires_in);
  const refreshToken = typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : previous?.refreshToken;
  return {
    accessToken: body.access_token,
    // LinkedIn access tokens last 60 days; expires_in is always sent, the fallback is that lifetime.
    expiresAt: new Date(now + (expiresIn ?? 60 * 86_400) * 1000).toISOString(),
    refreshToken,
    // The refresh token's lifetime is not reset by a refresh: keep the original end unless LinkedIn says otherwise.
    refreshExpiresAt: refreshIn !== undefined ? new Date(now + refreshIn * 1000).toISOString() : refreshToken ? (previous?.refreshExpiresAt ?? null) : null,
    scopes: typeof body.scope === 'string' ? body.scope.split(/[\s,]+/).filter(Boolean) : previous?.scopes,
  };
}
