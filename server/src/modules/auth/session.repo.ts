import { and, eq, gt, isNotNull, isNull, ne } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { passwordResets, sessions, users } from '../../db/schema.js';

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

/** `tokenSealed` only for a link the mail job will send; `mailed` false for a link handed over (owner, CLI). */
export async function insertPasswordReset(
  db: Db,
  input: { id: string; userId: string; tokenHash: string; tokenSealed: string | null; mailed: boolean; expiresAt: Date },
): Promise<void> {
  await db.insert(passwordResets).values(input);
}

/** What the mail job needs: the sealed token (null once sent) and the recipient, for a usable reset only. */
export async function findResetToMail(
  db: Db,
  id: string,
  now: Date,
): Promise<{ tokenSealed: string; expiresAt: Date; email: string; name: string } | undefined> {
  const [row] = await db
    .select({ tokenSealed: passwordResets.tokenSealed, expiresAt: passwordResets.expiresAt, email: users.email, name: users.name })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(and(eq(passwordResets.id, id), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now), isNotNull(passwordResets.tokenSealed)));
  return row && row.tokenSealed !== null ? { ...row, tokenSealed: row.tokenSealed } : undefined;
}

/** Drops the sealed copy once the mail is out (only the copy that was sent, should it have changed since). */
export async function forgetSealedReset(db: Db, id: string, sealed: string): Promise<void> {
  await db
    .update(passwordResets)
    .set({ tokenSealed: null })
    .where(and(eq(passwordResets.id, id), eq(passwordResets.tokenSealed, sealed)));
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
export async function consumePasswordReset(db: Db, tokenHash: string, now: Date): Promise<{ userId: string; mailed: boolean } | null> {
  const [row] = await db
    .update(passwordResets)
    .set({ usedAt: now, tokenSealed: null })
    .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
    .returning({ userId: passwordResets.userId, mailed: passwordResets.mailed });
  return row ?? null;
}

/** Voids a user's outstanding reset links (after any password change, an older link must not work). */
export async function voidPasswordResets(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .update(passwordResets)
    .set({ usedAt: now, tokenSealed: null })
    .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
}
