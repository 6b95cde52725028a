import { and, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { emailVerifications, users } from '../../db/schema.js';

export async function insertVerification(
  db: Db,
  input: { id: string; userId: string; email: string; tokenHash: string; tokenSealed: string; expiresAt: Date },
): Promise<void> {
  await db.insert(emailVerifications).values(input);
}

/** The mail job's view of a verification: only while unused, unexpired and not yet sent. */
export async function findVerificationToMail(
  db: Db,
  id: string,
  now: Date,
): Promise<{ tokenSealed: string; email: string; name: string; expiresAt: Date } | undefined> {
  const [row] = await db
    .select({ tokenSealed: emailVerifications.tokenSealed, email: emailVerifications.email, name: users.name, expiresAt: emailVerifications.expiresAt })
    .from(emailVerifications)
    .innerJoin(users, eq(users.id, emailVerifications.userId))
    .where(
      and(
        eq(emailVerifications.id, id),
        isNull(emailVerifications.usedAt),
        gt(emailVerifications.expiresAt, now),
        isNotNull(emailVerifications.tokenSealed),
        eq(users.emailVerified, false),
      ),
    );
  return row && row.tokenSealed !== null ? { ...row, tokenSealed: row.tokenSealed } : undefined;
}

export async function forgetSealedVerification(db: Db, id: string, sealed: string): Promise<void> {
  await db
    .update(emailVerifications)
    .set({ tokenSealed: null })
    .where(and(eq(emailVerifications.id, id), eq(emailVerifications.tokenSealed, sealed)));
}

/**
 * Uses a verification link up, only for the account it was sent to and only while that account still
 * has the address it was sent to. Conditional, so a link works once.
 */
export async function consumeVerification(db: Db, tokenHash: string, userId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(emailVerifications)
    .set({ usedAt: now, tokenSealed: null })
    .where(
      and(
        eq(emailVerifications.tokenHash, tokenHash),
        eq(emailVerifications.userId, userId),
        isNull(emailVerifications.usedAt),
        gt(emailVerifications.expiresAt, now),
        sql`lower(${emailVerifications.email}) = (select lower(${users.email}) from ${users} where ${users.id} = ${userId})`,
      ),
    )
    .returning({ id: emailVerifications.id });
  return rows.length > 0;
}

/** Ends every outstanding verification link of an account (a newer one was sent, or the email is verified). */
export async function voidVerifications(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .update(emailVerifications)
    .set({ usedAt: now, tokenSealed: null })
    .where(and(eq(emailVerifications.userId, userId), isNull(emailVerifications.usedAt)));
}
