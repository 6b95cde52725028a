import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import type { PostStatus, TargetStatus } from '../../db/schema.js';
import { conflict, notFound } from '../../lib/errors.js';
import { postTitle, PUBLISH_RESULT_STATES, recordAudit, recordPublishResults } from '../audit/repo.js';
import { notifyPostChanged } from '../events/notify.js';
import { enqueuePublish, type PublishJobTarget } from './enqueue.js';
import { CANCELLABLE_TARGET_STATES, derivePostStatus, EDITABLE_TARGET_STATES, isPostInFlight } from './post-status.js';
import * as repo from './post-state.repo.js';

/**
 * The post/target state machine: every change of a target's status goes through this module (or the
 * publisher, settle and reconciler beside it), in a transaction that has locked the post first
 * (`lockPost`, `lockPostOfTarget`), and ends by recomputing the post's derived state.
 */

/** Re-derives the post's status (and published time) from its targets, in the caller's transaction. */
export async function recomputePostStatus(tx: Db, postId: string): Promise<void> {
  const targets = await repo.targetsOfPost(tx, postId);
  const published = targets.map((t) => t.publishedAt).filter((d): d is Date => d !== null);
  const latest = published.length > 0 ? new Date(Math.max(...published.map((d) => d.getTime()))) : null;
  await repo.saveDerivedPostState(tx, postId, derivedPostState(targets.map((t) => t.status), latest));
  await notifyPostChanged(tx, postId);
}

/**
 * The batched form of `targetsChanged` after the batch settle of published targets, for posts whose
 * targets' statuses the settle statement returned: each post's derived state stored and announced in
 * one statement, each settled target's entry in the activity log in one insert.
 */
export async function publishedTargetsSettled(
  tx: Db,
  posts: readonly { postId: string; statuses: readonly TargetStatus[]; latestPublishedAt: Date | null; settled: readonly string[] }[],
): Promise<void> {
  await repo.saveDerivedPostStates(tx, posts.map((p) => ({ postId: p.postId, ...derivedPostState(p.statuses, p.latestPublishedAt) })));
  await recordPublishResults(tx, posts.flatMap((p) => p.settled));
}

/** A post's derived state from its targets' statuses and the latest time one of them went out. */
function derivedPostState(statuses: readonly TargetStatus[], latestPublishedAt: Date | null): { status: PostStatus; publishedAt: Date | null; inFlight: boolean } {
  const status = derivePostStatus(statuses);
  // A post removed from the platforms keeps the time it went out.
  const publishedAt = status === 'published' || status === 'deleted' ? latestPublishedAt : null;
  return { status, publishedAt, inFlight: isPostInFlight(statuses) };
}

/**
 * After publishing changed targets (claimed, settled, reconciled, released): their posts' derived
 * state follows, and each target that reached a result (published, failed, needs_review,
 * needs_reauth) gets its entry in the activity log, all in one insert. In the caller's transaction,
 * with the posts locked.
 */
export async function targetsChanged(tx: Db, targets: readonly { id: string; postId: string; status: TargetStatus }[]): Promise<void> {
  for (const postId of [...new Set(targets.map((t) => t.postId))].sort()) await recomputePostStatus(tx, postId);
  await recordPublishResults(tx, targets.filter((t) => (PUBLISH_RESULT_STATES as readonly TargetStatus[]).includes(t.status)).map((t) => t.id));
}

/**
 * Schedule: the one way targets come to wait for their time (create, edit, schedule, publish now,
 * queue). They are `scheduled` at `when` with a new version, so a job of an older schedule finds a newer
 * version and does nothing; their publish jobs are queued in one insert in the caller's transaction
 * (the jobs exist exactly when the change commits). Run after the post is locked (or inserted).
 *
 * `targets`: `'editable'` moves every target of the post that may still change, and the post's time
 * and status follow; otherwise the rows the caller has just written as `scheduled` at `when` (a new
 * post, a channel added to a scheduled post), whose post is already in its scheduled state.
 */
export async function schedule(ctx: Pick<AppContext, 'queue'>, tx: Db, postId: string, when: Date, targets: 'editable' | readonly PublishJobTarget[]): Promise<readonly PublishJobTarget[]> {
  let scheduled: readonly PublishJobTarget[];
  if (targets === 'editable') {
    scheduled = await repo.scheduleTargets(tx, postId, when, EDITABLE_TARGET_STATES);
    if (scheduled.length === 0) throw conflict('already_published', 'Every channel of this post has already published it');
    await repo.setPostScheduledAt(tx, postId, when);
    await recomputePostStatus(tx, postId);
  } else {
    scheduled = targets;
  }
  const now = new Date();
  await enqueuePublish(ctx.queue, tx, scheduled, when > now ? when : now);
  return scheduled;
}

/** Why a post was scheduled, as the activity log says it. */
export type ScheduleAction = 'post.scheduled' | 'post.publish_now' | 'post.queued';

/**
 * Schedules an existing post's targets for `when`, in one transaction with the post locked. The caller
 * checks that what is about to go out passes the channels' rules (`assertPublishable`, run under the
 * lock, so an edit cannot slip in between the check and the schedule).
 */
export async function schedulePost(
  ctx: Pick<AppContext, 'db' | 'queue'>,
  request: {
    organizationId: string;
    actorId: string;
    postId: string;
    when: Date;
    action: ScheduleAction;
    assertPublishable: (tx: Db, post: repo.PostRow, targets: repo.TargetRow[]) => Promise<void>;
  },
): Promise<void> {
  const { organizationId, actorId, postId, when, action } = request;
  await ctx.db.transaction(async (tx) => {
    const post = await repo.lockPost(tx, organizationId, postId);
    if (!post) throw notFound('Post');
    const before = await repo.targetsOfPost(tx, postId);
    if (before.some((t) => t.status === 'publishing')) throw conflict('publishing_in_progress', 'This post is being published right now; wait until it finishes');
    await request.assertPublishable(tx, post, before.filter((t) => EDITABLE_TARGET_STATES.includes(t.status)));
    const targets = await schedule(ctx, tx, postId, when, 'editable');
    await recordAudit(tx, { organizationId, actorId, action, subjectType: 'post', subjectId: postId, data: { title: postTitle(post.text), scheduledAt: when.toISOString(), targets: targets.length } });
  });
}

/**
 * Back to draft: pending targets stop, and targets waiting for a person's review (Herald could not tell
 * whether they went out) are closed by that person. A target being published cannot be called back.
 */
export async function cancelPost(ctx: Pick<AppContext, 'db'>, organizationId: string, actorId: string, postId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const post = await repo.lockPost(tx, organizationId, postId);
    if (!post) throw notFound('Post');
    const cancelled = await repo.unscheduleTargets(tx, postId, CANCELLABLE_TARGET_STATES);
    const targets = await repo.targetsOfPost(tx, postId);
    if (cancelled.length === 0) {
      if (targets.some((t) => t.status === 'publishing')) throw conflict('publishing_in_progress', 'This post is being published right now and cannot be cancelled');
      throw conflict('not_scheduled', 'This post is not scheduled');
    }
    if (!targets.some((t) => t.status === 'published')) await repo.setPostScheduledAt(tx, postId, null);
    await recomputePostStatus(tx, postId);
    await recordAudit(tx, { organizationId, actorId, action: 'post.cancelled', subjectType: 'post', subjectId: postId, data: { title: postTitle(post.text), targets: cancelled.length } });
  });
}
