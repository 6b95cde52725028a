import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, channels, posts, postTargets, users, type TargetStatus } from '../../db/schema.js';

export interface AuditEntry {
  organizationId: string;
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  data?: Record<string, unknown>;
}

/** Appends to the organization's audit trail; pass the transaction of the change it records. */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({ ...entry, data: entry.data ?? {} });
}

/** How the activity log names a post: its first line, at most 80 characters (the dashboard links it by id). */
export function postTitle(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

export interface AuditPage {
  /** Only entries created strictly before this instant. */
  before?: Date | undefined;
  /**
   * Only entries after this one in the listing order (newest first). Entries written by one transaction
   * share their `created_at`, so paging by time alone could skip some; the cursor compares
   * `(created_at, id)` at full database precision.
   */
  afterId?: string | undefined;
  limit: number;
}

/** Newest first. `afterId` must belong to the organization (see `auditEntryExists`). */
export async function listAudit(db: Db, organizationId: string, opts: AuditPage) {
  return db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      subjectType: auditLog.subjectType,
      subjectId: auditLog.subjectId,
      data: auditLog.data,
      createdAt: auditLog.createdAt,
      actor: { id: users.id, name: users.name, email: users.email },
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(
      and(
        eq(auditLog.organizationId, organizationId),
        opts.before ? lt(auditLog.createdAt, opts.before) : undefined,
        opts.afterId
          ? sql`(${auditLog.createdAt}, ${auditLog.id}) < (select c.created_at, c.id from ${auditLog} c where c.id = ${opts.afterId} and c.organization_id = ${organizationId})`
          : undefined,
      ),
    )
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(opts.limit);
}

export async function auditEntryExists(db: Db, organizationId: string, id: string): Promise<boolean> {
  const rows = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(and(eq(auditLog.id, id), eq(auditLog.organizationId, organizationId)));
  return rows.length > 0;
}

/** Where a target's publishing ends for now; each gets one entry in the activity log (`recordPublishResults`). */
export const PUBLISH_RESULT_STATES = ['published', 'failed', 'needs_review', 'needs_reauth'] as const satisfies readonly TargetStatus[];

const WHITESPACE = sql.raw(`E' \\t\\r\\n'`);
/** `postTitle` in SQL: the first line of the text, trimmed, at most 80 characters. */
const firstLine = sql`btrim(split_part(btrim(${posts.text}, ${WHITESPACE}), E'\\n', 1), ${WHITESPACE})`;

/**
 * Records what publishing did to each of `targetIds` (published with its permalink, failed or held with
 * the reason), one entry per target naming the post and the channel, in one statement. Targets in no
 * result state are skipped. Pass the transaction that settled them.
 */
export async function recordPublishResults(db: Db, targetIds: readonly string[]): Promise<void> {
  if (targetIds.length === 0) return;
  await db.execute(sql`
    insert into ${auditLog} (organization_id, actor_id, action, subject_type, subject_id, data)
    select ${postTargets.organizationId}, null,
           'post.' || case ${postTargets.status} when 'failed' then 'publish_failed' else ${postTargets.status} end,
           'post', ${postTargets.postId}::text,
           jsonb_strip_nulls(jsonb_build_object(
             'title', case when char_length(${firstLine}) > 80 then left(${firstLine}, 79) || '…' else ${firstLine} end,
             'targetId', ${postTargets.id}, 'channelId', ${channels.id}, 'channelName', ${channels.name},
             'permalink', ${postTargets.permalink}, 'platformPostId', ${postTargets.platformPostId}, 'error', ${postTargets.lastError}->>'message'))
    from ${postTargets}
    inner join ${posts} on ${posts.id} = ${postTargets.postId}
    inner join ${channels} on ${channels.id} = ${postTargets.channelId}
    where ${inArray(postTargets.id, [...targetIds])} and ${inArray(postTargets.status, [...PUBLISH_RESULT_STATES])}`);
}
