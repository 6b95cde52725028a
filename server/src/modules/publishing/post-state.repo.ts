import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { POST_EVENTS_CHANNEL } from '../events/notify.js';
import { channels, posts, postTargets, type TargetStatus } from '../../db/schema.js';

export type PostRow = typeof posts.$inferSelect;
export type TargetRow = typeof postTargets.$inferSelect;

/**
 * The post row, locked for the rest of the transaction. Every transaction that changes a post or its
 * targets takes this lock first (posts before targets, everywhere), so edits, schedules, cancels and
 * settles of one post serialise and the lock order never deadlocks.
 */
export async function lockPost(db: Db, organizationId: string, postId: string): Promise<PostRow | undefined> {
  const [row] = await db
    .select()
    .from(posts)
    .where(and(eq(posts.id, postId), eq(posts.organizationId, organizationId)))
    .for('update');
  return row;
}

/** Locks the post a target belongs to (see `lockPost`): two targets of one post settling at once serialise. */
export async function lockPostOfTarget(db: Db, targetId: string): Promise<void> {
  await db
    .select({ id: posts.id })
    .from(posts)
    .where(inArray(posts.id, db.select({ postId: postTargets.postId }).from(postTargets).where(eq(postTargets.id, targetId))))
    .for('update');
}

/**
 * Locks the posts of `targetIds`, in id order (so two batches sharing posts never deadlock), before a
 * batch claims or settles their targets: the batched form of `lockPostOfTarget`.
 */
export async function lockPostsOfTargets(db: Db, targetIds: readonly string[]): Promise<void> {
  await db.execute(sql`
    select p.id from ${posts} p
    where p.id in (select t.post_id from ${postTargets} t where t.id in (select jsonb_array_elements_text(${JSON.stringify(targetIds)}::jsonb)::uuid))
    order by p.id for update of p`);
}

export async function targetsOfPost(db: Db, postId: string): Promise<TargetRow[]> {
  return db.select().from(postTargets).where(eq(postTargets.postId, postId)).orderBy(asc(postTargets.createdAt), asc(postTargets.id));
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

/**
 * Stores the derived state of several posts at once and announces each (`notifyPostChanged`), in one
 * statement: the batched form of `saveDerivedPostState` for a batch settle, which never changes a
 * post's platforms.
 */
export async function saveDerivedPostStates(db: Db, states: readonly { postId: string; status: PostRow['status']; publishedAt: Date | null; inFlight: boolean }[]): Promise<void> {
  if (states.length === 0) return;
  const values = JSON.stringify(states.map((s) => ({ id: s.postId, status: s.status, published_at: s.publishedAt?.toISOString() ?? null, in_flight: s.inFlight })));
  await db.execute(sql`
    update ${posts} p set status = v.status, published_at = v.published_at, in_flight = v.in_flight, updated_at = now()
    from jsonb_to_recordset(${values}::jsonb) as v(id uuid, status text, published_at timestamptz, in_flight boolean)
    where p.id = v.id
    returning pg_notify(${POST_EVENTS_CHANNEL}, json_build_object('workspaceId', p.workspace_id, 'postId', p.id, 'status', p.status)::text)`);
}

export async function setPostScheduledAt(db: Db, postId: string, scheduledAt: Date | null): Promise<void> {
  await db.update(posts).set({ scheduledAt, updatedAt: new Date() }).where(eq(posts.id, postId));
}

/** Moves every target in `from` states to `scheduled` at `scheduledAt`, bumping versions; returns them. */
export async function scheduleTargets(db: Db, postId: string, scheduledAt: Date, from: readonly TargetStatus[]): Promise<TargetRow[]> {
  return db
    .update(postTargets)
    .set({ status: 'scheduled', scheduledAt, nextAttemptAt: null, version: sql`${postTargets.version} + 1`, updatedAt: new Date() })
    .where(and(eq(postTargets.postId, postId), inArray(postTargets.status, [...from])))
    .returning();
}

/** Moves every target in `from` states back to draft, bumping versions so queued jobs do nothing. */
export async function unscheduleTargets(db: Db, postId: string, from: readonly TargetStatus[]): Promise<TargetRow[]> {
  return db
    .update(postTargets)
    .set({ status: 'draft', scheduledAt: null, nextAttemptAt: null, version: sql`${postTargets.version} + 1`, updatedAt: new Date() })
    .where(and(eq(postTargets.postId, postId), inArray(postTargets.status, [...from])))
    .returning();
}

/** A published target removed from its platform: it keeps its post id and permalink as history. */
export async function markTargetDeleted(db: Db, targetId: string): Promise<void> {
  await db
    .update(postTargets)
    .set({ status: 'deleted', updatedAt: new Date() })
    .where(and(eq(postTargets.id, targetId), eq(postTargets.status, 'published')));
}
