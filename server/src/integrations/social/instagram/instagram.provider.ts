import { RejectedError, UnknownOutcomeError } from '../errors.js';
import type { Account, CallOptions, Credentials, PostMetrics, Published, PublishContent, SocialProvider } from '../provider.js';
import { CONTENT_RULES } from '../rules.js';
import { GraphClient, str, type MetaApp } from '../graph/graph-client.js';
import { MetaLogin } from '../graph/graph-oauth.js';
import { graphTime } from '../graph/insights.js';
import { PublishMemo, sameText, type ExpectedPost } from '../graph/published-match.js';
import { uniqueTextMatch } from '../text-match.js';
import { mediaMetrics } from './instagram.metrics.js';
import { DEFAULT_POLLING, publishToInstagram, type ContainerPolling } from './instagram.publish.js';

type IgAccount = { externalId: string; credentials: Credentials };

/** Instagram API with Facebook Login: publishing, insights, and the pages that link the accounts. */
export const INSTAGRAM_SCOPES = [
  'instagram_basic',
  'instagram_content_publish',
  'instagram_manage_insights',
  'pages_show_list',
  'pages_read_engagement',
  'business_management',
] as const;

const SKEW_MS = 2 * 60_000;

export interface InstagramOptions {
  polling?: Partial<ContainerPolling>;
}

/** Every page's connected `instagram_business_account`, with that page's token. */
async function instagramTargets(login: MetaLogin, user: Credentials): Promise<Account[]> {
  const pages = await login.pages(user);
  const accounts: Account[] = [];
  for (const page of pages) {
    const ig = page.instagram;
    if (!ig) continue;
    accounts.push({
      externalId: ig.id,
      name: ig.name ?? ig.username ?? page.name,
      username: ig.username,
      avatarUrl: ig.pictureUrl,
      kind: 'business',
      credentials: login.pageCredentials(user, page, { igUserId: ig.id }),
    });
  }
  return accounts;
}

/**
 * Instagram professional (business or creator) accounts linked to Facebook Pages, through the Graph
 * API on graph.facebook.com. A channel is an Instagram account: `externalId` is the IG user id, and
 * its credentials are the linked page's token (see MetaLogin for how it is refreshed).
 */
export class InstagramProvider implements SocialProvider {
  readonly platform = 'instagram' as const;
  readonly displayName = 'Instagram';
  readonly rules = CONTENT_RULES.instagram;
  /** Most of a publish is waiting for containers; the daily quota, not the call rate, is the limit. */
  readonly concurrency = 10;
  readonly oauth: MetaLogin;
  private readonly graph: GraphClient;
  private readonly memo = new PublishMemo();
  private readonly polling: ContainerPolling;

  constructor(app: MetaApp, opts: InstagramOptions = {}) {
    this.graph = new GraphClient(app, 'Instagram');
    this.oauth = new MetaLogin(app, this.graph, INSTAGRAM_SCOPES, instagramTargets);
    this.polling = { ...DEFAULT_POLLING, ...opts.polling };
  }

  async publish(account: IgAccount, content: PublishContent, idempotencyKey: string, opts?: CallOptions): Promise<Published> {
    this.memo.remember(idempotencyKey, content);
    return publishToInstagram(this.graph.with(opts), account.externalId, account.credentials.accessToken, content, this.polling);
  }

  /**
   * Looks through the account's media since `since` for one with exactly the caption that was sent
   * and, when the media sent are known, the same shape (single image, single video, or carousel).
   */
  async findPublished(account: IgAccount, idempotencyKey: string, since: Date, expected?: ExpectedPost, opts?: CallOptions): Promise<Published | null> {
    const want = this.memo.expected(this.displayName, idempotencyKey, expected);
    // The shape is checked only when known (the reconciler passes the text alone).
    const mediaType = !want.media?.length ? undefined : want.media.length > 1 ? 'CAROUSEL_ALBUM' : want.media[0]?.kind === 'video' ? 'VIDEO' : 'IMAGE';
    const { items, complete } = await this.graph.with(opts).list(
      `${account.externalId}/media`,
      account.credentials.accessToken,
      { fields: 'id,caption,media_type,timestamp,permalink', since: Math.floor((since.getTime() - SKEW_MS) / 1000), limit: 100 },
      10,
    );
    const matches = items
      .map((m) => ({ id: str(m.id), caption: str(m.caption), type: str(m.media_type), at: graphTime(m.timestamp), link: str(m.permalink) }))
      .filter((m) => m.id && m.at && m.at.getTime() >= since.getTime() - SKEW_MS && (mediaType === undefined || m.type === mediaType) && sameText(want.text, m.caption));
    const first = uniqueTextMatch('Instagram', want.text, matches);
    if (first?.id) return { platformPostId: first.id, permalink: first.link ?? null, publishedAt: first.at };
    if (!complete) throw new UnknownOutcomeError('Instagram: too many recent posts to be sure the post is absent');
    return null;
  }

  /**
   * Meta's Instagram reference documents no way to delete media for most apps; newer reports say
   * DELETE /{ig-media-id} works for Facebook-Login apps granted `instagram_manage_contents`, which
   * Herald does not request. The call is made; a refusal says to delete the post in Instagram itself.
   */
  async delete(account: IgAccount, platformPostId: string, opts?: CallOptions): Promise<void> {
    try {
      const body = await this.graph.with(opts).delete(platformPostId, account.credentials.accessToken);
      if (body.success === false) throw new RejectedError('Instagram refused to delete the post');
    } catch (err) {
      if (err instanceof RejectedError) {
        throw new RejectedError(`Instagram does not let Herald delete this post; delete it in the Instagram app (${err.message})`, err.platformCode);
      }
      throw err;
    }
  }

  metrics(account: IgAccount, platformPostIds: string[], opts?: CallOptions): Promise<PostMetrics[]> {
    return mediaMetrics(this.graph.with(opts), account.credentials.accessToken, platformPostIds);
  }
}
