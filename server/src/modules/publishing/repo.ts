import { and, desc, eq, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/client.js';
import { channels, posts, postTargets, publishAttempts, workerHeartbeats, type AttemptOutcome, type ChannelStatus, type TargetError, type TargetStatus } from '../../db/schema.js';
import { POST_EVENTS_CHANNEL } from '../events/notify.js';

export type TargetRow = typeof postTargets.$inferSelect;

/** A publish job as the queue hands it over: the target and the version and attempt it was queued for. */
export interface PublishJob {
  targetId: string;
  version: number;
  attempt: number;
}

/** What one claimed target's platform call needs, returned by the claim itself. */
export interface ClaimedTarget {
  targetId: string;
  organizationId: string;
  postId: string;
  attemptCount: number;
  attemptId: string;
  idempotencyKey: string;
  text: string;
  mediaIds: string[];
  /** Null when the target's channel is gone. */
  channel: { id: string; platform: string; externalId: string; status: ChannelStatus; statusReason: string | null; disconnectedAt: Date | null; credentials: string | null } | null;
}

/**
 * Claims a batch of targets for one publish attempt each: the single statement that makes publishing
 * exactly-once. A target is claimed only while it is pending with the job's version and attempt; in
 * the same statement its attempt row is recorded and its post marked `publishing` (and announced).
 * A post with a target publishing is `publishing` whatever its other targets (`derivePostStatus`), so
 * nothing else needs reading. Run it in a transaction that first took `lockPostsOfTargets`.
 * Returns the claimed targets with their texts and channels (credentials still sealed); a job that is
 * stale (rescheduled, cancelled, retried, deleted, or another worker's) is simply missing.
 */
export async function claimTargets(db: Db, jobs: readonly PublishJob[], workerId: string): Promise<ClaimedTarget[]> {
  const wanted = JSON.stringify(jobs.map((j) => ({ id: j.targetId, version: j.version, attempt: j.attempt })));
  const rows = rowsOf<ClaimRow>(
    await db.execute(sql`
      with wanted as (select * from jsonb_to_recordset(${wanted}::jsonb) as w(id uuid, version int, attempt int)),
      claimed as (
        update ${postTargets} t
        set status = 'publishing', attempt_count = t.attempt_count + 1, reconcile_attempts = 0, next_attempt_at = null, updated_at = now()
        from wanted w
        where t.id = w.id and t.version = w.version and t.attempt_count = w.attempt and t.status in ('scheduled', 'retrying')
        returning t.id, t.organization_id, t.post_id, t.channel_id, t.attempt_count, t.idempotency_key, t.text, t.media_ids
      ),
      attempts as (
        insert into ${publishAttempts} (organization_id, target_id, attempt_no, worker_id)
        select organization_id, id, attempt_count, ${workerId} from claimed
        returning id, target_id
      ),
      marked as (
        update ${posts} p set status = 'publishing', in_flight = true, published_at = null, updated_at = now()
        where p.id in (select post_id from claimed)
        returning p.id, p.text, p.media_ids,
          pg_notify(${POST_EVENTS_CHANNEL}, json_build_object('workspaceId', p.workspace_id, 'postId', p.id, 'status', p.status)::text)
      )
      select c.id as "targetId", c.organization_id as "organizationId", c.post_id as "postId", c.attempt_count as "attemptCount",
        a.id as "attemptId", c.idempotency_key as "idempotencyKey", coalesce(c.text, m.text) as text, coalesce(c.media_ids, m.media_ids) as "mediaIds",
        ch.id as "channelId", ch.platform, ch.external_id as "externalId", ch.status as "channelStatus", ch.status_reason as "statusReason",
        ch.disconnected_at as "disconnectedAt", ch.credentials
      from claimed c
      join attempts a on a.target_id = c.id
      join marked m on m.id = c.post_id
      left join ${channels} ch on ch.id = c.channel_id and ch.organization_id = c.organization_id`),
  );
  return rows.map((r) => ({
    targetId: r.targetId,
    organizationId: r.organizationId,
    postId: r.postId,
    attemptCount: Number(r.attemptCount),
    attemptId: r.attemptId,
    idempotencyKey: r.idempotencyKey,
    text: r.text,
    mediaIds: r.mediaIds,
    channel: r.channelId
      ? {
          id: r.channelId,
          platform: r.platform!,
          externalId: r.externalId!,
          status: r.channelStatus!,
          statusReason: r.statusReason,
          disconnectedAt: r.disconnectedAt === null ? null : new Date(r.disconnectedAt),
          credentials: r.credentials,
        }
      : null,
  }));
}

interface ClaimRow {
  targetId: string;
  organizationId: string;
  postId: string;
  attemptCount: number | string;
  attemptId: string;
  idempotencyKey: string;
  text: string;
  mediaIds: string[];
  channelId: string | null;
  platform: string | null;
  externalId: string | null;
  channelStatus: ChannelStatus | null;
  statusReason: string | null;
  disconnectedAt: string | Date | null;
  credentials: string | null;
}

/** A published target to settle: the attempt that published it and what the platform answered. */
export interface PublishedTarget {
  targetId: string;
  attemptCount: number;
  attemptId: string;
  platformPostId: string;
  permalink: string | null;
  publishedAt: Date;
}

/** After a batch settle: each post touched, its targets' statuses and latest published time, and which of the batch's targets it settled. */
export interface SettledPost {
  postId: string;
  statuses: TargetStatus[];
  latestPublishedAt: Date | null;
  settled: string[];
}

/**
 * Settles a batch of published targets in one statement: closes their attempts, and moves each
 * target that is still in the attempt its worker claimed to `published` (one the reconciler settled
 * meanwhile is left alone). Returns, per post touched, its targets' statuses as they now are, for the
 * post's derived state. Run it in a transaction that first took `lockPostsOfTargets`; running it again
 * after a failure settles nothing twice.
 */
export async function settlePublishedTargets(db: Db, targets: readonly PublishedTarget[]): Promise<SettledPost[]> {
  const done = JSON.stringify(
    targets.map((t) => ({ target_id: t.targetId, attempt_count: t.attemptCount, attempt_id: t.attemptId, platform_post_id: t.platformPostId, permalink: t.permalink, published_at: t.publishedAt.toISOString() })),
  );
  const rows = rowsOf<{ postId: string; statuses: TargetStatus[]; latestPublishedAt: string | Date | null; settled: string[] | null }>(
    await db.execute(sql`
      with done as (select * from jsonb_to_recordset(${done}::jsonb) as d(target_id uuid, attempt_count int, attempt_id uuid, platform_post_id text, permalink text, published_at timestamptz)),
      finished as (
        update ${publishAttempts} a set finished_at = now(), outcome = 'published', error_message = null, platform_code = null, platform_post_id = d.platform_post_id
        from done d where a.id = d.attempt_id
        returning a.id
      ),
      settled as (
        update ${postTargets} t
        set status = 'published', platform_post_id = d.platform_post_id, permalink = d.permalink, published_at = d.published_at, last_error = null, updated_at = now()
        from done d
        where t.id = d.target_id and t.status = 'publishing' and t.attempt_count = d.attempt_count
        returning t.id, t.post_id, t.status, t.published_at
      )
      select t.post_id as "postId", array_agg(coalesce(s.status, t.status)) as statuses,
        max(coalesce(s.published_at, t.published_at)) as "latestPublishedAt", array_agg(s.id::text) filter (where s.id is not null) as settled
      from ${postTargets} t left join settled s on s.id = t.id
      where t.post_id in (select post_id from settled)
      group by t.post_id`),
  );
  return rows.map((r) => ({ postId: r.postId, statuses: r.statuses, latestPublishedAt: r.latestPublishedAt === null ? null : new Date(r.latestPublishedAt), settled: r.settled ?? [] }));
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
