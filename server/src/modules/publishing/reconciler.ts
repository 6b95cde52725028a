import type { AppContext } from '../../context.js';
import { AuthExpiredError, UnknownOutcomeError } from '../../integrations/social/errors.js';
import type { Credentials, Published, SocialProvider } from '../../integrations/social/provider.js';
import { isProviderPlatform } from '../../integrations/social/registry.js';
import { ChannelUnavailableError, markChannelNeedsReauth, openChannel } from '../channels/publishing-access.js';
import { refreshAfterAuthError } from '../channels/token-refresh.js';
import { enqueuePublish } from './enqueue.js';
import { noticeTargetProblem } from './notices.js';
import { targetsChanged } from './post-state.js';
import { lockPostOfTarget } from './post-state.repo.js';
import * as repo from './repo.js';
import { settle } from './settle.js';
import { isAlive, STALE_AFTER_MS } from './workers.js';
import { errorMessage } from '../../lib/redact.js';

export type Reconciliation = 'still_running' | 'published' | 'retry' | 'needs_review' | 'needs_reauth' | 'not_publishing';

/** Failed tries at asking the platform (errors other than "cannot tell") before a person is asked instead. */
export const MAX_RECONCILE_TRIES = 5;
/** The platform's clock may differ from ours: look this much before the attempt started. */
const CLOCK_SKEW_MS = 60_000;

type Attempt = NonNullable<Awaited<ReturnType<typeof repo.latestAttempt>>>;

/**
 * Decides what became of a target left in `publishing` (dead worker, or unknown outcome): asks the
 * platform whether the post exists, among the posts made since the attempt started. Found → published.
 * Certainly absent → retried. Cannot tell (no way to ask, an empty or ambiguous text, repeated errors)
 * → `needs_review`, for a person to check; an expired grant → `needs_reauth`, checked again once the
 * channel is reconnected. Never publishes blindly.
 *
 * `workerDead`: the attempt's process is known to have died (embedded restart, stale heartbeat), so
 * nothing can still be calling the platform for it and the lease need not be waited out.
 */
export async function reconcileTarget(ctx: AppContext, targetId: string, opts: { workerDead?: boolean } = {}): Promise<Reconciliation> {
  const data = await repo.loadPublishData(ctx.db, targetId);
  if (!data || data.target.status !== 'publishing') return 'not_publishing';
  const { target } = data;
  const attempt = await repo.latestAttempt(ctx.db, targetId);
  if (attempt && !(await mayAskNow(ctx, attempt, opts.workerDead === true))) return 'still_running';

  if (!isProviderPlatform(ctx.social, data.channel.platform)) return review(ctx, target, attempt, `Herald cannot reach ${data.channel.platform} to check`);
  const provider = ctx.social[data.channel.platform];
  if (!provider.findPublished) return review(ctx, target, attempt, `${provider.displayName} cannot be asked whether the post went out; check the channel and publish again if it is missing`);
  let account: { externalId: string; credentials: Credentials };
  try {
    account = (await openChannel(ctx, target.organizationId, data.channel.id)).account;
  } catch (err) {
    if (!(err instanceof ChannelUnavailableError)) throw err;
    if (err.reason === 'needs_reauth') return holdForReauth(ctx, target, attempt, err.message);
    return review(ctx, target, attempt, 'The channel is no longer usable, so Herald could not check whether the post went out');
  }

  const since = new Date((attempt?.startedAt ?? target.updatedAt).getTime() - CLOCK_SKEW_MS);
  const sent = { text: target.text ?? data.post.text, mediaCount: (target.mediaIds ?? data.post.mediaIds).length };
  const ask = (credentials: Credentials) =>
    provider.findPublished!({ ...account, credentials }, target.idempotencyKey, since, sent, { signal: AbortSignal.timeout(askTimeoutMs(ctx)) });
  let found: Published | null;
  try {
    found = await askRenewingOnce(ctx, provider, target, data.channel.id, account.credentials, ask);
  } catch (err) {
    if (err instanceof UnknownOutcomeError) return review(ctx, target, attempt, `${provider.displayName} could not tell whether the post went out: ${err.message}`);
    if (err instanceof AuthExpiredError || err instanceof ChannelUnavailableError) return holdForReauth(ctx, target, attempt, err.message);
    const tries = await repo.countReconcileFailure(ctx.db, targetId, target.attemptCount);
    if (tries >= MAX_RECONCILE_TRIES) {
      const message = errorMessage(err);
      return review(ctx, target, attempt, `Herald asked ${provider.displayName} ${tries} times whether the post went out and got no answer (${message}); check the channel`);
    }
    // Asked again later (the job's retry, or the next sweep).
    throw err;
  }
  const attemptId = attempt?.id ?? (await repo.insertAttempt(ctx.db, { organizationId: target.organizationId, targetId, attemptNo: target.attemptCount, workerId: 'reconciler' }));
  const open = !attempt || !attempt.finishedAt || attempt.outcome === 'unknown_outcome';
  if (found) {
    await settle(ctx, targetId, target.attemptCount, attemptId, { kind: 'published', published: found }, open ? { outcome: 'reconciled', platformPostId: found.platformPostId } : 'unchanged');
    return 'published';
  }
  await settle(
    ctx,
    targetId,
    target.attemptCount,
    attemptId,
    { kind: 'retry', outcome: 'transient', error: { kind: 'unknown_outcome', message: 'The platform has no such post; publishing again' } },
    attempt && !attempt.finishedAt ? { outcome: 'abandoned', errorMessage: 'The worker stopped mid-call; the platform has no such post' } : 'unchanged',
  );
  return 'retry';
}

/**
 * Before the lease is over, a call may still land on the platform: asking then could miss it and
 * publish twice. Unless the attempt's worker is dead: a process that died is calling nobody.
 */
async function mayAskNow(ctx: AppContext, attempt: Attempt, workerDead: boolean): Promise<boolean> {
  const leaseEnds = attempt.startedAt.getTime() + ctx.config.publishing.leaseSeconds * 1000;
  if (leaseEnds <= Date.now()) return true;
  if (attempt.finishedAt) return false;
  if (workerDead) return true;
  return attempt.startedAt.getTime() < Date.now() - STALE_AFTER_MS && !(await isAlive(ctx.db, attempt.workerId));
}

function askTimeoutMs(ctx: AppContext): number {
  return Math.max(5_000, Math.min(120_000, (ctx.config.publishing.leaseSeconds * 1000) / 2));
}

/** A lookup the platform refuses for an expired token is asked once more after renewing it (through the lease). */
async function askRenewingOnce<T>(
  ctx: AppContext,
  provider: SocialProvider,
  target: repo.TargetRow,
  channelId: string,
  credentials: Credentials,
  ask: (credentials: Credentials) => Promise<T>,
): Promise<T> {
  try {
    return await ask(credentials);
  } catch (err) {
    if (!(err instanceof AuthExpiredError) || !provider.oauth?.refresh || !credentials.refreshToken) throw err;
    const renewed = await refreshAfterAuthError(ctx, target.organizationId, channelId, credentials, { what: 'Checking whether a post went out failed' });
    if (renewed.kind !== 'refreshed') throw err;
    return ask(renewed.credentials);
  }
}

/** Hands the target to a person: the platform cannot say whether it went out. */
async function review(ctx: AppContext, target: repo.TargetRow, attempt: Attempt | undefined, why: string): Promise<'needs_review'> {
  await ctx.db.transaction(async (tx) => {
    await lockPostOfTarget(tx, target.id);
    const settled = await repo.settleTarget(tx, target.id, target.attemptCount, { status: 'needs_review', lastError: { kind: 'unknown_outcome', message: why } });
    if (!settled) return;
    if (attempt && !attempt.finishedAt) await repo.finishAttempt(tx, attempt.id, { outcome: 'abandoned', errorMessage: why });
    await targetsChanged(tx, [settled]);
    await noticeTargetProblem(ctx, tx, settled, 'needs_review', why);
  });
  return 'needs_review';
}

/**
 * The channel's grant expired before Herald could ask: the channel and the target wait for a
 * reconnect. The target keeps an unknown-outcome error, so reconnecting asks the platform again
 * (`releaseHeldTargets`) instead of publishing blindly.
 */
async function holdForReauth(ctx: AppContext, target: repo.TargetRow, attempt: Attempt | undefined, reason: string): Promise<'needs_reauth'> {
  const message = `Herald could not check whether the post went out: ${reason} Reconnect the channel; Herald then checks again before publishing.`;
  await ctx.db.transaction(async (tx) => {
    await lockPostOfTarget(tx, target.id);
    const settled = await repo.settleTarget(tx, target.id, target.attemptCount, { status: 'needs_reauth', lastError: { kind: 'unknown_outcome', message } });
    if (!settled) return;
    // An attempt cut short by a dead worker stays an unknown outcome (checked after the reconnect).
    if (attempt && !attempt.finishedAt) await repo.finishAttempt(tx, attempt.id, { outcome: 'unknown_outcome', errorMessage: 'The worker stopped mid-call' });
    await markChannelNeedsReauth(tx, settled.channelId, reason);
    await targetsChanged(tx, [settled]);
    await noticeTargetProblem(ctx, tx, settled, 'needs_reauth', reason);
  });
  return 'needs_reauth';
}

/**
 * The periodic sweep (the `publishing-sweep` job): reconciles orphaned targets (lease over, or their
 * worker dead), and re-sends the job of any pending target whose time has passed without one (queue
 * outage, restored backup). Re-sends reuse the singleton key, so a job still queued is not doubled.
 */
export async function sweep(ctx: AppContext): Promise<{ reconciled: number; resent: number }> {
  const now = Date.now();
  const orphans = await repo.orphanedTargets(ctx.db, new Date(now - ctx.config.publishing.leaseSeconds * 1000), new Date(now - STALE_AFTER_MS), 100);
  let reconciled = 0;
  for (const id of orphans) {
    try {
      if ((await reconcileTarget(ctx, id)) !== 'still_running') reconciled += 1;
    } catch (err) {
      ctx.logger.warn({ err, targetId: id }, 'reconciliation failed; will try again');
    }
  }
  const resent = await resendOverdue(ctx, new Date(now - Math.max(30_000, ctx.config.publishing.sweepSeconds * 1000)));
  return { reconciled, resent };
}

/**
 * Re-sends the job of every pending target due before `dueBefore` (at most 500). A job still queued
 * is not doubled (same singleton key); one held by a worker that died is replaced.
 */
export async function resendOverdue(ctx: AppContext, dueBefore: Date): Promise<number> {
  const overdue = await repo.overdueTargets(ctx.db, dueBefore, 500);
  await enqueuePublish(ctx.queue, ctx.db, overdue, new Date());
  return overdue.length;
}

/** Settles the open attempts of processes that died, at once (no lease to wait out). Returns how many. */
export async function recoverTargets(ctx: AppContext, targetIds: string[]): Promise<number> {
  let settled = 0;
  for (const id of targetIds) {
    try {
      if ((await reconcileTarget(ctx, id, { workerDead: true })) !== 'still_running') settled += 1;
    } catch (err) {
      ctx.logger.warn({ err, targetId: id }, 'recovering a dead worker’s attempt failed; the sweep tries again');
    }
  }
  return settled;
}
