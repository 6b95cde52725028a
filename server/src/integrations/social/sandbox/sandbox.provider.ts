import { setTimeout as sleep } from 'node:timers/promises';
import { and, asc, eq, gte } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { sandboxPosts } from '../../../db/schema.js';
import { AuthExpiredError, RejectedError, TransientError } from '../errors.js';
import type { CallOptions, Credentials, Published, PublishContent, SocialProvider } from '../provider.js';
import { CONTENT_RULES } from '../rules.js';

export interface SandboxOptions {
  db: Db;
  publicUrl: string;
  /** Simulated platform latency per call: on average this, spread uniformly over ±50 %. */
  latencyMs: number;
  /** Share of publish calls that fail with a transient error before taking the post (0..1). */
  failureRate: number;
  /** Calls in flight at once per worker (HERALD_SANDBOX_CONCURRENCY). */
  concurrency?: number;
  random?: () => number;
}

type SandboxAccount = { externalId: string; credentials: Credentials };

/**
 * A built-in practice platform. It stores what it receives in `sandbox_posts`, in its own statement,
 * outside any Herald transaction, as an outside platform would. It does not deduplicate by key:
 * a double publish would show up as two rows, which is what the exactly-once tests look for.
 */
export class SandboxProvider implements SocialProvider {
  readonly platform = 'sandbox' as const;
  readonly displayName = 'Sandbox';
  readonly rules = CONTENT_RULES.sandbox;
  readonly concurrency: number;
  private readonly random: () => number;

  constructor(private readonly opts: SandboxOptions) {
    this.random = opts.random ?? Math.random;
    this.concurrency = opts.concurrency ?? 50;
  }

  async publish(account: SandboxAccount, content: PublishContent, idempotencyKey: string, call: CallOptions = {}): Promise<Published> {
    this.checkToken(account);
    // An aborted wait rejects with the signal's reason: like a dropped request, the post was never stored.
    if (this.opts.latencyMs > 0) await sleep(Math.round(this.opts.latencyMs * (0.5 + this.random())), undefined, { signal: call.signal });
    call.signal?.throwIfAborted();
    if (this.opts.failureRate > 0 && this.random() < this.opts.failureRate) {
      throw new TransientError('The sandbox simulated a temporary outage (HERALD_SANDBOX_FAILURE_RATE)', 'sandbox_unavailable');
    }
    const [row] = await this.opts.db
      .insert(sandboxPosts)
      .values({
        accountId: account.externalId,
        idempotencyKey,
        text: content.text,
        media: content.media.map((m) => ({ kind: m.kind, mime: m.mime, url: m.url, sizeBytes: m.sizeBytes })),
      })
      .returning({ id: sandboxPosts.id, createdAt: sandboxPosts.createdAt });
    return { platformPostId: row!.id, permalink: this.permalink(account.externalId, row!.id), publishedAt: row!.createdAt };
  }

  async findPublished(account: SandboxAccount, idempotencyKey: string, since: Date): Promise<Published | null> {
    this.checkToken(account);
    const [row] = await this.opts.db
      .select({ id: sandboxPosts.id, createdAt: sandboxPosts.createdAt })
      .from(sandboxPosts)
      .where(and(eq(sandboxPosts.accountId, account.externalId), eq(sandboxPosts.idempotencyKey, idempotencyKey), gte(sandboxPosts.createdAt, since)))
      .orderBy(asc(sandboxPosts.createdAt))
      .limit(1);
    return row ? { platformPostId: row.id, permalink: this.permalink(account.externalId, row.id), publishedAt: row.createdAt } : null;
  }

  async delete(account: SandboxAccount, platformPostId: string): Promise<void> {
    this.checkToken(account);
    const rows = await this.opts.db
      .delete(sandboxPosts)
      .where(and(eq(sandboxPosts.id, platformPostId), eq(sandboxPosts.accountId, account.externalId)))
      .returning({ id: sandboxPosts.id });
    if (rows.length === 0) throw new RejectedError('The sandbox has no such post', 'not_found');
  }

  /**
   * The sandbox "platform" checks its token like a real one: an empty token is refused, and a token
   * past its `expiresAt` answers as an expired token does (so the re-authorisation path can be exercised).
   */
  private checkToken(account: SandboxAccount): void {
    const { accessToken, expiresAt } = account.credentials;
    if (!accessToken) throw new RejectedError('The sandbox channel has no credentials', 'no_token');
    if (expiresAt && Date.parse(expiresAt) <= Date.now()) {
      throw new AuthExpiredError('The sandbox access token has expired', 'token_expired');
    }
  }

  private permalink(accountId: string, postId: string): string {
    return `${this.opts.publicUrl}/sandbox/${accountId}#${postId}`;
  }
}
