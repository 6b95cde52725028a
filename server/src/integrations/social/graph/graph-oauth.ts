import { RejectedError } from '../errors.js';
import { PlatformOAuth, type AuthorizeSpec } from '../oauth.js';
import type { Account, Credentials, PkcePair } from '../provider.js';
import { arr, isObject, num, str, type GraphClient, type GraphObject, type MetaApp } from './graph-client.js';

/**
 * Facebook Login (manual flow), shared by the Facebook Pages and Instagram providers:
 *   dialog `{dialog}/{version}/dialog/oauth?client_id&redirect_uri&state&scope=a,b` →
 *   `GET /oauth/access_token?client_id&client_secret&redirect_uri&code` (short-lived user token) →
 *   `GET /oauth/access_token?grant_type=fb_exchange_token&…` (long-lived, about 60 days).
 * There is no refresh token. Page tokens obtained with a long-lived user token do not expire; each
 * page channel keeps the long-lived user token as its `refreshToken`, so `refresh` can fetch a new
 * page token (after a password change, say) while the user token lives.
 * PKCE is not used: the confidential code exchange authenticates with the app secret.
 */
export interface FacebookPage {
  id: string;
  name: string;
  accessToken: string;
  tasks: string[] | undefined;
  pictureUrl: string | undefined;
  instagram: { id: string; username: string | undefined; name: string | undefined; pictureUrl: string | undefined } | undefined;
}

/** Long-lived user tokens have no `expires_in` in some answers; Meta documents "about 60 days". */
const DEFAULT_LONG_LIVED_SECONDS = 60 * 24 * 3600;

export class MetaLogin extends PlatformOAuth {
  constructor(
    private readonly app: MetaApp,
    private readonly graph: GraphClient,
    private readonly scopes: readonly string[],
    /** Which of the user's pages (or their linked accounts) this product publishes to. */
    private readonly targets: (login: MetaLogin, user: Credentials) => Promise<Account[]>,
  ) {
    super();
  }

  /** The Login dialog `{dialog}/{version}/dialog/oauth`; scopes comma-separated; no PKCE. */
  authorization(): AuthorizeSpec {
    const url = `${this.app.urls.dialog.replace(/\/+$/, '')}/${this.app.urls.version}/dialog/oauth`;
    return { url, clientIdParam: 'client_id', clientId: this.appId(), scopes: this.scopes, scopeSeparator: ',' };
  }

  listTargets(user: Credentials): Promise<Account[]> {
    return this.targets(this, user);
  }

  async exchangeCode(code: string, _pkce: PkcePair, redirectUri: string): Promise<Credentials> {
    const short = await this.graph.getPublic('oauth/access_token', {
      client_id: this.appId(),
      client_secret: this.appSecret(),
      redirect_uri: redirectUri,
      code,
    });
    const shortToken = str(short.access_token);
    if (!shortToken) throw new RejectedError(`${this.graph.platformName} returned no access token for the authorization code`);
    const user = await this.longLived(shortToken);
    const me = await this.graph.get('me', user.accessToken, { fields: 'id,name' });
    const granted = await this.graph.list('me/permissions', user.accessToken, {}, 5);
    const scopes = granted.items.filter((p) => p.status === 'granted').map((p) => str(p.permission)).filter((p): p is string => p !== undefined);
    const userId = str(me.id);
    return { ...user, scopes, extra: userId ? { userId } : undefined };
  }

  /**
   * Page (and Instagram) channels: a fresh page token through the stored user token. User channels:
   * the long-lived token exchanged again. Either way an expired user token is an AuthExpiredError.
   */
  override async refresh(credentials: Credentials): Promise<Credentials> {
    const pageId = credentials.extra?.pageId;
    if (pageId && credentials.refreshToken) {
      const page = await this.graph.get(pageId, credentials.refreshToken, { fields: 'id,access_token' });
      const pageToken = str(page.access_token);
      if (!pageToken) throw new RejectedError(`${this.graph.platformName}: the connected account may no longer manage this page`);
      return { ...credentials, accessToken: pageToken, expiresAt: null };
    }
    const user = await this.longLived(credentials.accessToken);
    return { ...credentials, ...user };
  }

  /** The pages the user manages (GET /me/accounts), with page tokens and any linked Instagram account. */
  async pages(user: Credentials): Promise<FacebookPage[]> {
    const fields = 'id,name,access_token,tasks,picture{url},instagram_business_account{id,username,name,profile_picture_url}';
    const { items } = await this.graph.list('me/accounts', user.accessToken, { fields, limit: 100 }, 20);
    const pages: FacebookPage[] = [];
    for (const p of items) {
      const id = str(p.id);
      const accessToken = str(p.access_token);
      if (!id || !accessToken) continue;
      const picture = isObject(p.picture) && isObject(p.picture.data) ? str(p.picture.data.url) : undefined;
      const ig = isObject(p.instagram_business_account) ? p.instagram_business_account : undefined;
      const igId = ig ? str(ig.id) : undefined;
      pages.push({
        id,
        name: str(p.name) ?? id,
        accessToken,
        tasks: Array.isArray(p.tasks) ? arr(p.tasks).filter((t): t is string => typeof t === 'string') : undefined,
        pictureUrl: picture,
        instagram: ig && igId ? { id: igId, username: str(ig.username), name: str(ig.name), pictureUrl: str(ig.profile_picture_url) } : undefined,
      });
    }
    return pages;
  }

  /** Account credentials for a page token issued through `user`. */
  pageCredentials(user: Credentials, page: FacebookPage, extra: Record<string, string> = {}): Credentials {
    return {
      accessToken: page.accessToken,
      expiresAt: null,
      refreshToken: user.accessToken,
      refreshExpiresAt: user.expiresAt ?? null,
      scopes: user.scopes,
      extra: { ...(user.extra?.userId ? { userId: user.extra.userId } : {}), pageId: page.id, ...extra },
    };
  }

  private async longLived(token: string): Promise<Pick<Credentials, 'accessToken' | 'expiresAt'>> {
    const body: GraphObject = await this.graph.getPublic('oauth/access_token', {
      grant_type: 'fb_exchange_token',
      client_id: this.appId(),
      client_secret: this.appSecret(),
      fb_exchange_token: token,
    });
    const accessToken = str(body.access_token);
    if (!accessToken) throw new RejectedError(`${this.graph.platformName} returned no long-lived access token`);
    const seconds = num(body.expires_in) ?? DEFAULT_LONG_LIVED_SECONDS;
    return { accessToken, expiresAt: new Date(Date.now() + seconds * 1000).toISOString() };
  }

  private appId(): string {
    if (!this.app.clientId) throw new Error('Facebook Login is not configured (FACEBOOK_APP_ID)');
    return this.app.clientId;
  }

  private appSecret(): string {
    if (!this.app.clientSecret) throw new Error('Facebook Login is not configured (FACEBOOK_APP_SECRET)');
    return this.app.clientSecret;
  }
}
