import type { CallOptions, Credentials, PostMetrics, Published, PublishContent, SentContent, SocialProvider } from '../provider.js';
import { CONTENT_RULES } from '../rules.js';
import { TikTokClient, type TikTokApp } from './client.js';
import { findPost } from './find.js';
import { PublishJournal } from './journal.js';
import { fetchMetrics } from './metrics.js';
import { TikTokOAuth } from './oauth.js';
import { publishPost, type PublishOptions } from './publish.js';

type TikTokAccount = { externalId: string; credentials: Credentials };

const DEFAULTS: PublishOptions = {
  // Status fetch allows 30 calls/min per token: one every 5 s leaves room for other work.
  pollIntervalMs: 5000,
  // Well inside the publisher's deadline (half the 600 s lease); after it the reconciler takes over.
  publishWaitMs: 120_000,
  postIdWaitMs: 30_000,
  chunkBytes: 10 * 1024 * 1024,
  videoSource: 'FILE_UPLOAD',
};

/**
 * TikTok through the Content Posting API (Direct Post) and the Display API. One video or 1–35
 * photos per post; text alone cannot be posted. There is no delete: neither API can remove a
 * post, so `delete` is left undefined and the user removes it in the TikTok app.
 */
export class TikTokProvider implements SocialProvider {
  readonly platform = 'tiktok' as const;
  readonly displayName = 'TikTok';
  readonly rules = CONTENT_RULES.tiktok;
  /**
   * Each publish spends most of its time waiting on TikTok's processing, and the hard limits are
   * per user token (6 inits/min, 30 status polls/min), so a handful at once per worker is safe.
   */
  readonly concurrency = 6;
  readonly oauth: TikTokOAuth;
  private readonly client: TikTokClient;
  private readonly journal = new PublishJournal();
  private readonly options: PublishOptions;

  /** `tuning` is for tests (short polls, small chunks) and operators who verified their media domain. */
  constructor(app: TikTokApp, tuning: Partial<PublishOptions> = {}) {
    this.client = new TikTokClient(app);
    this.oauth = new TikTokOAuth(this.client);
    this.options = { ...DEFAULTS, ...tuning };
  }

  async publish(account: TikTokAccount, content: PublishContent, idempotencyKey: string, opts?: CallOptions): Promise<Published> {
    return publishPost(this.client.with(opts), this.journal, this.options, account, content, idempotencyKey);
  }

  /**
   * Returns null only when TikTok says the handed-over post FAILED; throws UnknownOutcomeError when
   * it cannot tell (see find.ts). `content` lets a worker that did not make the call match the
   * caption among the account's public posts (TikTok reports no media count to compare).
   */
  async findPublished(account: TikTokAccount, idempotencyKey: string, since: Date, content?: SentContent, opts?: CallOptions): Promise<Published | null> {
    return findPost(this.client.with(opts), this.journal, account, idempotencyKey, since, content?.text);
  }

  async metrics(account: TikTokAccount, platformPostIds: string[], opts?: CallOptions): Promise<PostMetrics[]> {
    return fetchMetrics(this.client.with(opts), account.credentials.accessToken, platformPostIds);
  }
}
