import { DateTime } from 'luxon';
import type { AppContext } from '../../context.js';
import { badRequest, conflict, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/repo.js';
import { listSlots } from '../channels/repo.js';
import { enqueuePublish } from '../publishing/enqueue.js';
import { EDITABLE_TARGET_STATES, PENDING_TARGET_STATES } from '../publishing/post-status.js';
import { findWorkspace } from '../workspaces/repo.js';
import * as repo from './repo.js';
import type { Post, PostDetail } from './schemas.js';
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

  /** Back to draft: pending targets stop; a target already being published cannot be called back. */
  async cancel(organizationId: string, actorId: string, postId: string): Promise<PostDetail> {
    await this.ctx.db.transaction(async (tx) => {
      const post = await repo.lockPost(tx, organizationId, postId);
      if (!post) throw notFound('Post');
      const cancelled = await repo.unscheduleTargets(tx, postId, PENDING_TARGET_STATES);
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

/** The calendar: posts by day in the workspace's time zone (DST-correct: days are local days). */
export async function calendar(ctx: AppContext, organizationId: string, workspaceId: string, from: string, to: string) {
  const workspace = await findWorkspace(ctx.db, organizationId, workspaceId);
  if (!workspace) throw notFound('Workspace');
  const zone = workspace.timezone;
  const start = DateTime.fromISO(from, { zone }).startOf('day');
  const last = DateTime.fromISO(to, { zone }).startOf('day');
  const days = Math.round(last.diff(start, 'days').days) + 1;
  if (!start.isValid || !last.isValid) throw badRequest('invalid_range', 'from and to must be valid dates');
  if (days > 62) throw badRequest('range_too_long', 'A calendar covers at most 62 days');
  const end = last.plus({ days: 1 });
  const ids = await repo.calendarPostIds(ctx.db, organizationId, workspaceId, start.toJSDate(), end.toJSDate());
  const loaded = await repo.loadPosts(ctx.db, organizationId, ids);
  const byDay = new Map<string, Post[]>();
  for (const post of loaded) {
    const when = post.publishedAt ?? post.scheduledAt;
    if (!when) continue;
    const key = DateTime.fromJSDate(when, { zone }).toISODate()!;
    byDay.set(key, [...(byDay.get(key) ?? []), post]);
  }
  const result = [];
  for (let d = 0; d < days; d++) {
    const date = start.plus({ days: d }).toISODate();
    result.push({ date, posts: byDay.get(date) ?? [] });
  }
  return { timezone: zone, days: result };
}
