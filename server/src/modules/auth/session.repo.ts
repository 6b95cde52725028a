import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { passwordResets, sessions } from '../../db/schema.js';

/** One refresh token as stored (its hash only). */
export interface SessionRecord {
  id: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

export async function insertSession(
  db: Db,
  input: { userId: string; familyId: string; tokenHash: string; expiresAt: Date; userAgent: string | null; ip: string | null },
): Promise<void> {
  await db.insert(sessions).values(input);
}

export async function findSessionByTokenHash(db: Db, tokenHash: string): Promise<SessionRecord | undefined> {
  const [row] = await db
    .select({
      id: sessions.id,
      userId: sessions.userId,
      familyId: sessions.familyId,
      expiresAt: sessions.expiresAt,
      rotatedAt: sessions.rotatedAt,
      revokedAt: sessions.revokedAt,
    })
    .from(sessions)
    .where(eq(sessions.tokenHash, tokenHash));
  return row;
}

/**
 * Marks a live token as rotated. The condition makes this the one winner among concurrent refreshes
 * with the same token: every other caller gets null.
 */
export async function claimSessionForRotation(db: Db, id: string, now: Date): Promise<{ userId: string; familyId: string } | null> {
  const [row] = await db
    .update(sessions)
    .set({ rotatedAt: now })
    .where(and(eq(sessions.id, id), isNull(sessions.rotatedAt), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .returning({ userId: sessions.userId, familyId: sessions.familyId });
  return row ?? null;
}

export async function revokeFamily(db: Db, familyId: string, now: Date): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.familyId, familyId), isNull(sessions.revokedAt)));
}

/** Revokes every session of a user, or every one but `exceptFamily` (the caller's own). */
export async function revokeUserSessions(db: Db, userId: string, now: Date, exceptFamily?: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), exceptFamily === undefined ? undefined : ne(sessions.familyId, exceptFamily)));
}

export async function insertPasswordReset(db: Db, input: { userId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
  await db.insert(passwordResets).values(input);
}

/** The account a reset token belongs to, if the token is unused and unexpired. */
export async function findUsablePasswordReset(db: Db, tokenHash: string, now: Date): Promise<{ userId: string } | undefined> {
  const [row] = await db
    .select({ userId: passwordResets.userId })
    .from(passwordResets)
    .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)));
  return row;
}

/** Uses a reset token up; conditional so a token works exactly once even under concurrent confirms. */
export async function consumePasswordReset(db: Db, tokenHash: string, now: Date): Promise<{ userId: string } | null> {
  const [row] = await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
    .returning({ userId: passwordResets.userId });
  return row ?? null;
}

/** Voids a user's outstanding reset links (after any password change, an older link must not work). */
export async function voidPasswordResets(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
}
