import type { AppContext } from '../../context.js';
import type { AttemptOutcome, TargetError } from '../../db/schema.js';
import { isProviderError, type ProviderError } from '../../integrations/social/errors.js';
import type { Published } from '../../integrations/social/provider.js';
import { markChannelNeedsReauth } from '../channels/publishing-access.js';
import { nextRetryAt } from './backoff.js';
import { enqueuePublish } from './enqueue.js';
import { noticeTargetProblem } from './notices.js';
import { targetsChanged } from './post-state.js';
import { lockPostOfTarget } from './post-state.repo.js';
import * as repo from './repo.js';
import { errorMessage } from '../../lib/redact.js';

/** What became of one publish call, and so what happens to the target next. */
export type Outcome =
  | { kind: 'published'; published: Published }
  | { kind: 'retry'; error: TargetError; retryAt?: Date | undefined; outcome: 'transient' | 'rate_limited' }
  | { kind: 'failed'; error: TargetError }
  | { kind: 'needs_reauth'; error: TargetError }
  | { kind: 'unknown'; error: TargetError };

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
  return { kind: 'unknown', error: { kind: 'unknown_outcome', message: errorMessage(err) } };
}

function toTargetError(err: ProviderError): TargetError {
  return { kind: err.kind, message: err.message, ...(err.platformCode ? { platformCode: err.platformCode } : {}) };
}

const ATTEMPT_OUTCOME: Record<Outcome['kind'], (o: Outcome) => AttemptOutcome> = {
  published: () => 'published',
  retry: (o) => (o as Extract<Outcome, { kind: 'retry' }>).outcome,
  failed: () => 'rejected',
  needs_reauth: () => 'auth_expired',
  unknown: () => 'unknown_outcome',
};

/** How the attempt row is closed: as the outcome says (default), as given (the reconciler), or left as it is. */
export type AttemptRecord = 'from_outcome' | 'unchanged' | { outcome: AttemptOutcome; errorMessage?: string; platformPostId?: string };

/**
 * Records an outcome: the attempt, the target and the post, in one transaction, together with the
 * job that comes next (a delayed retry, or a reconciliation scheduled from the attempt's start).
 */
export async function settle(ctx: AppContext, targetId: string, attemptCount: number, attemptId: string, outcome: Outcome, record: AttemptRecord = 'from_outcome'): Promise<boolean> {
  const { maxAttempts, retryBaseMs, leaseSeconds } = ctx.config.publishing;
  return ctx.db.transaction(async (tx) => {
    await lockPostOfTarget(tx, targetId);
    const error = 'error' in outcome ? outcome.error : null;
    let startedAt: Date | undefined;
    if (record === 'from_outcome') {
      startedAt = await repo.finishAttempt(tx, attemptId, {
        outcome: ATTEMPT_OUTCOME[outcome.kind](outcome),
        errorMessage: error?.message ?? null,
        platformCode: error?.platformCode ?? null,
        platformPostId: outcome.kind === 'published' ? outcome.published.platformPostId : null,
      });
    } else if (record !== 'unchanged') {
      startedAt = await repo.finishAttempt(tx, attemptId, record);
    }
    let settled: repo.TargetRow | undefined;
    switch (outcome.kind) {
      case 'published':
        settled = await repo.settleTarget(tx, targetId, attemptCount, {
          status: 'published',
          platformPostId: outcome.published.platformPostId,
          permalink: outcome.published.permalink,
          publishedAt: outcome.published.publishedAt ?? new Date(),
          lastError: null,
        });
        break;
      case 'retry': {
        if (attemptCount >= maxAttempts) {
          const gaveUp = { ...outcome.error, message: `Gave up after ${attemptCount} attempts: ${outcome.error.message}` };
          settled = await repo.settleTarget(tx, targetId, attemptCount, { status: 'failed', lastError: gaveUp });
          if (settled) await noticeTargetProblem(ctx, tx, settled, 'failed', gaveUp.message);
          break;
        }
        const at = nextRetryAt({ now: new Date(), attempt: attemptCount, baseMs: retryBaseMs, platformRetryAt: outcome.retryAt });
        settled = await repo.settleTarget(tx, targetId, attemptCount, { status: 'retrying', nextAttemptAt: at, lastError: outcome.error });
        if (settled) await enqueuePublish(ctx.queue, tx, [settled], at);
        break;
      }
      case 'failed':
        settled = await repo.settleTarget(tx, targetId, attemptCount, { status: 'failed', lastError: outcome.error });
        if (settled) await noticeTargetProblem(ctx, tx, settled, 'failed', outcome.error.message);
        break;
      case 'needs_reauth':
        settled = await repo.settleTarget(tx, targetId, attemptCount, { status: 'needs_reauth', lastError: outcome.error });
        if (settled) {
          await markChannelNeedsReauth(tx, settled.channelId, outcome.error.message);
          await noticeTargetProblem(ctx, tx, settled, 'needs_reauth', outcome.error.message);
        }
        break;
      case 'unknown':
        // Stays `publishing` until the reconciler has asked the platform, once the attempt's lease is
        // over (counted from the attempt's start, like every other lease).
        settled = await repo.settleTarget(tx, targetId, attemptCount, { status: 'publishing', lastError: outcome.error });
        if (settled) {
          const after = new Date((startedAt?.getTime() ?? Date.now()) + leaseSeconds * 1000 + 1000);
          await ctx.queue.send('reconcile-target', { targetId }, { tx, startAfter: after, singletonKey: targetId });
        }
        break;
    }
    if (settled) await targetsChanged(tx, [settled]);
    else ctx.logger.warn({ targetId, attemptCount, outcome: outcome.kind }, 'target was settled elsewhere (reconciler) before this attempt finished');
    return !!settled;
  });
}

/**
 * Hands a claimed target back without having called the platform (its slot came too late for the
 * call's deadline): the claim and its attempt row are undone and the target is queued again at once.
 */
export async function releaseClaim(ctx: AppContext, targetId: string, attemptCount: number, attemptId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await lockPostOfTarget(tx, targetId);
    const target = await repo.unclaimTarget(tx, targetId, attemptCount);
    if (!target) return;
    await repo.deleteAttempt(tx, attemptId);
    await enqueuePublish(ctx.queue, tx, [target], new Date());
    await targetsChanged(tx, [target]);
  });
}
