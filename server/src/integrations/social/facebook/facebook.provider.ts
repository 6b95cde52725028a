import { RejectedError, UnknownOutcomeError } from '../errors.js';
import type { Account, CallOptions, Credentials, PostMetrics, Published, PublishContent, SocialProvider } from '../provider.js';
import { CONTENT_RULES } from '../rules.js';
import { GraphClient, str, type MetaApp } from '../graph/graph-client.js';
import { MetaLogin } from '../graph/graph-oauth.js';
import { graphTime } from '../graph/insights.js';
import { PublishMemo, sameText, type ExpectedPost } from '../graph/published-match.js';
import { uniqueTextMatch } from '../text-match.js';
import { pageMetrics } from './facebook.metrics.js';
import { postPermalink, publishToPage } from './facebook.publish.js';

type PageAccount = { externalId: string; credentials: Credentials };

/**
 * Publishing needs pages_manage_posts (+ read_engagement); Page videos (`POST /{page-id}/videos`) also
 * need publish_video (https://developers.facebook.com/docs/pages-api/posts: "plus publish_video for
 * video"; without it Graph answers (#200)); insights need read_insights.
 */
export const FACEBOOK_SCOPES = ['pages_show_list', 'pages_read_engagement', 'pages_manage_posts', 'publish_video', 'read_insights', 'business_management'] as const;

/** Clock skew allowed between Herald and Meta when comparing a post's created_time with `since`. */
const SKEW_MS = 2 * 60_000;

/** The pages the user can post to (the CREATE_CONTENT task), each with its own page token. */
async function pageTargets(login: MetaLogin, user: Credentials): Promise<Account[]> {
  const pages = await login.pages(user);
  return pages
    .filter((p) => p.tasks === undefined || p.tasks.includes('CREATE_CONTENT'))
    .map((p) => ({ externalId: p.id, name: p.name, avatarUrl: p.pictureUrl, kind: 'page' as const, credentials: login.pageCredentials(user, p) }));
}

/**
 * Facebook Pages through the Graph API. A channel is a page: its `externalId` is the page id and its
 * credentials the page token from /me/accounts (no expiry; the user token is kept for `refresh`).
 */
export class FacebookProvider implements SocialProvider {
  readonly platform = 'facebook' as const;
  readonly displayName = 'Facebook';
  readonly rules = CONTENT_RULES.facebook;
  /** Page posting is throttled per page and per app (BUC limits); a few at a time is plenty. */
  readonly concurrency = 5;
  readonly oauth: MetaLogin;
  private readonly graph: GraphClient;
  private readonly memo = new PublishMemo();

  constructor(app: MetaApp) {
    this.graph = new GraphClient(app, 'Facebook');
    this.oauth = new MetaLogin(app, this.graph, FACEBOOK_SCOPES, pageTargets);
  }

  async publish(account: PageAccount, content: PublishContent, idempotencyKey: string, opts?: CallOptions): Promise<Published> {
    this.memo.remember(idempotencyKey, content);
    return publishToPage(this.graph.with(opts), account.externalId, account.credentials.accessToken, content);
  }

  /**
   * Looks through the page's posts since `since` (and its videos, for a video post or when the kind of
   * media is unknown) for one with exactly the text that was sent. Without `expected`, only what this
   * process published can be matched (UnknownOutcomeError otherwise).
   */
  async findPublished(account: PageAccount, idempotencyKey: string, since: Date, expected?: ExpectedPost, opts?: CallOptions): Promise<Published | null> {
    const graph = this.graph.with(opts);
    const want = this.memo.expected(this.displayName, idempotencyKey, expected);
    const hasVideo = want.media?.some((m) => m.kind === 'video');
    const edges: ('posts' | 'videos')[] = hasVideo === undefined ? ['posts', 'videos'] : hasVideo ? ['videos'] : ['posts'];
    let complete = true;
    for (const edge of edges) {
      const found = await this.findOn(graph, account, edge, want.text, since);
      if (found.published) return found.published;
      complete &&= found.complete;
    }
    if (!complete) throw new UnknownOutcomeError('Facebook: too many recent posts to be sure the post is absent');
    return null;
  }

  private async findOn(graph: GraphClient, account: PageAccount, edge: 'posts' | 'videos', text: string, since: Date): Promise<{ published?: Published; complete: boolean }> {
    const token = account.credentials.accessToken;
    const textField = edge === 'videos' ? 'description' : 'message';
    const { items, complete } = await graph.list(
      `${account.externalId}/${edge}`,
      token,
      { fields: `id,${textField},created_time,permalink_url`, since: Math.floor((since.getTime() - SKEW_MS) / 1000), limit: 100 },
      10,
    );
    const matches = items
      .map((item) => ({ id: str(item.id), text: str(item[textField]), at: graphTime(item.created_time), link: str(item.permalink_url) }))
      .filter((p) => p.id && p.at && p.at.getTime() >= since.getTime() - SKEW_MS && sameText(text, p.text));
    const first = uniqueTextMatch('Facebook', text, matches);
    if (!first?.id) return { complete };
    const permalink = first.link ? (first.link.startsWith('/') ? `https://www.facebook.com${first.link}` : first.link) : await postPermalink(graph, first.id, token);
    return { published: { platformPostId: first.id, permalink, publishedAt: first.at }, complete };
  }

  /** DELETE /{post-id} (or /{video-id}). A post already gone counts as deleted. */
  async delete(account: PageAccount, platformPostId: string, opts?: CallOptions): Promise<void> {
    try {
      const body = await this.graph.with(opts).delete(platformPostId, account.credentials.accessToken);
      if (body.success === false) throw new RejectedError('Facebook refused to delete the post');
    } catch (err) {
      if (err instanceof RejectedError && isAlreadyGone(err)) return;
      throw err;
    }
  }

  metrics(account: PageAccount, platformPostIds: string[], opts?: CallOptions): Promise<PostMetrics[]> {
    return pageMetrics(this.graph.with(opts), account.credentials.accessToken, platformPostIds);
  }
}

/** Graph answers a delete of a missing object with code 100, subcode 33 ("does not exist"). */
function isAlreadyGone(err: RejectedError): boolean {
  return err.platformCode === '100/33';
}
