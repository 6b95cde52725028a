import { and, asc, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/client.js';
import { auditLog, channels, posts, postTargets, publishAttempts, users, type PostStatus, type TargetStatus } from '../../db/schema.js';
import { toPlatform } from '../../integrations/social/provider.js';
import type { PostRow, TargetRow } from '../publishing/post-state.repo.js';
import type { Attempt, Post, Target } from './schemas.js';

export interface NewPost {
  id: string;
  organizationId: string;
  workspaceId: string;
  text: string;
  mediaIds: string[];
  status: PostStatus;
  scheduledAt: Date | null;
  platforms: string[];
  createdBy: string;
  at: Date;
  targets: { id: string; channelId: string; text: string | null; mediaIds: string[] | null; status: TargetStatus }[];
  /** The activity log's entry for the creation, written by the same statement. */
  audit: { action: string; data: Record<string, unknown> };
}

/**
 * Writes a new post, its targets and its audit entry in one statement (atomic on its own; one round
 * trip). Returns the targets' ids in the order posts are read (`loadPosts`: channel name, then id) and
 * the creator's name, so the caller can answer without reading the post back.
 */
export async function insertPostWithTargets(db: Db, p: NewPost): Promise<{ targetIds: string[]; creatorName: string | null }> {
  const at = p.at.toISOString();
  const targets = JSON.stringify(p.targets.map((t) => ({ id: t.id, channel_id: t.channelId, text: t.text, media_ids: t.mediaIds, status: t.status })));
  const [row] = rowsOf<{ creator: string | null; target_ids: string[] | null }>(
    await db.execute(sql`
      with post as (
        insert into ${posts} (id, organization_id, workspace_id, text, media_ids, status, scheduled_at, platforms, created_by, created_at, updated_at)
        values (${p.id}, ${p.organizationId}, ${p.workspaceId}, ${p.text}, ${JSON.stringify(p.mediaIds)}::jsonb, ${p.status}, ${p.scheduledAt?.toISOString() ?? null}::timestamptz,
                array(select jsonb_array_elements_text(${JSON.stringify(p.platforms)}::jsonb)), ${p.createdBy}, ${at}::timestamptz, ${at}::timestamptz)
        returning id
      ), targets as (
        insert into ${postTargets} (id, organization_id, post_id, channel_id, text, media_ids, status, scheduled_at, created_at, updated_at)
        select t.id, ${p.organizationId}, post.id, t.channel_id, t.text, t.media_ids, t.status, ${p.scheduledAt?.toISOString() ?? null}::timestamptz, ${at}::timestamptz, ${at}::timestamptz
        from post, jsonb_to_recordset(${targets}::jsonb) as t(id uuid, channel_id uuid, text text, media_ids jsonb, status text)
        returning id, channel_id
      ), audit as (
        insert into ${auditLog} (organization_id, actor_id, action, subject_type, subject_id, data)
        select ${p.organizationId}, ${p.createdBy}, ${p.audit.action}, 'post', post.id::text, ${JSON.stringify(p.audit.data)}::jsonb from post
      )
      select (select name from ${users} where id = ${p.createdBy}) as creator,
             (select json_agg(targets.id order by ${channels.name}, targets.id) from targets inner join ${channels} on ${channels.id} = targets.channel_id) as target_ids`),
  );
  return { targetIds: row?.target_ids ?? [], creatorName: row?.creator ?? null };
}

export async function insertTargets(db: Db, rows: (typeof postTargets.$inferInsert)[]): Promise<TargetRow[]> {
  if (rows.length === 0) return [];
  return db.insert(postTargets).values(rows).returning();
}

export async function findPostRow(db: Db, organizationId: string, postId: string): Promise<PostRow | undefined> {
  const [row] = await db.select().from(posts).where(and(eq(posts.id, postId), eq(posts.organizationId, organizationId)));
  return row;
}

export async function postOrganization(db: Db, postId: string): Promise<{ organizationId: string; workspaceId: string } | null> {
  const [row] = await db.select({ organizationId: posts.organizationId, workspaceId: posts.workspaceId }).from(posts).where(eq(posts.id, postId));
  return row ?? null;
}

export async function updatePostRow(db: Db, postId: string, patch: Partial<typeof posts.$inferInsert>): Promise<void> {
  await db.update(posts).set({ ...patch, updatedAt: new Date() }).where(eq(posts.id, postId));
}

export async function updateTarget(db: Db, targetId: string, patch: Partial<typeof postTargets.$inferInsert>): Promise<void> {
  await db.update(postTargets).set({ ...patch, updatedAt: new Date() }).where(eq(postTargets.id, targetId));
}

export async function deleteTargets(db: Db, targetIds: string[]): Promise<void> {
  if (targetIds.length > 0) await db.delete(postTargets).where(inArray(postTargets.id, targetIds));
}

export async function deletePostRow(db: Db, postId: string): Promise<void> {
  await db.delete(posts).where(eq(posts.id, postId));
}

/** Loads posts with their targets (two queries, whatever the number of posts), in the order of `postIds`. */
export async function loadPosts(db: Db, organizationId: string, postIds: string[]): Promise<Post[]> {
  if (postIds.length === 0) return [];
  const rows = await db
    .select({ post: posts, creator: { id: users.id, name: users.name } })
    .from(posts)
    .leftJoin(users, eq(users.id, posts.createdBy))
    .where(and(eq(posts.organizationId, organizationId), inArray(posts.id, postIds)));
  const targetRows = await db
    .select({ target: postTargets, channel: { id: channels.id, name: channels.name, platform: channels.platform, status: channels.status } })
    .from(postTargets)
    .innerJoin(channels, eq(channels.id, postTargets.channelId))
    .where(and(eq(postTargets.organizationId, organizationId), inArray(postTargets.postId, postIds)))
    .orderBy(asc(channels.name), asc(postTargets.id));
  const postById = new Map(rows.map((r) => [r.post.id, r.post]));
  const byPost = new Map<string, Target[]>();
  for (const { target, channel } of targetRows) {
    const post = postById.get(target.postId);
    if (!post) continue;
    const list = byPost.get(target.postId) ?? [];
    list.push(toTarget(target, { ...channel, platform: toPlatform(channel.platform) }, post));
    byPost.set(target.postId, list);
  }
  const order = new Map(postIds.map((id, i) => [id, i]));
  return rows
    .sort((a, b) => (order.get(a.post.id) ?? 0) - (order.get(b.post.id) ?? 0))
    .map(({ post, creator }) => ({
      id: post.id,
      workspaceId: post.workspaceId,
      text: post.text,
      mediaIds: post.mediaIds,
      status: post.status,
      scheduledAt: post.scheduledAt,
      publishedAt: post.publishedAt,
      createdBy: creator?.id ? { id: creator.id, name: creator.name } : null,
      createdAt: post.createdAt,
      updatedAt: post.updatedAt,
      targets: byPost.get(post.id) ?? [],
    }));
}

/** A target as the API shows it: the post's text and media unless the target overrides them. */
export function toTarget(
  t: Pick<TargetRow, 'id' | 'channelId' | 'text' | 'mediaIds' | 'status' | 'scheduledAt' | 'nextAttemptAt' | 'publishedAt' | 'platformPostId' | 'permalink' | 'lastError' | 'attemptCount'>,
  channel: Target['channel'],
  post: Pick<PostRow, 'text' | 'mediaIds'>,
): Target {
  return {
    id: t.id,
    channelId: t.channelId,
    channel,
    text: t.text ?? post.text,
    textOverride: t.text,
    mediaIds: t.mediaIds ?? post.mediaIds,
    mediaOverride: t.mediaIds !== null,
    status: t.status,
    scheduledAt: t.scheduledAt,
    nextAttemptAt: t.nextAttemptAt,
    publishedAt: t.publishedAt,
    platformPostId: t.platformPostId,
    permalink: t.permalink,
    lastError: t.lastError ?? null,
    attemptCount: t.attemptCount,
  };
}

/** Posts sort by when they go (or went) out, else when they were written; newest first. */
const sortAt = sql<Date>`coalesce(${posts.scheduledAt}, ${posts.createdAt})`;

export interface ListFilter {
  status?: string | undefined;
  channelId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  cursor?: { at: Date; id: string } | undefined;
  limit: number;
}

export async function listPostIds(db: Db, organizationId: string, workspaceId: string, f: ListFilter): Promise<{ id: string; at: Date }[]> {
  const conditions: (SQL | undefined)[] = [eq(posts.organizationId, organizationId), eq(posts.workspaceId, workspaceId)];
  if (f.status) conditions.push(eq(posts.status, f.status as PostRow['status']));
  if (f.from) conditions.push(gte(sortAt, f.from));
  if (f.to) conditions.push(lt(sortAt, f.to));
  if (f.channelId) {
    conditions.push(sql`exists (select 1 from ${postTargets} where ${postTargets.postId} = ${posts.id} and ${postTargets.channelId} = ${f.channelId})`);
  }
  if (f.cursor) {
    conditions.push(or(lt(sortAt, f.cursor.at), and(eq(sortAt, f.cursor.at), lt(posts.id, f.cursor.id))));
  }
  const rows = await db
    .select({ id: posts.id, at: sortAt })
    .from(posts)
    .where(and(...conditions))
    .orderBy(desc(sortAt), desc(posts.id))
    .limit(f.limit);
  return rows.map((r) => ({ id: r.id, at: new Date(r.at) }));
}

export async function attemptsOfPost(db: Db, postId: string): Promise<Attempt[]> {
  return db
    .select({
      id: publishAttempts.id,
      targetId: publishAttempts.targetId,
      attemptNo: publishAttempts.attemptNo,
      startedAt: publishAttempts.startedAt,
      finishedAt: publishAttempts.finishedAt,
      outcome: publishAttempts.outcome,
      errorMessage: publishAttempts.errorMessage,
      platformCode: publishAttempts.platformCode,
    })
    .from(publishAttempts)
    .innerJoin(postTargets, eq(postTargets.id, publishAttempts.targetId))
    .where(eq(postTargets.postId, postId))
    .orderBy(asc(publishAttempts.startedAt), asc(publishAttempts.attemptNo));
}

/** Instants at which any of `channelIds` already has a post going out (for the queue). */
export async function takenInstants(db: Db, channelIds: string[], after: Date, excludePostId: string): Promise<Set<number>> {
  if (channelIds.length === 0) return new Set();
  const rows = await db
    .select({ at: postTargets.scheduledAt })
    .from(postTargets)
    .where(
      and(
        inArray(postTargets.channelId, channelIds),
        inArray(postTargets.status, ['scheduled', 'retrying', 'publishing']),
        gte(postTargets.scheduledAt, after),
        sql`${postTargets.postId} <> ${excludePostId}`,
      ),
    );
  return new Set(rows.filter((r) => r.at).map((r) => r.at!.getTime()));
}
