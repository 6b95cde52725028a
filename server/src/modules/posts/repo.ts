import { and, asc, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { channels, posts, postTargets, publishAttempts, users, type TargetStatus } from '../../db/schema.js';
import { toPlatform } from '../../integrations/social/provider.js';
import type { Attempt, Post, Target } from './schemas.js';

export type PostRow = typeof posts.$inferSelect;
export type TargetRow = typeof postTargets.$inferSelect;

export async function insertPost(db: Db, row: typeof posts.$inferInsert): Promise<PostRow> {
  const [created] = await db.insert(posts).values(row).returning();
  return created!;
}

export async function insertTargets(db: Db, rows: (typeof postTargets.$inferInsert)[]): Promise<TargetRow[]> {
  if (rows.length === 0) return [];
  return db.insert(postTargets).values(rows).returning();
}

/** The post row, locked for the rest of the transaction (edits, schedules and cancels serialise on it). */
export async function lockPost(db: Db, organizationId: string, postId: string): Promise<PostRow | undefined> {
  const [row] = await db
    .select()
    .from(posts)
    .where(and(eq(posts.id, postId), eq(posts.organizationId, organizationId)))
    .for('update');
  return row;
}

export async function findPostRow(db: Db, organizationId: string, postId: string): Promise<PostRow | undefined> {
  const [row] = await db.select().from(posts).where(and(eq(posts.id, postId), eq(posts.organizationId, organizationId)));
  return row;
}

export async function postOrganization(db: Db, postId: string): Promise<{ organizationId: string; workspaceId: string } | null> {
  const [row] = await db.select({ organizationId: posts.organizationId, workspaceId: posts.workspaceId }).from(posts).where(eq(posts.id, postId));
  return row ?? null;
}

export async function targetsOfPost(db: Db, postId: string): Promise<TargetRow[]> {
  return db.select().from(postTargets).where(eq(postTargets.postId, postId)).orderBy(asc(postTargets.createdAt), asc(postTargets.id));
}

export async function updatePostRow(db: Db, postId: string, patch: Partial<typeof posts.$inferInsert>): Promise<void> {
  await db.update(posts).set({ ...patch, updatedAt: new Date() }).where(eq(posts.id, postId));
}

/**
 * Stores what the state machine derives from a post's targets: its status, published time, whether it
 * is in flight, and its platforms (read from the targets' channels in the same statement).
 */
export async function saveDerivedPostState(db: Db, postId: string, derived: { status: PostRow['status']; publishedAt: Date | null; inFlight: boolean }): Promise<void> {
  const platforms = sql<string[]>`coalesce((select array_agg(distinct ${channels.platform} order by ${channels.platform}) from ${postTargets} inner join ${channels} on ${channels.id} = ${postTargets.channelId} where ${postTargets.postId} = ${posts.id}), '{}'::text[])`;
  await db
    .update(posts)
    .set({ ...derived, platforms, updatedAt: new Date() })
    .where(eq(posts.id, postId));
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

/** Moves every target in `from` states to `scheduled` at `scheduledAt`, bumping versions; returns them. */
export async function scheduleTargets(db: Db, postId: string, scheduledAt: Date, from: readonly TargetStatus[]): Promise<TargetRow[]> {
  return db
    .update(postTargets)
    .set({ status: 'scheduled', scheduledAt, nextAttemptAt: null, version: sql`${postTargets.version} + 1`, updatedAt: new Date() })
    .where(and(eq(postTargets.postId, postId), inArray(postTargets.status, [...from])))
    .returning();
}

/** Moves every pending target back to draft, bumping versions so queued jobs do nothing. */
export async function unscheduleTargets(db: Db, postId: string, from: readonly TargetStatus[]): Promise<TargetRow[]> {
  return db
    .update(postTargets)
    .set({ status: 'draft', scheduledAt: null, nextAttemptAt: null, version: sql`${postTargets.version} + 1`, updatedAt: new Date() })
    .where(and(eq(postTargets.postId, postId), inArray(postTargets.status, [...from])))
    .returning();
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

function toTarget(t: TargetRow, channel: Target['channel'], post: PostRow): Target {
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

/** A published target removed from its platform: it keeps its post id and permalink as history. */
export async function markTargetDeleted(db: Db, targetId: string): Promise<void> {
  await db
    .update(postTargets)
    .set({ status: 'deleted', updatedAt: new Date() })
    .where(and(eq(postTargets.id, targetId), eq(postTargets.status, 'published')));
}
