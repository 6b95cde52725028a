import { and, desc, eq, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { channels, posts, postTargets, publishAttempts, workerHeartbeats, type AttemptOutcome, type TargetError, type TargetStatus } from '../../db/schema.js';

export type TargetRow = typeof postTargets.$inferSelect;

/**
 * Claims a target for one publish attempt: the single conditional UPDATE that makes publishing
 * exactly-once. It succeeds only for the job's version and attempt while the target is pending.
 */
export async function claimTarget(db: Db, targetId: string, version: number, attempt: number): Promise<TargetRow | undefined> {
  const [row] = await db
    .update(postTargets)
    .set({ status: 'publishing', attemptCount: sql`${postTargets.attemptCount} + 1`, reconcileAttempts: 0, nextAttemptAt: null, updatedAt: new Date() })
    .where(
      and(
        eq(postTargets.id, targetId),
        eq(postTargets.version, version),
        eq(postTargets.attemptCount, attempt),
        inArray(postTargets.status, ['scheduled', 'retrying']),
      ),
    )
    .returning();
  return row;
}

export async function insertAttempt(db: Db, a: { organizationId: string; targetId: string; attemptNo: number; workerId: string }): Promise<string> {
  const [row] = await db.insert(publishAttempts).values(a).returning({ id: publishAttempts.id });
  return row!.id;
}

/** Closes an attempt; returns when it started (the lease of an unknown outcome counts from there). */
export async function finishAttempt(
  db: Db,
  attemptId: string,
  result: { outcome: AttemptOutcome; errorMessage?: string | null; platformCode?: string | null; platformPostId?: string | null },
): Promise<Date | undefined> {
  const [row] = await db
    .update(publishAttempts)
    .set({ finishedAt: new Date(), outcome: result.outcome, errorMessage: result.errorMessage ?? null, platformCode: result.platformCode ?? null, platformPostId: result.platformPostId ?? null })
    .where(eq(publishAttempts.id, attemptId))
    .returning({ startedAt: publishAttempts.startedAt });
  return row?.startedAt;
}

export async function deleteAttempt(db: Db, attemptId: string): Promise<void> {
  await db.delete(publishAttempts).where(eq(publishAttempts.id, attemptId));
}

/** Undoes a claim whose call was never made: the attempt count goes back and the target is pending again. */
export async function unclaimTarget(db: Db, targetId: string, attemptCount: number): Promise<TargetRow | undefined> {
  const [row] = await db
    .update(postTargets)
    .set({
      status: sql`case when ${postTargets.attemptCount} > 1 then 'retrying' else 'scheduled' end`,
      attemptCount: sql`${postTargets.attemptCount} - 1`,
      updatedAt: new Date(),
    })
    .where(and(eq(postTargets.id, targetId), eq(postTargets.status, 'publishing'), eq(postTargets.attemptCount, attemptCount)))
    .returning();
  return row;
}

/** Counts one failed try at reconciling the target's current attempt; returns the new count. */
export async function countReconcileFailure(db: Db, targetId: string, attemptCount: number): Promise<number> {
  const [row] = await db
    .update(postTargets)
    .set({ reconcileAttempts: sql`${postTargets.reconcileAttempts} + 1` })
    .where(and(eq(postTargets.id, targetId), eq(postTargets.attemptCount, attemptCount)))
    .returning({ n: postTargets.reconcileAttempts });
  return row?.n ?? 0;
}

/**
 * Moves a target out of `publishing`, but only if it is still in the attempt this worker claimed
 * (a reconciler may have settled it meanwhile). Returns false when someone else already did.
 */
export async function settleTarget(
  db: Db,
  targetId: string,
  attemptCount: number,
  patch: {
    status: TargetStatus;
    platformPostId?: string | null;
    permalink?: string | null;
    publishedAt?: Date | null;
    lastError?: TargetError | null;
    nextAttemptAt?: Date | null;
  },
): Promise<TargetRow | undefined> {
  const [row] = await db
    .update(postTargets)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(postTargets.id, targetId), eq(postTargets.status, 'publishing'), eq(postTargets.attemptCount, attemptCount)))
    .returning();
  return row;
}

export interface PublishJobData {
  target: TargetRow;
  post: { id: string; text: string; mediaIds: string[]; workspaceId: string };
  channel: { id: string; platform: string };
}

export async function loadPublishData(db: Db, targetId: string): Promise<PublishJobData | undefined> {
  const [row] = await db
    .select({
      target: postTargets,
      post: { id: posts.id, text: posts.text, mediaIds: posts.mediaIds, workspaceId: posts.workspaceId },
      channel: { id: channels.id, platform: channels.platform },
    })
    .from(postTargets)
    .innerJoin(posts, eq(posts.id, postTargets.postId))
    .innerJoin(channels, eq(channels.id, postTargets.channelId))
    .where(eq(postTargets.id, targetId));
  return row;
}

export async function latestAttempt(db: Db, targetId: string) {
  const [row] = await db.select().from(publishAttempts).where(eq(publishAttempts.targetId, targetId)).orderBy(desc(publishAttempts.attemptNo)).limit(1);
  return row;
}

/**
 * Targets left in `publishing` that the reconciler should look at now: the attempt started longer than
 * a lease ago (an unknown outcome, or a worker that died), or it is unfinished and its worker stopped
 * beating (`aliveSince`: a dead process cannot still be calling the platform, so no need to wait out
 * the lease). A worker with no heartbeat row counts as dead once its attempt is older than that too.
 */
export async function orphanedTargets(db: Db, leaseExpiredBefore: Date, aliveSince: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: postTargets.id })
    .from(postTargets)
    .innerJoin(publishAttempts, and(eq(publishAttempts.targetId, postTargets.id), eq(publishAttempts.attemptNo, postTargets.attemptCount)))
    .where(
      and(
        eq(postTargets.status, 'publishing'),
        or(
          and(lt(publishAttempts.startedAt, leaseExpiredBefore), or(isNull(publishAttempts.finishedAt), eq(publishAttempts.outcome, 'unknown_outcome'))),
          and(
            isNull(publishAttempts.finishedAt),
            lt(publishAttempts.startedAt, aliveSince),
            sql`not exists (select 1 from ${workerHeartbeats} h where h.worker_id = ${publishAttempts.workerId} and h.beat_at >= ${aliveSince.toISOString()}::timestamptz)`,
          ),
        ),
      ),
    )
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Targets still `publishing` under an unfinished attempt of one of `workerIds` (processes that died). */
export async function openTargetsOfWorkers(db: Db, workerIds: string[]): Promise<string[]> {
  if (workerIds.length === 0) return [];
  const rows = await db
    .select({ id: postTargets.id })
    .from(postTargets)
    .innerJoin(publishAttempts, and(eq(publishAttempts.targetId, postTargets.id), eq(publishAttempts.attemptNo, postTargets.attemptCount)))
    .where(and(eq(postTargets.status, 'publishing'), isNull(publishAttempts.finishedAt), inArray(publishAttempts.workerId, workerIds)));
  return rows.map((r) => r.id);
}

/** Embedded mode at start: every target still `publishing` under an unfinished attempt of another process. */
export async function openTargetsNotOf(db: Db, workerId: string): Promise<string[]> {
  const rows = await db
    .select({ id: postTargets.id })
    .from(postTargets)
    .innerJoin(publishAttempts, and(eq(publishAttempts.targetId, postTargets.id), eq(publishAttempts.attemptNo, postTargets.attemptCount)))
    .where(and(eq(postTargets.status, 'publishing'), isNull(publishAttempts.finishedAt), ne(publishAttempts.workerId, workerId)));
  return rows.map((r) => r.id);
}

/** Pending targets whose time has passed by more than `graceMs` (their job may have been lost). */
export async function overdueTargets(db: Db, dueBefore: Date, limit: number): Promise<TargetRow[]> {
  return db
    .select()
    .from(postTargets)
    .where(and(inArray(postTargets.status, ['scheduled', 'retrying']), lt(sql`coalesce(${postTargets.nextAttemptAt}, ${postTargets.scheduledAt})`, dueBefore)))
    .limit(limit);
}

/** What a notice about a target needs: its workspace, post and channel names. */
export async function targetContext(db: Db, targetId: string) {
  const [row] = await db
    .select({ workspaceId: posts.workspaceId, postId: posts.id, postText: posts.text, channelId: channels.id, channelName: channels.name, platform: channels.platform })
    .from(postTargets)
    .innerJoin(posts, eq(posts.id, postTargets.postId))
    .innerJoin(channels, eq(channels.id, postTargets.channelId))
    .where(eq(postTargets.id, targetId));
  return row;
}
