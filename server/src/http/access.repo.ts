import { and, eq, exists, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { memberships, sessions, users } from '../db/schema.js';
import type { SessionUser } from './access-cache.js';
import type { Role } from './permissions.js';

/**
 * The user of a live session family: null when the family was revoked or has expired (logout, a
 * password change or a detected refresh token reuse revoke the family, and every access token issued
 * to it with it).
 */
export async function findSessionUser(db: Db, userId: string, sessionFamily: string): Promise<SessionUser | null> {
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(
      and(
        eq(users.id, userId),
        exists(
          db
            .select({ one: sql`1` })
            .from(sessions)
            .where(and(eq(sessions.familyId, sessionFamily), eq(sessions.userId, users.id), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`))),
        ),
      ),
    );
  return user ?? null;
}

export async function findRole(db: Db, organizationId: string, userId: string): Promise<Role | null> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
  return row?.role ?? null;
}
