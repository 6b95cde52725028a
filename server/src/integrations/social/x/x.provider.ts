import { RejectedError } from '../errors.js';
import type { CallOptions, Credentials, PostMetrics, Published, PublishContent, SentContent, SocialProvider } from '../provider.js';
import { CONTENT_RULES } from '../rules.js';
import { XClient, type XApp } from './x.client.js';
import { XMediaUploader } from './x.media.js';
import { XMetrics } from './x.metrics.js';
import { XOAuth } from './x.oauth.js';
import { XPosts } from './x.publish.js';

type XAccount = { externalId: string; credentials: Credentials };

/**
 * X (API v2, OAuth 2.0 with PKCE). Publishes text, up to four images, one GIF or one video; finds a
 * post again by its exact text; deletes; reads metrics. Content has been checked against
 * `CONTENT_RULES.x` (weighted length, media mix) before it gets here: this sends as given.
 */
export class XProvider implements SocialProvider {
  readonly platform = 'x' as const;
  readonly displayName = 'X';
  readonly rules = CONTENT_RULES.x;
  /** X is strict about bursts (100 posts per 15 minutes per user, spam heuristics): few at a time. */
  readonly concurrency = 2;
  readonly oauth: XOAuth;
  private readonly client: XClient;

  constructor(app: XApp) {
    this.client = new XClient(app);
    this.oauth = new XOAuth(this.client);
  }

  /** The post operations for one call: every request and wait carries its abort signal. */
  private posts(opts: CallOptions | undefined): XPosts {
    const client = this.client.with(opts);
    return new XPosts(client, new XMediaUploader(client));
  }

  /** X keeps no idempotency key; `findPublished` recognises the post by its text instead. */
  publish(account: XAccount, content: PublishContent, _idempotencyKey: string, opts?: CallOptions): Promise<Published> {
    return this.posts(opts).publish(account, content);
  }

  /**
   * X can only be asked by text, so this needs the content that was (maybe) published. The current
   * interface passes the key only; callers must pass `content` as a fourth argument.
   */
  async findPublished(account: XAccount, _idempotencyKey: string, since: Date, content?: SentContent, opts?: CallOptions): Promise<Published | null> {
    if (!content) throw new RejectedError('X can only find a post by its text: findPublished needs the content that was sent', 'content_required');
    return this.posts(opts).findPublished(account, content, since);
  }

  delete(account: XAccount, platformPostId: string, opts?: CallOptions): Promise<void> {
    return this.posts(opts).delete(account, platformPostId);
  }

  metrics(account: XAccount, platformPostIds: string[], opts?: CallOptions): Promise<PostMetrics[]> {
    return new XMetrics(this.client.with(opts)).metrics(account, platformPostIds);
  }
}
