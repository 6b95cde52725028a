import { UnknownOutcomeError } from '../errors.js';
import type { CallOptions, Credentials, PostMetrics, Published, PublishContent, SocialProvider } from '../provider.js';
import { CONTENT_RULES } from '../rules.js';
import { type LinkedInApp, LinkedInClient } from './linkedin.client.js';
import type { VideoWait } from './linkedin.media.js';
import { memberMetrics, organizationMetrics } from './linkedin.metrics.js';
import { LinkedInOAuth } from './linkedin.oauth.js';
import { deletePost, findPost } from './linkedin.posts.js';
import { publishToLinkedIn } from './linkedin.publish.js';
import { authorKind } from './linkedin.text.js';

type LinkedInAccount = { externalId: string; credentials: Credentials };

export interface LinkedInOptions {
  /** How publishing waits for an uploaded video to become AVAILABLE. */
  videoWait?: Partial<VideoWait>;
}

const REMEMBERED = 500;

/**
 * LinkedIn member profiles and organization (company) pages, through the versioned `/rest` API
 * (LinkedIn-Version = HERALD_LINKEDIN_VERSION). One member token serves the member and every
 * organization they administer, so accounts carry no credentials of their own.
 */
export class LinkedInProvider implements SocialProvider {
  readonly platform = 'linkedin' as const;
  readonly displayName = 'LinkedIn';
  readonly rules = CONTENT_RULES.linkedin;
  /** LinkedIn throttles per member and per app per day and watches for bursts: keep it low. */
  readonly concurrency = 2;
  readonly oauth: LinkedInOAuth;
  private readonly client: LinkedInClient;
  private readonly videoWait: VideoWait;
  /**
   * Commentary sent per idempotency key, for `findPublished` when the caller does not pass the
   * text. LinkedIn posts carry no hidden marker, so the text is the only thing to match on. Kept in
   * memory only (a bounded, insertion-ordered map): after a restart the caller must pass the text.
   */
  private readonly sent = new Map<string, { author: string; text: string }>();

  constructor(app: LinkedInApp, opts: LinkedInOptions = {}) {
    this.client = new LinkedInClient(app);
    this.oauth = new LinkedInOAuth(this.client);
    this.videoWait = { pollMs: opts.videoWait?.pollMs ?? 3000, maxWaitMs: opts.videoWait?.maxWaitMs ?? 240_000 };
  }

  async publish(account: LinkedInAccount, content: PublishContent, idempotencyKey: string, opts?: CallOptions): Promise<Published> {
    return publishToLinkedIn(this.client.with(opts), account, content, {
      videoWait: this.videoWait,
      beforeCreate: () => this.remember(idempotencyKey, account.externalId, content.text),
    });
  }

  /**
   * Finds the post published under `idempotencyKey` by its exact text (see findPost). `content` is
   * the text that was to be published; without it only a publish made by this process is known.
   */
  async findPublished(account: LinkedInAccount, idempotencyKey: string, since: Date, content?: Pick<PublishContent, 'text'>, opts?: CallOptions): Promise<Published | null> {
    const remembered = this.sent.get(idempotencyKey);
    const text = content?.text ?? (remembered?.author === account.externalId ? remembered.text : undefined);
    if (text === undefined) {
      throw new UnknownOutcomeError('LinkedIn posts carry no idempotency marker and Herald does not know the text that was sent, so it cannot tell whether the post went out');
    }
    return findPost(this.client.with(opts), account.credentials.accessToken, account.externalId, text, since);
  }

  async delete(account: LinkedInAccount, platformPostId: string, opts?: CallOptions): Promise<void> {
    await deletePost(this.client.with(opts), account.credentials.accessToken, platformPostId);
  }

  /** Organization posts: share statistics. Member posts: creator post analytics when permitted, else nulls. */
  async metrics(account: LinkedInAccount, platformPostIds: string[], opts?: CallOptions): Promise<PostMetrics[]> {
    const client = this.client.with(opts);
    if (platformPostIds.length === 0) return [];
    if (authorKind(account.externalId) === 'organization') {
      return organizationMetrics(client, account.credentials.accessToken, account.externalId, platformPostIds);
    }
    return memberMetrics(client, account.credentials, platformPostIds);
  }

  private remember(key: string, author: string, text: string): void {
    this.sent.delete(key);
    this.sent.set(key, { author, text });
    if (this.sent.size > REMEMBERED) this.sent.delete(this.sent.keys().next().value!);
  }
}
