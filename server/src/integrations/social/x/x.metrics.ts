import { RejectedError } from '../errors.js';
import type { Credentials, PostMetrics } from '../provider.js';
import type { XClient } from './x.client.js';
import { XTweetListSchema, type XTweet, type XTweetList } from './x.schemas.js';

/**
 * Post metrics through `GET /2/tweets?ids=…` (platform-contracts.md §4.5). The owner's token may read
 * `non_public_metrics` and `organic_metrics` (impressions, link clicks); X refuses those fields for
 * some posts (older than 30 days, say) by leaving the post out with a "not-authorized-for-field"
 * error, or the whole request with a 4xx. Those posts are asked again with `public_metrics` only.
 * Posts X no longer has (deleted) are left out of the result.
 */
const IDS_PER_CALL = 100;
const PRIVATE_FIELDS = 'public_metrics,non_public_metrics,organic_metrics';
const PUBLIC_FIELDS = 'public_metrics';

export class XMetrics {
  constructor(private readonly client: XClient) {}

  async metrics(account: { credentials: Credentials }, ids: string[]): Promise<PostMetrics[]> {
    const out: PostMetrics[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
      const batch = ids.slice(i, i + IDS_PER_CALL);
      let refused: string[];
      try {
        const page = await this.lookup(account.credentials.accessToken, batch, PRIVATE_FIELDS);
        out.push(...toMetrics(page));
        const got = new Set((page.data ?? []).map((t) => t.id));
        refused = batch.filter((id) => !got.has(id) && fieldRefused(page, id));
      } catch (err) {
        if (!(err instanceof RejectedError)) throw err;
        refused = batch;
      }
      if (refused.length > 0) out.push(...toMetrics(await this.lookup(account.credentials.accessToken, refused, PUBLIC_FIELDS)));
    }
    return out;
  }

  private lookup(accessToken: string, ids: string[], fields: string): Promise<XTweetList> {
    return this.client.call(
      accessToken,
      {
        method: 'GET',
        path: '/2/tweets',
        query: { ids: ids.join(','), 'tweet.fields': fields, expansions: 'attachments.media_keys', 'media.fields': 'type,public_metrics' },
      },
      XTweetListSchema,
    );
  }
}

function fieldRefused(page: XTweetList, id: string): boolean {
  return (page.errors ?? []).some((e) => (e.resource_id ?? e.value) === id && (e.type ?? '').endsWith('not-authorized-for-field'));
}

function toMetrics(page: XTweetList): PostMetrics[] {
  const media = new Map((page.includes?.media ?? []).map((m) => [m.media_key, m]));
  return (page.data ?? []).map((tweet) => {
    const pub = tweet.public_metrics ?? {};
    const priv = tweet.non_public_metrics ?? {};
    const organic = tweet.organic_metrics ?? {};
    const retweets = pub.retweet_count;
    const quotes = pub.quote_count;
    return {
      platformPostId: tweet.id,
      impressions: priv.impression_count ?? organic.impression_count ?? pub.impression_count ?? null,
      reach: null,
      likes: pub.like_count ?? organic.like_count ?? null,
      comments: pub.reply_count ?? organic.reply_count ?? null,
      shares: retweets === undefined && quotes === undefined ? (organic.retweet_count ?? null) : (retweets ?? 0) + (quotes ?? 0),
      saves: pub.bookmark_count ?? null,
      clicks: priv.url_link_clicks ?? organic.url_link_clicks ?? null,
      videoViews: videoViews(tweet, media),
    };
  });
}

function videoViews(tweet: XTweet, media: Map<string, { type?: string | undefined; public_metrics?: Record<string, number> | undefined }>): number | null {
  let total: number | null = null;
  for (const key of tweet.attachments?.media_keys ?? []) {
    const views = media.get(key)?.public_metrics?.view_count;
    if (views !== undefined) total = (total ?? 0) + views;
  }
  return total;
}
