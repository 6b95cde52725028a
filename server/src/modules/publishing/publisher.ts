import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { AppContext } from '../../context.js';
import type { TargetError } from '../../db/schema.js';
import { isProviderError, UnknownOutcomeError, type ProviderError } from '../../integrations/social/errors.js';
import type { Credentials, PublishContent, Published, SocialProvider } from '../../integrations/social/provider.js';
import { isProviderPlatform } from '../../integrations/social/registry.js';
import { Semaphore } from '../../lib/semaphore.js';
import { ChannelUnavailableError, markChannelNeedsReauth, openChannel, saveChannelCredentials } from '../channels/publishing-access.js';
import { mediaForPublish } from '../media/for-posts.js';
import { ensureFreshToken, ON_DEMAND_WINDOW_MS } from '../channels/token-refresh.js';
import { recomputePostStatus } from '../posts/service.js';
import { nextRetryAt } from './backoff.js';
import { enqueuePublish } from './enqueue.js';
import { noticeTargetProblem } from './notices.js';
import * as repo from './repo.js';

/** What became of one publish call, and so what happens to the target next. */
export type Outcome =
  | { kind: 'published'; published: Published }
  | { kind: 'retry'; error: TargetError; retryAt?: Date | undefined; outcome: 'transient' | 'rate_limited' }
  | { kind: 'failed'; error: TargetError }
  | { kind: 'needs_reauth'; error: TargetError }
  | { kind: 'unknown'; error: TargetError };

type Account = { externalId: string; credentials: Credentials };

/**
 * The publish-target job (DESIGN.md, "Publishing: exactly once, never lost"):
 * claim with one conditional UPDATE and record the attempt → call the platform outside any
 * transaction → settle according to the typed error. Only an error proving the platform did not
 * take the post is retried directly; an unknown outcome goes to the reconciler first.
 */
export class Publisher {
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly limits = new Map<string, Semaphore>();

  constructor(private readonly ctx: AppContext) {}

  async handle(job: { targetId: string; version: number; attempt: number }): Promise<void> {
    const claimed = await this.ctx.db.transaction(async (tx) => {
      await repo.lockPostOfTarget(tx, job.targetId);
      const target = await repo.claimTarget(tx, job.targetId, job.version, job.attempt);
      if (!target) return null;
      const attemptId = await repo.insertAttempt(tx, { organizationId: target.organizationId, targetId: target.id, attemptNo: target.attemptCount, workerId: this.workerId });
      await recomputePostStatus(tx, target.postId);
      return { target, attemptId };
    });
    // No claim: the job is stale (rescheduled, cancelled, retried, deleted) or another worker has it.
    if (!claimed) return;
    const outcome = await this.publishOnce(claimed.target.id);
    await settle(this.ctx, claimed.target.id, claimed.target.attemptCount, claimed.attemptId, outcome);
  }

  private async publishOnce(targetId: string): Promise<Outcome> {
    const data = await repo.loadPublishData(this.ctx.db, targetId);
    if (!data) return { kind: 'failed', error: { kind: 'rejected', message: 'The post no longer exists' } };
    if (!isProviderPlatform(this.ctx.social, data.channel.platform)) {
      return { kind: 'failed', error: { kind: 'rejected', message: `Herald cannot publish to ${data.channel.platform}` } };
    }
    const provider = this.ctx.social[data.channel.platform];
    let account: Account;
    try {
      account = (await openChannel(this.ctx, data.target.organizationId, data.channel.id)).account;
      if (provider.oauth?.refresh && expiresSoon(account.credentials.expiresAt)) {
        // Short-lived tokens (X: two hours) are renewed before the call rather than failing it.
        await ensureFreshToken(this.ctx, data.target.organizationId, data.channel.id, account.credentials.expiresAt);
        account = (await openChannel(this.ctx, data.target.organizationId, data.channel.id)).account;
      }
    } catch (err) {
      if (err instanceof ChannelUnavailableError) {
        return err.reason === 'needs_reauth'
          ? { kind: 'needs_reauth', error: { kind: 'auth_expired', message: 'The channel needs to be reconnected' } }
          : { kind: 'failed', error: { kind: 'rejected', message: 'The channel was disconnected' } };
      }
      throw err;
    }
    let content: PublishContent;
    try {
      const mediaIds = data.target.mediaIds ?? data.post.mediaIds;
      content = { text: data.target.text ?? data.post.text, media: await mediaForPublish(this.ctx, data.target.organizationId, mediaIds, provider.platform) };
    } catch (err) {
      // Nothing reached the platform yet: safe to retry.
      return { kind: 'retry', outcome: 'transient', error: { kind: 'transient', message: `Preparing media failed: ${(err as Error).message}` } };
    }
    return this.limit(provider).run(() => this.call(provider, data.channel.id, account, content, data.target.idempotencyKey));
  }

  /** Calls the platform; an expired token is refreshed once (when the platform can) and the call repeated. */
  private async call(provider: SocialProvider, channelId: string, account: Account, content: PublishContent, key: string): Promise<Outcome> {
    try {
      return { kind: 'published', published: await this.withDeadline(provider.publish(account, content, key)) };
    } catch (err) {
      const outcome = classify(err);
      if (outcome.kind !== 'needs_reauth' || !provider.oauth?.refresh || !account.credentials.refreshToken) return outcome;
      let refreshed: Credentials;
      try {
        refreshed = await provider.oauth.refresh(account.credentials);
      } catch (refreshError) {
        // The platform could not renew right now (5xx, throttled): the grant may well be fine, so try
        // again later instead of holding the channel until someone reconnects it.
        if (isProviderError(refreshError) && (refreshError.kind === 'transient' || refreshError.kind === 'rate_limited')) return classify(refreshError);
        return outcome;
      }
      await saveChannelCredentials(this.ctx.db, this.ctx.keys, channelId, refreshed);
      try {
        return { kind: 'published', published: await this.withDeadline(provider.publish({ ...account, credentials: refreshed }, content, key)) };
      } catch (again) {
        return classify(again);
      }
    }
  }

  /** A call that outlives half the lease is treated as an unknown outcome (the reconciler decides). */
  private async withDeadline<T>(call: Promise<T>): Promise<T> {
    const ms = (this.ctx.config.publishing.leaseSeconds * 1000) / 2;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnknownOutcomeError(`The platform did not answer within ${Math.round(ms / 1000)} s`)), ms);
    });
    try {
      return await Promise.race([call, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private limit(provider: SocialProvider): Semaphore {
    let s = this.limits.get(provider.platform);
    if (!s) this.limits.set(provider.platform, (s = new Semaphore(provider.concurrency)));
    return s;
  }
}

function expiresSoon(expiresAt: string | null | undefined): boolean {
  const ms = expiresAt ? Date.parse(expiresAt) : NaN;
  return !Number.isNaN(ms) && ms - Date.now() <= ON_DEMAND_WINDOW_MS;
}

/** Maps what a provider threw to the next step. Anything untyped may have reached the platform. */
export function classify(err: unknown): Outcome {
  if (isProviderError(err)) {
    const error = toTargetError(err);
    switch (err.kind) {
      case 'transient':
        return { kind: 'retry', outcome: 'transient', error };
      case 'rate_limited':
        return { kind: 'retry', outcome: 'rate_limited', error, retryAt: (err as ProviderError & { retryAt: Date }).retryAt };
      case 'rejected':
        return { kind: 'failed', error };
      case 'auth_expired':
        return { kind: 'needs_reauth', error };
      case 'unknown_outcome':
        return { kind: 'unknown', error };
    }
  }
  return { kind: 'unknown', error: { kind: 'unknown_outcome', message: err instanceof Error ? err.message : String(err) } };
}

function toTargetError(err: ProviderError): TargetError {
  return { kind: err.kind, message: err.message, ...(err.platformCode ? { platformCode: err.platformCode } : {}) };
}

/**
 * Records an outcome: the attempt, the target and the post, in one transaction, together with the
 * job that comes next (a delayed retry, or a reconciliation).
 */
export async function settle(ctx: AppContext, targetId: string, attemptCount: number, attemptId: string, outcome: Outcome): Promise<void> {
  const { maxAttempts, retryBaseMs } = ctx.config.publishing;
  await ctx.db.transaction(async (tx) => {
    await repo.lockPostOfTarget(tx, targetId);
    const common = { errorMessage: 'error' in outcome ? outcome.error.message : null, platformCode: 'error' in outcome ? (outcome.error.platformCode ?? null) : null };
    let settled: repo.TargetRow | undefined;
    switch (outcome.kind) {
      case 'published':
        await repo.finishAttempt(tx, attemptId, { outcome: 'published', platformPostId: outcome.published.platformPostId });
        settled = await repo.settleTarget(tx, targetId, attemptCount, {
          status: 'published',
          platformPostId: outcome.published.platformPostId,
          permalink: outcome.published.permalink,
          publishedAt: outcome.published.publishedAt ?? new Date(),
          lastError: null,
        });
        break;
      case 'retry': {
        await repo.finishAttempt(tx, attemptId, { outcome: outcome.outcome, ...common });
        if (attemptCount >= maxAttempts) {
          const error = { ...outcome.error, message: `Gave up after ${attemptCount} attempts: ${outcome.error.message}` };
          settled = await repo.settleTarget(tx, targetId, attemptCount, { status: 'failed', lastError: error });
          if (settled) await noticeTargetProblem(ctx, tx, settled, 'failed', error.message);
          break;
        }
        const at = nextRetryAt({ now: new Date(), attempt: attemptCount, baseMs: retryBaseMs, platformRetryAt: outcome.retryAt });
        settled = await repo.settleTarget(tx, targetId, attemptCount, { status: 'retrying', nextAttemptAt: at, lastError: outcome.error });
        if (settled) await enqueuePublish(ctx.queue, tx, settled, at);
        break;
      }
      case 'failed':
        await repo.finishAttempt(tx, attemptId, { outcome: 'rejected', ...common });
        settled = await repo.settleTarget(tx, targetId, attemptCount, { status: 'failed', lastError: outcome.error });
        if (settled) await noticeTargetProblem(ctx, tx, settled, 'failed', outcome.error.message);
        break;
      case 'needs_reauth':
        await repo.finishAttempt(tx, attemptId, { outcome: 'auth_expired', ...common });
        settled = await repo.settleTarget(tx, targetId, attemptCount, { status: 'needs_reauth', lastError: outcome.error });
        if (settled) {
          await markChannelNeedsReauth(tx, settled.channelId, outcome.error.message);
          await noticeTargetProblem(ctx, tx, settled, 'needs_reauth', outcome.error.message);
        }
        break;
      case 'unknown':
        await repo.finishAttempt(tx, attemptId, { outcome: 'unknown_outcome', ...common });
        // Stays `publishing` until the reconciler has asked the platform.
        settled = await repo.settleTarget(tx, targetId, attemptCount, { status: 'publishing', lastError: outcome.error });
        // Ask the platform once the attempt's lease is over (the abandoned call may land until then).
        if (settled) {
          const after = new Date(Date.now() + (ctx.config.publishing.leaseSeconds * 1000) / 2 + 1000);
          await ctx.queue.send('reconcile-target', { targetId }, { tx, startAfter: after, singletonKey: targetId });
        }
        break;
    }
    if (settled) await recomputePostStatus(tx, settled.postId);
    else ctx.logger.warn({ targetId, attemptCount, outcome: outcome.kind }, 'target was settled elsewhere (reconciler) before this attempt finished');
  });
}
