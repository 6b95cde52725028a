import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { ChannelStatus, TargetStatus } from '../../db/schema.js';
import { toPlatform } from '../../integrations/social/provider.js';
import { badRequest, conflict, notFound } from '../../lib/errors.js';
import { decodeCursor, encodeCursor } from '../../lib/cursor.js';
import { postTitle, recordAudit } from '../audit/repo.js';
import { recomputePostStatus, schedule } from '../publishing/post-state.js';
import { derivePostStatus } from '../publishing/post-status.js';
import { lockPost, targetsOfPost } from '../publishing/post-state.repo.js';
import * as repo from './repo.js';
import type { Post, PostCreate, PostDetail, PostListQuery, PostPreview, PostUpdate } from './schemas.js';
import { assertValid, checkPost, type RuleCheck } from './validation.js';

const LOCKED_STATES: readonly TargetStatus[] = ['publishing', 'published', 'deleted'];
/** Targets that go out without another click: waiting for their time, or held until a reconnect. */
const WILL_PUBLISH_STATES: readonly TargetStatus[] = ['scheduled', 'retrying', 'needs_reauth'];

export const scheduledInPast = () => badRequest('scheduled_in_past', 'The scheduled time is in the past; pick a later time or publish now');

/** Writing posts: create, edit, duplicate, delete, read. Scheduling lives in scheduling.service.ts. */
export class PostsService {
  constructor(private readonly ctx: AppContext) {}

  async preview(organizationId: string, workspaceId: string, input: PostPreview): Promise<{ ok: boolean; checks: RuleCheck[] }> {
    const { checks } = await checkPost(this.ctx, organizationId, workspaceId, input);
    return { ok: checks.every((c) => c.errors.length === 0), checks };
  }

  /**
   * Creates a post: the checks, then the post, its targets and its audit entry in one statement, and
   * when it goes out, publishing's `schedule` queues every target's job in one insert in the same
   * transaction. The answer is built from what was written, not read back.
   */
  async create(organizationId: string, workspaceId: string, actorId: string, input: PostCreate): Promise<PostDetail> {
    const { channels, checks } = await checkPost(this.ctx, organizationId, workspaceId, input);
    const now = new Date();
    if (input.scheduledAt && input.scheduledAt <= now) throw scheduledInPast();
    const when = input.publishNow ? now : (input.scheduledAt ?? null);
    // A draft is saved even when it breaks a channel's rules (its checks say what to fix); one going out is not.
    if (when) assertValid(channels, checks);
    const targetStatus: TargetStatus = when ? 'scheduled' : 'draft';
    const targets = channels.map((c) => {
      const override = input.targets.find((t) => t.channelId === c.id);
      return { id: randomUUID(), channelId: c.id, text: override?.text ?? null, mediaIds: override?.mediaIds ?? null, status: targetStatus, version: 0, attemptCount: 0 };
    });
    const post: repo.NewPost = {
      id: randomUUID(),
      organizationId,
      workspaceId,
      text: input.text,
      mediaIds: input.mediaIds,
      status: derivePostStatus(targets.map((t) => t.status)),
      scheduledAt: when,
      platforms: [...new Set(channels.map((c) => c.platform))].sort(),
      createdBy: actorId,
      at: now,
      targets,
      audit: {
        action: input.publishNow ? 'post.publish_now' : when ? 'post.scheduled' : 'post.created',
        data: { title: postTitle(input.text), channels: channels.length, scheduledAt: when?.toISOString() ?? null },
      },
    };
    const written = when
      ? await this.ctx.db.transaction(async (tx) => {
          const inserted = await repo.insertPostWithTargets(tx, post);
          await schedule(this.ctx, tx, post.id, when, targets);
          return inserted;
        })
      : await repo.insertPostWithTargets(this.ctx.db, post);

    const position = new Map(written.targetIds.map((id, i) => [id, i]));
    const byPosition = <T>(list: T[], id: (x: T) => string) => [...list].sort((a, b) => (position.get(id(a)) ?? 0) - (position.get(id(b)) ?? 0));
    const targetOf = new Map(targets.map((t) => [t.channelId, t.id]));
    return {
      id: post.id,
      workspaceId,
      text: post.text,
      mediaIds: post.mediaIds,
      status: post.status,
      scheduledAt: when,
      publishedAt: null,
      createdBy: written.creatorName === null ? null : { id: actorId, name: written.creatorName },
      createdAt: now,
      updatedAt: now,
      targets: byPosition(targets, (t) => t.id).map((t) => {
        const channel = channels.find((c) => c.id === t.channelId)!;
        const fields = { ...t, scheduledAt: when, nextAttemptAt: null, publishedAt: null, platformPostId: null, permalink: null, lastError: null };
        return repo.toTarget(fields, { id: channel.id, name: channel.name, platform: toPlatform(channel.platform), status: channel.status as ChannelStatus }, post);
      }),
      attempts: [],
      checks: byPosition(checks, (c) => targetOf.get(c.channelId)!),
    };
  }

  async get(organizationId: string, postId: string): Promise<PostDetail> {
    // One snapshot: a target settled between two reads would sit beside the post's older status.
    const read = await this.ctx.db.transaction(
      async (tx) => {
        const [post] = await repo.loadPosts(tx, organizationId, [postId]);
        return post ? { post, attempts: await repo.attemptsOfPost(tx, postId) } : null;
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
    if (!read) throw notFound('Post');
    return { ...read.post, attempts: read.attempts, checks: await this.checksFor(organizationId, read.post) };
  }

  /** Rule checks for the composer, over the channels still connected; none once everything is out. */
  private async checksFor(organizationId: string, post: Post): Promise<RuleCheck[]> {
    const open = post.targets.filter((t) => t.status !== 'published' && t.channel.status !== 'disconnected');
    if (open.length === 0) return [];
    const { checks } = await checkPost(this.ctx, organizationId, post.workspaceId, {
      text: post.text,
      mediaIds: post.mediaIds,
      channelIds: open.map((t) => t.channelId),
      targets: open.map((t) => ({ channelId: t.channelId, ...(t.textOverride !== null ? { text: t.textOverride } : {}), ...(t.mediaOverride ? { mediaIds: t.mediaIds } : {}) })),
    });
    return checks;
  }

  async list(organizationId: string, workspaceId: string, q: PostListQuery): Promise<{ items: Post[]; nextCursor: string | null }> {
    const rows = await repo.listPostIds(this.ctx.db, organizationId, workspaceId, { ...q, cursor: postCursor(q.cursor), limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    const items = await repo.loadPosts(this.ctx.db, organizationId, page.map((r) => r.id));
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor({ at: last.at.toISOString(), id: last.id }) : null };
  }

  async update(organizationId: string, actorId: string, postId: string, input: PostUpdate): Promise<PostDetail> {
    const current = await repo.findPostRow(this.ctx.db, organizationId, postId);
    if (!current) throw notFound('Post');
    const currentTargets = await targetsOfPost(this.ctx.db, postId);
    const channelIds = input.channelIds ?? currentTargets.map((t) => t.channelId);
    const overrides =
      input.targets ??
      currentTargets
        .filter((t) => channelIds.includes(t.channelId) && (t.text !== null || t.mediaIds !== null))
        .map((t) => ({ channelId: t.channelId, ...(t.text !== null ? { text: t.text } : {}), ...(t.mediaIds !== null ? { mediaIds: t.mediaIds } : {}) }));
    const content = { text: input.text ?? current.text, mediaIds: input.mediaIds ?? current.mediaIds, channelIds, targets: overrides };
    const { channels, checks } = await checkPost(this.ctx, organizationId, current.workspaceId, content);

    await this.ctx.db.transaction(async (tx) => {
      const post = await lockPost(tx, organizationId, postId);
      if (!post) throw notFound('Post');
      const targets = await targetsOfPost(tx, postId);
      const locked = targets.filter((t) => LOCKED_STATES.includes(t.status));
      if (locked.length > 0) {
        throw conflict('post_locked', 'This post is publishing or has gone out and can no longer be edited; duplicate it to post again', { targetIds: locked.map((t) => t.id) });
      }
      // Only a draft may keep breaking the rules: a post with targets waiting to go out must pass them.
      if (targets.some((t) => WILL_PUBLISH_STATES.includes(t.status))) assertValid(channels, checks);
      await repo.updatePostRow(tx, postId, { text: content.text, mediaIds: content.mediaIds });
      await repo.deleteTargets(tx, targets.filter((t) => !channelIds.includes(t.channelId)).map((t) => t.id));
      const pending = post.scheduledAt && post.status === 'scheduled' ? post.scheduledAt : null;
      for (const channelId of channelIds) {
        const override = overrides.find((o) => o.channelId === channelId);
        const fields = { text: override?.text ?? null, mediaIds: override?.mediaIds ?? null };
        const existing = targets.find((t) => t.channelId === channelId);
        if (existing) {
          await repo.updateTarget(tx, existing.id, fields);
        } else {
          const [created] = await repo.insertTargets(tx, [
            { organizationId, postId, channelId, ...fields, status: pending ? 'scheduled' : 'draft', scheduledAt: pending },
          ]);
          if (pending && created) await schedule(this.ctx, tx, postId, pending, [created]);
        }
      }
      await recomputePostStatus(tx, postId);
      await recordAudit(tx, { organizationId, actorId, action: 'post.updated', subjectType: 'post', subjectId: postId, data: { title: postTitle(content.text), fields: Object.keys(input) } });
    });
    return this.get(organizationId, postId);
  }

  async duplicate(organizationId: string, actorId: string, postId: string): Promise<PostDetail> {
    const source = await repo.findPostRow(this.ctx.db, organizationId, postId);
    if (!source) throw notFound('Post');
    const [loaded] = await repo.loadPosts(this.ctx.db, organizationId, [postId]);
    const live = (loaded?.targets ?? []).filter((t) => t.channel.status !== 'disconnected');
    if (live.length === 0) throw conflict('no_channels', 'None of this post’s channels is still connected');
    return this.create(organizationId, source.workspaceId, actorId, {
      text: source.text,
      mediaIds: source.mediaIds,
      channelIds: live.map((t) => t.channelId),
      targets: live
        .filter((t) => t.textOverride !== null || t.mediaOverride)
        .map((t) => ({ channelId: t.channelId, ...(t.textOverride !== null ? { text: t.textOverride } : {}), ...(t.mediaOverride ? { mediaIds: t.mediaIds } : {}) })),
    });
  }

  async remove(organizationId: string, actorId: string, postId: string): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      const post = await lockPost(tx, organizationId, postId);
      if (!post) throw notFound('Post');
      const targets = await targetsOfPost(tx, postId);
      if (!targets.every((t) => t.status === 'draft' || t.status === 'scheduled')) {
        throw conflict('post_not_deletable', 'Only drafts and scheduled posts can be deleted; this one has already gone (or is going) out');
      }
      // Queued publish jobs find no target any more and do nothing.
      await repo.deletePostRow(tx, postId);
      await recordAudit(tx, { organizationId, actorId, action: 'post.deleted', subjectType: 'post', subjectId: postId, data: { title: postTitle(post.text) } });
    });
  }
}

function postCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const c = decodeCursor(cursor);
  return { at: new Date(c.at), id: c.id };
}
