import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, users } from '../../db/schema.js';

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
