import { and, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { notifications, type NotificationKind } from '../../db/schema-connections.js';
import { memberships, users } from '../../db/schema.js';
import type { Role } from '../../http/permissions.js';

export type NotificationRow = typeof notifications.$inferSelect;

/** Members of an organization with one of `roles`, with the address to email them at. */
export async function membersWithRoles(db: Db, organizationId: string, roles: readonly Role[]): Promise<{ userId: string; email: string; name: string }[]> {
  return db
    .select({ userId: users.id, email: users.email, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), inArray(memberships.role, [...roles])));
}

/**
 * Inserts one notification per user; a repeat of the same event (same user and dedupe key) is skipped.
 * Returns the users who got a new one.
 */
export async function insertNotifications(
  db: Db,
  rows: { organizationId: string; workspaceId: string | null; userId: string; kind: NotificationKind; title: string; body: string; link: string | null; dedupeKey: string | null }[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await db.insert(notifications).values(rows).onConflictDoNothing().returning({ userId: notifications.userId });
  return inserted.map((r) => r.userId);
}

export async function listForUser(db: Db, userId: string, page: { before?: Date | undefined; limit: number; unreadOnly: boolean }): Promise<NotificationRow[]> {
  return db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        page.unreadOnly ? isNull(notifications.readAt) : undefined,
        page.before ? lt(notifications.createdAt, page.before) : undefined,
        // Only organizations the user still belongs to.
        sql`exists (select 1 from ${memberships} m where m.user_id = ${notifications.userId} and m.organization_id = ${notifications.organizationId})`,
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(page.limit);
}

export async function countUnread(db: Db, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        isNull(notifications.readAt),
        sql`exists (select 1 from ${memberships} m where m.user_id = ${notifications.userId} and m.organization_id = ${notifications.organizationId})`,
      ),
    );
  return row?.n ?? 0;
}

/** Marks the user's notifications read: the given ids, or all when `ids` is undefined. Returns how many changed. */
export async function markRead(db: Db, userId: string, ids: readonly string[] | undefined): Promise<number> {
  if (ids && ids.length === 0) return 0;
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), ids ? inArray(notifications.id, [...ids]) : undefined))
    .returning({ id: notifications.id });
  return rows.length;
}
