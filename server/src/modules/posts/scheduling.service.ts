import type { AppContext } from '../../context.js';
import { conflict, notFound } from '../../lib/errors.js';
import { listSlots } from '../channels/repo.js';
import { cancelPost, schedulePost, type ScheduleAction } from '../publishing/post-state.js';
import { targetsOfPost } from '../publishing/post-state.repo.js';
import { findWorkspace } from '../workspaces/repo.js';
import * as repo from './repo.js';
import type { PostDetail } from './schemas.js';
import { PostsService, scheduledInPast } from './service.js';
import { nextFreeSlot } from './slots.js';
import { assertTargetsPublishable } from './validation.js';

/**
 * Choosing when a post goes out (a time, now, the next free slot) and calling it back. The state change
 * itself is publishing's (`schedulePost`, `cancelPost`): targets get new versions and their publish
 * jobs in the same transaction, so a job of an older schedule finds a newer version and does nothing.
 */
export class SchedulingService {
  private readonly posts: PostsService;

  constructor(private readonly ctx: AppContext) {
    this.posts = new PostsService(ctx);
  }

  async schedule(organizationId: string, actorId: string, postId: string, scheduledAt: Date): Promise<PostDetail> {
    if (scheduledAt <= new Date()) throw scheduledInPast();
    return this.scheduleAt(organizationId, actorId, postId, scheduledAt, 'post.scheduled');
  }

  async publishNow(organizationId: string, actorId: string, postId: string): Promise<PostDetail> {
    return this.scheduleAt(organizationId, actorId, postId, new Date(), 'post.publish_now');
  }

  /** Puts the post in the next free posting slot of its channels (in the workspace's time zone). */
  async queue(organizationId: string, actorId: string, postId: string): Promise<PostDetail> {
    const post = await repo.findPostRow(this.ctx.db, organizationId, postId);
    if (!post) throw notFound('Post');
    const workspace = await findWorkspace(this.ctx.db, organizationId, post.workspaceId);
    if (!workspace) throw notFound('Post');
    const channelIds = (await targetsOfPost(this.ctx.db, postId)).filter((t) => t.status !== 'published').map((t) => t.channelId);
    const now = new Date();
    const slot = nextFreeSlot({
      slots: await listSlots(this.ctx.db, organizationId, channelIds),
      taken: await repo.takenInstants(this.ctx.db, channelIds, now, postId),
      now,
      timezone: workspace.timezone,
    });
    if (!slot) throw conflict('no_free_slot', 'None of this post’s channels has a free posting slot in the next 8 weeks; add posting slots to its channels');
    return this.scheduleAt(organizationId, actorId, postId, slot, 'post.queued');
  }

  async cancel(organizationId: string, actorId: string, postId: string): Promise<PostDetail> {
    await cancelPost(this.ctx, organizationId, actorId, postId);
    return this.posts.get(organizationId, postId);
  }

  private async scheduleAt(organizationId: string, actorId: string, postId: string, when: Date, action: ScheduleAction): Promise<PostDetail> {
    await schedulePost(this.ctx, {
      organizationId,
      actorId,
      postId,
      when,
      action,
      assertPublishable: (tx, post, targets) => assertTargetsPublishable(this.ctx, tx, organizationId, post, targets),
    });
    return this.posts.get(organizationId, postId);
  }
}
