import type { AppContext } from '../../context.js';
import { UnknownOutcomeError } from '../../integrations/social/errors.js';
import type { Credentials, PublishContent, SocialProvider } from '../../integrations/social/provider.js';
import { isProviderPlatform } from '../../integrations/social/registry.js';
import { Semaphore } from '../../lib/semaphore.js';
import { ChannelUnavailableError, openChannel } from '../channels/publishing-access.js';
import { ensureFreshToken, ON_DEMAND_WINDOW_MS, refreshAfterAuthError, type AuthRecovery } from '../channels/token-refresh.js';
import { mediaForPublish } from '../media/for-posts.js';
import { targetsChanged } from './post-state.js';
import { lockPostOfTarget } from './post-state.repo.js';
import * as repo from './repo.js';
import { classify, releaseClaim, settle, type Outcome } from './settle.js';
import { WORKER_ID } from './workers.js';
import { errorMessage } from '../../lib/redact.js';

export { classify, settle, type Outcome } from './settle.js';

type Account = { externalId: string; credentials: Credentials };

/**
 * The publish-target job (DESIGN.md, "Publishing: exactly once, never lost"):
 * claim with one conditional UPDATE and record the attempt → call the platform outside any
 * transaction → settle according to the typed error. Only an error proving the platform did not
 * take the post is retried directly; an unknown outcome goes to the reconciler first.
 *
 * The call has a deadline of half the lease, counted from the claim (the attempt's start): waiting for
 * a per-platform slot uses it up too, and a call that could not start in time is not made (the claim
 * is released). At the deadline the call is aborted, not just left behind, and its slot is freed only
 * once the call has really ended, so an abandoned upload can never land after the reconciler looked.
 */
export class Publisher {
  readonly workerId = WORKER_ID;
  private readonly limits = new Map<string, Semaphore>();

  constructor(private readonly ctx: AppContext) {}

  async handle(job: { targetId: string; version: number; attempt: number }, signal?: AbortSignal): Promise<void> {
    const claimed = await this.ctx.db.transaction(async (tx) => {
      await lockPostOfTarget(tx, job.targetId);
      const target = await repo.claimTarget(tx, job.targetId, job.version, job.attempt);
      if (!target) return null;
      const attemptId = await repo.insertAttempt(tx, { organizationId: target.organizationId, targetId: target.id, attemptNo: target.attemptCount, workerId: this.workerId });
      await targetsChanged(tx, [target]);
      return { target, attemptId };
    });
    // No claim: the job is stale (rescheduled, cancelled, retried, deleted) or another worker has it.
    if (!claimed) return;
    const deadlineAt = Date.now() + this.callBudgetMs();
    const outcome = await this.publishOnce(claimed.target.id, deadlineAt, signal);
    if (outcome.kind === 'not_sent') {
      await releaseClaim(this.ctx, claimed.target.id, claimed.target.attemptCount, claimed.attemptId);
      return;
    }
    await settle(this.ctx, claimed.target.id, claimed.target.attemptCount, claimed.attemptId, outcome);
  }

  /** Half the lease: the reconciler may look once the lease is over, long after any call has ended. */
  private callBudgetMs(): number {
    return (this.ctx.config.publishing.leaseSeconds * 1000) / 2;
  }

  private async publishOnce(targetId: string, deadlineAt: number, jobSignal: AbortSignal | undefined): Promise<Outcome | { kind: 'not_sent' }> {
    const data = await repo.loadPublishData(this.ctx.db, targetId);
    if (!data) return { kind: 'failed', error: { kind: 'rejected', message: 'The post no longer exists' } };
    if (!isProviderPlatform(this.ctx.social, data.channel.platform)) {
      return { kind: 'failed', error: { kind: 'rejected', message: `Herald cannot publish to ${data.channel.platform}` } };
    }
    const provider = this.ctx.social[data.channel.platform];
    const organizationId = data.target.organizationId;
    let account: Account;
    try {
      account = (await openChannel(this.ctx, organizationId, data.channel.id)).account;
      if (provider.oauth?.refresh && expiresSoon(account.credentials.expiresAt)) {
        // Short-lived tokens (X: two hours) are renewed before the call rather than failing it.
        await ensureFreshToken(this.ctx, organizationId, data.channel.id, account.credentials.expiresAt);
        account = (await openChannel(this.ctx, organizationId, data.channel.id)).account;
      }
    } catch (err) {
      if (err instanceof ChannelUnavailableError) return channelOutcome(err);
      throw err;
    }
    let content: PublishContent;
    try {
      const mediaIds = data.target.mediaIds ?? data.post.mediaIds;
      content = { text: data.target.text ?? data.post.text, media: await mediaForPublish(this.ctx, organizationId, mediaIds, provider.platform) };
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
      return await this.call(provider, { organizationId, channelId: data.channel.id }, account, content, data.target.idempotencyKey, call);
    } finally {
      call.dispose();
      // The slot is freed when every request of the call has really ended (aborted ones included).
      void call.ended().then(release);
    }
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

/**
 * One platform call's deadline: an AbortSignal that fires at `deadlineAt` (or when the job is aborted,
 * e.g. the worker stops), passed into every request of the call. `run` answers at the deadline even if
 * a provider ignored the signal; `ended` resolves when every request has really finished.
 */
class DeadlineCall {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly started: Promise<unknown>[] = [];
  private readonly onJobAbort = () => this.controller.abort(new UnknownOutcomeError('The worker stopped while the platform was being called'));

  constructor(
    deadlineAt: number,
    private readonly jobSignal: AbortSignal | undefined,
  ) {
    const ms = Math.max(0, deadlineAt - Date.now());
    this.timer = setTimeout(() => this.controller.abort(new UnknownOutcomeError(`The platform did not answer within ${Math.round(ms / 1000)} s`)), ms);
    if (jobSignal?.aborted) this.onJobAbort();
    else jobSignal?.addEventListener('abort', this.onJobAbort, { once: true });
  }

  async run<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    signal.throwIfAborted();
    const task = fn(signal);
    this.started.push(task.catch(() => undefined));
    const aborted = new Promise<never>((_, reject) => {
      const stop = () => reject(signal.reason instanceof Error ? signal.reason : new UnknownOutcomeError('The call was aborted'));
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
      void task.finally(() => signal.removeEventListener('abort', stop)).catch(() => undefined);
    });
    return Promise.race([task, aborted]);
  }

  async ended(): Promise<void> {
    await Promise.allSettled(this.started);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.jobSignal?.removeEventListener('abort', this.onJobAbort);
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
