import { RejectedError, TransientError } from '../errors.js';
import type { Credentials, Published, PublishContent, SentContent } from '../provider.js';
import type { XClient } from './x.client.js';
import type { XMediaUploader } from './x.media.js';
import { XCreatedTweetSchema, XDeletedSchema, XMeSchema, XTweetListSchema, type XTweet } from './x.schemas.js';
import { uniqueTextMatch } from '../text-match.js';
import { fingerprintOfDraft, fingerprintOfTweet, sameText } from './x.text.js';

type XAccount = { externalId: string; credentials: Credentials };

/** The most posts one findPublished reads (X's user timeline serves at most the latest 3,200). */
const TIMELINE_LIMIT = 3200;

/**
 * Creating, finding and deleting posts (platform-contracts.md §4.2–4.4). Only `POST /2/tweets` is
 * marked as the side effect: a lost answer there may mean the post exists, so the reconciler asks
 * `findPublished` before anything is retried.
 */
export class XPosts {
  constructor(
    private readonly client: XClient,
    private readonly media: XMediaUploader,
  ) {}

  async publish(account: XAccount, content: PublishContent): Promise<Published> {
    const token = account.credentials.accessToken;
    // Asked first: it checks the token before any upload, and gives the permalink its username.
    const username = account.credentials.extra?.username ?? (await this.username(token));
    const mediaIds: string[] = [];
    for (const item of content.media) mediaIds.push(await this.media.upload(token, item));
    const body: Record<string, unknown> = {};
    if (content.text.length > 0) body.text = content.text;
    if (mediaIds.length > 0) body.media = { media_ids: mediaIds };
    const created = await this.client.call(token, { method: 'POST', path: '/2/tweets', json: body, sideEffect: true }, XCreatedTweetSchema);
    return { platformPostId: created.data.id, permalink: permalink(username, created.data.id) };
  }

  /**
   * Looks through the account's posts since `since` for one with exactly this text and as many media
   * items. X keeps no idempotency key, so the text is the marker (X itself refuses an identical
   * text twice, which makes it a reliable one). Null only after reading every post since `since`.
   */
  async findPublished(account: XAccount, content: SentContent, since: Date): Promise<Published | null> {
    const wanted = fingerprintOfDraft(content.text);
    let pageToken: string | undefined;
    let read = 0;
    const matches: { tweet: XTweet; username: string | undefined }[] = [];
    do {
      const page = await this.client.call(
        account.credentials.accessToken,
        {
          method: 'GET',
          path: `/2/users/${encodeURIComponent(account.externalId)}/tweets`,
          query: {
            start_time: since.toISOString().replace(/\.\d{3}Z$/, 'Z'),
            max_results: 100,
            exclude: 'replies,retweets',
            'tweet.fields': 'created_at,entities,attachments,note_tweet,author_id',
            expansions: 'author_id',
            'user.fields': 'username',
            pagination_token: pageToken,
          },
        },
        XTweetListSchema,
      );
      const users = new Map((page.includes?.users ?? []).map((u) => [u.id, u.username]));
      for (const tweet of page.data ?? []) {
        read += 1;
        if (tweet.created_at && Date.parse(tweet.created_at) < since.getTime()) continue;
        if ((tweet.attachments?.media_keys?.length ?? 0) !== content.mediaCount) continue;
        if (!sameText(wanted, fingerprintOfTweet(tweet))) continue;
        matches.push({ tweet, username: tweet.author_id ? users.get(tweet.author_id) : undefined });
      }
      pageToken = page.meta?.next_token;
    } while (pageToken && read < TIMELINE_LIMIT);
    if (matches.length === 0 && pageToken) throw new TransientError('X has more posts since then than Herald can read back; cannot tell whether the post went out');
    const match = uniqueTextMatch('X', content.text, matches);
    if (!match) return null;
    const username = match.username ?? account.credentials.extra?.username;
    return {
      platformPostId: match.tweet.id,
      permalink: username ? permalink(username, match.tweet.id) : `https://x.com/i/web/status/${match.tweet.id}`,
      publishedAt: match.tweet.created_at ? new Date(match.tweet.created_at) : undefined,
    };
  }

  async delete(account: XAccount, platformPostId: string): Promise<void> {
    const answer = await this.client.call(
      account.credentials.accessToken,
      { method: 'DELETE', path: `/2/tweets/${encodeURIComponent(platformPostId)}` },
      XDeletedSchema,
    );
    if (!answer.data.deleted) throw new RejectedError('X did not delete the post', 'not_deleted');
  }

  private async username(accessToken: string): Promise<string> {
    const me = await this.client.call(accessToken, { method: 'GET', path: '/2/users/me' }, XMeSchema);
    return me.data.username;
  }
}

export function permalink(username: string, id: string): string {
  return `https://x.com/${encodeURIComponent(username)}/status/${id}`;
}
