import type { AppContext } from '../../context.js';
import type { Credentials, PublishContent, SocialProvider } from '../../integrations/social/provider.js';
import { isProviderPlatform } from '../../integrations/social/registry.js';
import { Semaphore } from '../../lib/semaphore.js';
import { ChannelUnavailableError, openChannel, openChannelCredentials } from '../channels/publishing-access.js';
import { ensureFreshToken, ON_DEMAND_WINDOW_MS, refreshAfterAuthError, type AuthRecovery } from '../channels/token-refresh.js';
import { mediaForPublish } from '../media/for-posts.js';
import { DeadlineCall } from './deadline-call.js';
import { lockPostsOfTargets } from './post-state.repo.js';
import * as repo from './repo.js';
import { classify, releaseClaim, settle, type Outcome } from './settle.js';
import { PublishedSettler } from './settle-published.js';
import { WORKER_ID } from './workers.js';
import { errorMessage } from '../../lib/redact.js';

export { classify, settle, type Outcome } from './settle.js';

type Account = { externalId: string; credentials: Credentials };

/** A publish job with the signal pg-boss aborts when the worker stops or gives the job up. */
export type PublishJobRun = repo.PublishJob & { signal?: AbortSignal | undefined };

/**
 * The publish-target jobs (DESIGN.md, "Publishing: exactly once, never lost"), a batch at a time:
 * one transaction claims every target of the batch that is still due (one conditional statement, which
 * records the attempts too) → each call to the platform runs outside any transaction → each target is
 * settled according to the typed error (published ones together, in batches). Only an error proving
 * the platform did not take the post is retried directly; an unknown outcome goes to the reconciler.
 *
 * A call has a deadline of half the lease, counted from the claim (the attempt's start): waiting for
 * a per-platform slot uses it up too, and a call that could not start in time is not made (the claim
 * is released). At the deadline the call is aborted, not just left behind, and its slot is freed only
 * once the call has really ended, so an abandoned upload can never land after the reconciler looked.
 */
export class Publisher {
  readonly workerId = WORKER_ID;
  private readonly limits = new Map<string, Semaphore>();
  private readonly published: PublishedSettler;

  constructor(private readonly ctx: AppContext) {
    this.published = new PublishedSettler(ctx);
  }

  /**
   * Claims, publishes and settles a batch of jobs. Resolves once every claimed target is settled (or
   * handed to the reconciler), with the error of each target whose handling failed after its claim
   * (by target id; the job may be failed, a retry claims nothing). Throws, claiming nothing, if the
   * claim itself fails: the jobs can be retried as they are.
   */
  async handleBatch(jobs: readonly PublishJobRun[]): Promise<Map<string, unknown>> {
    const claimed = await this.ctx.db.transaction(async (tx) => {
      await lockPostsOfTargets(tx, jobs.map((j) => j.targetId));
      return repo.claimTargets(tx, jobs, this.workerId);
    });
    const failures = new Map<string, unknown>();
    // A job missing from the claim is stale (rescheduled, cancelled, retried, deleted) or another worker's.
    if (claimed.length === 0) return failures;
    const deadlineAt = Date.now() + this.callBudgetMs();
    const signals = new Map(jobs.map((j) => [j.targetId, j.signal]));
    const accounts = new Map<string, Promise<Account>>();
    await Promise.all(
      claimed.map(async (target) => {
        try {
          await this.publishClaimed(target, accounts, deadlineAt, signals.get(target.targetId));
        } catch (err) {
          failures.set(target.targetId, err);
        }
      }),
    );
    return failures;
  }

  private async publishClaimed(target: repo.ClaimedTarget, accounts: Map<string, Promise<Account>>, deadlineAt: number, signal: AbortSignal | undefined): Promise<void> {
    const outcome = await this.publishOnce(target, accounts, deadlineAt, signal);
    if (outcome.kind === 'not_sent') return releaseClaim(this.ctx, target.targetId, target.attemptCount, target.attemptId);
    if (outcome.kind === 'published') {
      const { platformPostId, permalink, publishedAt } = outcome.published;
      await this.published.settle({ targetId: target.targetId, attemptCount: target.attemptCount, attemptId: target.attemptId, platformPostId, permalink: permalink ?? null, publishedAt: publishedAt ?? new Date() });
      return;
    }
    await settle(this.ctx, target.targetId, target.attemptCount, target.attemptId, outcome);
  }

  /** Half the lease: the reconciler may look once the lease is over, long after any call has ended. */
  private callBudgetMs(): number {
    return (this.ctx.config.publishing.leaseSeconds * 1000) / 2;
  }

  private async publishOnce(target: repo.ClaimedTarget, accounts: Map<string, Promise<Account>>, deadlineAt: number, jobSignal: AbortSignal | undefined): Promise<Outcome | { kind: 'not_sent' }> {
    const { channel, organizationId } = target;
    if (!channel) return channelOutcome(new ChannelUnavailableError('not_found', 'unknown'));
    if (!isProviderPlatform(this.ctx.social, channel.platform)) {
      return { kind: 'failed', error: { kind: 'rejected', message: `Herald cannot publish to ${channel.platform}` } };
    }
    const provider = this.ctx.social[channel.platform];
    let account: Account;
    try {
      // Credentials are opened (and renewed when about to expire) once per channel per batch.
      let opening = accounts.get(channel.id);
      if (!opening) accounts.set(channel.id, (opening = this.openAccount(provider, organizationId, channel)));
      account = await opening;
    } catch (err) {
      if (err instanceof ChannelUnavailableError) return channelOutcome(err);
      throw err;
    }
    let content: PublishContent;
    try {
      const media = target.mediaIds.length === 0 ? [] : await mediaForPublish(this.ctx, organizationId, target.mediaIds, provider.platform);
      content = { text: target.text, media };
    } catch (err) {
      // Nothing reached the platform yet: safe to retry.
      return { kind: 'retry', outcome: 'transient', error: { kind: 'transient', message: `Preparing media failed: ${errorMessage(err)}` } };
    }

    const release = await this.limit(provider).acquire();
    // The slot came too late: less than half the call's budget is left. Nothing was sent; hand the
    // target back rather than start a call the deadline would cut short.
    if (deadlineAt - Date.now() < this.callBudgetMs() / 2) {
      release();
      return { kind: 'not_sent' };
    }
    const call = new DeadlineCall(deadlineAt, jobSignal);
    try {
      return await this.call(provider, { organizationId, channelId: channel.id }, account, content, target.idempotencyKey, call);
    } finally {
      call.dispose();
      // The slot is freed when every request of the call has really ended (aborted ones included).
      void call.ended().then(release);
    }
  }

  /** A channel's account from the claim's sealed credentials; short-lived tokens (X: two hours) are renewed first rather than failing the call. */
  private async openAccount(provider: SocialProvider, organizationId: string, channel: NonNullable<repo.ClaimedTarget['channel']>): Promise<Account> {
    const credentials = openChannelCredentials(this.ctx, organizationId, channel, channel.credentials);
    if (!provider.oauth?.refresh || !expiresSoon(credentials.expiresAt)) return { externalId: channel.externalId, credentials };
    await ensureFreshToken(this.ctx, organizationId, channel.id, credentials.expiresAt);
    return (await openChannel(this.ctx, organizationId, channel.id)).account;
  }

  /**
   * Calls the platform; a token the platform refuses is renewed once through the channel's refresh lease
   * (two targets of one channel never spend a single-use refresh token twice), and the call repeated.
   */
  private async call(provider: SocialProvider, channel: { organizationId: string; channelId: string }, account: Account, content: PublishContent, key: string, call: DeadlineCall): Promise<Outcome> {
    try {
      return { kind: 'published', published: await call.run((signal) => provider.publish(account, content, key, { signal })) };
    } catch (err) {
      const outcome = classify(err);
      if (outcome.kind !== 'needs_reauth' || !provider.oauth?.refresh || !account.credentials.refreshToken) return outcome;
      let recovery: AuthRecovery;
      try {
        recovery = await call.run(() => refreshAfterAuthError(this.ctx, channel.organizationId, channel.channelId, account.credentials));
      } catch (refreshError) {
        return classify(refreshError);
      }
      if (recovery.kind === 'unavailable') {
        // The platform could not renew right now (5xx, throttled): the grant may well be fine.
        if (recovery.error?.kind === 'transient' || recovery.error?.kind === 'rate_limited') return classify(recovery.error);
        return { kind: 'retry', outcome: 'transient', error: { kind: 'transient', message: `${provider.displayName} refused the token and renewing it failed for now; trying again later` } };
      }
      if (recovery.kind === 'needs_reauth') return outcome;
      const fresh: Account = { ...account, credentials: recovery.credentials };
      try {
        return { kind: 'published', published: await call.run((signal) => provider.publish(fresh, content, key, { signal })) };
      } catch (again) {
        return classify(again);
      }
    }
  }

  private limit(provider: SocialProvider): Semaphore {
    let s = this.limits.get(provider.platform);
    if (!s) this.limits.set(provider.platform, (s = new Semaphore(provider.concurrency)));
    return s;
  }
}

function channelOutcome(err: ChannelUnavailableError): Outcome {
  return err.reason === 'needs_reauth'
    ? { kind: 'needs_reauth', error: { kind: 'auth_expired', message: 'The channel needs to be reconnected' } }
    : { kind: 'failed', error: { kind: 'rejected', message: 'The channel was disconnected' } };
}

function expiresSoon(expiresAt: string | null | undefined): boolean {
  const ms = expiresAt ? Date.parse(expiresAt) : NaN;
  return !Number.isNaN(ms) && ms - Date.now() <= ON_DEMAND_WINDOW_MS;
}
