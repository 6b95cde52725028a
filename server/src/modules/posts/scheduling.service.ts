import type { AppContext } from '../../context.js';
import { conflict, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/repo.js';
import { listSlots } from '../channels/repo.js';
import { enqueuePublish } from '../publishing/enqueue.js';
import { CANCELLABLE_TARGET_STATES, EDITABLE_TARGET_STATES } from '../publishing/post-status.js';
import { findWorkspace } from '../workspaces/repo.js';
import * as repo from './repo.js';
import type { PostDetail } from './schemas.js';
import { PostsService, recomputePostStatus, scheduledInPast } from './service.js';
import { nextFreeSlot } from './slots.js';
import { assertTargetsPublishable } from './validation.js';

/**
 * Scheduling: every change of a post's time bumps its targets' versions and enqueues new publish
 * jobs in the same transaction, so a job of an older schedule finds a newer version and does nothing.
 */
export class SchedulingService {
  private readonly posts: PostsService;

  constructor(private readonly ctx: AppContext) {
    this.posts = new PostsService(ctx);
  }

  async schedule(organizationId: string, actorId: string, postId: string, scheduledAt: Date): Promise<PostDetail> {
    if (scheduledAt <= new Date()) throw scheduledInPast();
    await this.scheduleAt(organizationId, actorId, postId, scheduledAt, 'post.scheduled');
    return this.posts.get(organizationId, postId);
  }

  async publishNow(organizationId: string, actorId: string, postId: string): Promise<PostDetail> {
    await this.scheduleAt(organizationId, actorId, postId, new Date(), 'post.publish_now');
    return this.posts.get(organizationId, postId);
  }

  /** Puts the post in the next free posting slot of its channels (in the workspace's time zone). */
  async queue(organizationId: string, actorId: string, postId: string): Promise<PostDetail> {
    const post = await repo.findPostRow(this.ctx.db, organizationId, postId);
    if (!post) throw notFound('Post');
    const workspace = await findWorkspace(this.ctx.db, organizationId, post.workspaceId);
    if (!workspace) throw notFound('Post');
    const channelIds = (await repo.targetsOfPost(this.ctx.db, postId)).filter((t) => t.status !== 'published').map((t) => t.channelId);
    const now = new Date();
    const slot = nextFreeSlot({
      slots: await listSlots(this.ctx.db, organizationId, channelIds),
      taken: await repo.takenInstants(this.ctx.db, channelIds, now, postId),
      now,
      timezone: workspace.timezone,
    });
    if (!slot) throw conflict('no_free_slot', 'None of this post’s channels has a free posting slot in the next 8 weeks; add posting slots to its channels');
    await this.scheduleAt(organizationId, actorId, postId, slot, 'post.queued');
    return this.posts.get(organizationId, postId);
  }

  /**
   * Back to draft: pending targets stop, and targets waiting for a person's review (Herald could not tell
   * whether they went out) are closed by that person. A target being published cannot be called back.
   */
  async cancel(organizationId: string, actorId: string, postId: string): Promise<PostDetail> {
    await this.ctx.db.transaction(async (tx) => {
      const post = await repo.lockPost(tx, organizationId, postId);
      if (!post) throw notFound('Post');
      const cancelled = await repo.unscheduleTargets(tx, postId, CANCELLABLE_TARGET_STATES);
      const targets = await repo.targetsOfPost(tx, postId);
      if (cancelled.length === 0) {
        if (targets.some((t) => t.status === 'publishing')) throw conflict('publishing_in_progress', 'This post is being published right now and cannot be cancelled');
        throw conflict('not_scheduled', 'This post is not scheduled');
      }
      if (!targets.some((t) => t.status === 'published')) await repo.updatePostRow(tx, postId, { scheduledAt: null });
      await recomputePostStatus(tx, postId);
      await recordAudit(tx, { organizationId, actorId, action: 'post.cancelled', subjectType: 'post', subjectId: postId, data: { targets: cancelled.length } });
    });
    return this.posts.get(organizationId, postId);
  }

  private async scheduleAt(organizationId: string, actorId: string, postId: string, when: Date, action: string): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      const post = await repo.lockPost(tx, organizationId, postId);
      if (!post) throw notFound('Post');
      const before = await repo.targetsOfPost(tx, postId);
      if (before.some((t) => t.status === 'publishing')) throw conflict('publishing_in_progress', 'This post is being published right now; wait until it finishes');
      await assertTargetsPublishable(this.ctx, tx, organizationId, post, before.filter((t) => EDITABLE_TARGET_STATES.includes(t.status)));
      const targets = await repo.scheduleTargets(tx, postId, when, EDITABLE_TARGET_STATES);
      if (targets.length === 0) throw conflict('already_published', 'Every channel of this post has already published it');
      for (const t of targets) await enqueuePublish(this.ctx.queue, tx, t, when);
      await repo.updatePostRow(tx, postId, { scheduledAt: when });
      await recomputePostStatus(tx, postId);
      await recordAudit(tx, { organizationId, actorId, action, subjectType: 'post', subjectId: postId, data: { scheduledAt: when.toISOString(), targets: targets.length } });
    });
  }
}
