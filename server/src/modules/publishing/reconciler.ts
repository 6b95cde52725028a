import type { AppContext } from '../../context.js';
import { UnknownOutcomeError } from '../../integrations/social/errors.js';
import { isProviderPlatform } from '../../integrations/social/registry.js';
import { ChannelUnavailableError, openChannel } from '../channels/publishing-access.js';
import { recordAudit } from '../audit/repo.js';
import { recomputePostStatus } from '../posts/service.js';
import { enqueuePublish } from './enqueue.js';
import { noticeTargetProblem } from './notices.js';
import { settle } from './publisher.js';
import * as repo from './repo.js';

export type Reconciliation = 'still_running' | 'published' | 'retry' | 'needs_review' | 'not_publishing';

/**
 * Decides what became of a target left in `publishing` (dead worker, or unknown outcome): asks the
 * platform whether the post exists under the target's idempotency key. Found → published. Certainly
 * absent → retried. Cannot tell → `needs_review`, for a person to check. Never publishes blindly.
 */
export async function reconcileTarget(ctx: AppContext, targetId: string): Promise<Reconciliation> {
  const data = await repo.loadPublishData(ctx.db, targetId);
  if (!data || data.target.status !== 'publishing') return 'not_publishing';
  const { target } = data;
  const attempt = await repo.latestAttempt(ctx.db, targetId);
  const leaseEnds = (attempt?.startedAt.getTime() ?? 0) + ctx.config.publishing.leaseSeconds * 1000;
  // Before the lease is over, even an attempt that gave up waiting may still land on the platform
  // (the call was abandoned at half the lease, not cancelled): asking now could miss it and publish twice.
  if (attempt && leaseEnds > Date.now()) return 'still_running';

  const review = async (why: string) => {
    await ctx.db.transaction(async (tx) => {
      await repo.lockPostOfTarget(tx, targetId);
      const settled = await repo.settleTarget(tx, targetId, target.attemptCount, { status: 'needs_review', lastError: { kind: 'unknown_outcome', message: why } });
      if (attempt && !attempt.finishedAt) await repo.finishAttempt(tx, attempt.id, { outcome: 'abandoned', errorMessage: why });
      if (!settled) return;
      await recomputePostStatus(tx, settled.postId);
      await noticeTargetProblem(ctx, tx, settled, 'needs_review', why);
      await recordAudit(tx, { organizationId: settled.organizationId, actorId: null, action: 'post.needs_review', subjectType: 'post', subjectId: settled.postId, data: { targetId, reason: why } });
    });
    return 'needs_review' as const;
  };

  if (!isProviderPlatform(ctx.social, data.channel.platform)) return review(`Herald cannot reach ${data.channel.platform} to check`);
  const provider = ctx.social[data.channel.platform];
  if (!provider.findPublished) return review(`${provider.displayName} cannot be asked whether the post went out; check the channel and publish again if it is missing`);
  let account;
  try {
    account = (await openChannel(ctx, target.organizationId, data.channel.id)).account;
  } catch (err) {
    if (err instanceof ChannelUnavailableError) return review('The channel is no longer usable, so Herald could not check whether the post went out');
    throw err;
  }
  // Errors asking the platform propagate: the job (or the next sweep) asks again later.
  let found;
  try {
    found = await provider.findPublished(account, target.idempotencyKey, new Date(target.createdAt.getTime() - 60_000), {
      text: target.text ?? data.post.text,
      mediaCount: (target.mediaIds ?? data.post.mediaIds).length,
    });
  } catch (err) {
    if (err instanceof UnknownOutcomeError) return review(`${provider.displayName} could not tell whether the post went out: ${err.message}`);
    throw err;
  }
  const attemptId = attempt?.id ?? (await repo.insertAttempt(ctx.db, { organizationId: target.organizationId, targetId, attemptNo: target.attemptCount, workerId: 'reconciler' }));
  if (found) {
    await settle(ctx, targetId, target.attemptCount, attemptId, { kind: 'published', published: found });
    if (attempt?.outcome === 'unknown_outcome' || !attempt?.finishedAt) {
      await repo.finishAttempt(ctx.db, attemptId, { outcome: 'reconciled', platformPostId: found.platformPostId });
    }
    return 'published';
  }
  await settle(ctx, targetId, target.attemptCount, attemptId, {
    kind: 'retry',
    outcome: 'transient',
    error: { kind: 'unknown_outcome', message: 'The platform has no such post; publishing again' },
  });
  if (attempt && !attempt.finishedAt) await repo.finishAttempt(ctx.db, attemptId, { outcome: 'abandoned', errorMessage: 'The worker stopped mid-call; the platform has no such post' });
  return 'retry';
}

/**
 * The periodic sweep: reconciles orphaned targets, and re-sends the job of any pending target whose
 * time has passed without one (queue outage, restored backup). Re-sends reuse the singleton key, so a
 * job still queued is not doubled.
 */
export async function sweep(ctx: AppContext): Promise<{ reconciled: number; resent: number }> {
  const now = Date.now();
  const orphans = await repo.orphanedTargets(ctx.db, new Date(now - ctx.config.publishing.leaseSeconds * 1000), 100);
  let reconciled = 0;
  for (const id of orphans) {
    try {
      if ((await reconcileTarget(ctx, id)) !== 'still_running') reconciled += 1;
    } catch (err) {
      ctx.logger.warn({ err, targetId: id }, 'reconciliation failed; will try again');
    }
  }
  const grace = Math.max(30_000, ctx.config.publishing.sweepSeconds * 1000);
  const overdue = await repo.overdueTargets(ctx.db, new Date(now - grace), 500);
  for (const t of overdue) await enqueuePublish(ctx.queue, ctx.db, t, new Date());
  return { reconciled, resent: overdue.length };
}

/** Runs `sweep` every `sweepSeconds` (and once at start); returns a stop function. */
export function startSweeper(ctx: AppContext): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const r = await sweep(ctx);
      if (r.reconciled + r.resent > 0) ctx.logger.info(r, 'publishing sweep');
    } catch (err) {
      ctx.logger.error({ err }, 'publishing sweep failed');
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), ctx.config.publishing.sweepSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
