import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { memberships, organizations, userIdentities, users } from '../../db/schema.js';
import type { Membership } from './schemas.js';

/** An account as stored. Leaves the repository only towards services; routes see `User`. */
export interface UserRecord {
  id: string;
  email: string;
  name: string;
  passwordHash: string | null;
  emailVerified: boolean;
  createdAt: Date;
}

const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  passwordHash: users.passwordHash,
  emailVerified: users.emailVerified,
  createdAt: users.createdAt,
};

/** Serialises first-run setup across processes: taken inside the setup transaction. */
const SETUP_LOCK_KEY = 724_012;

export async function lockSetup(db: Db): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
}

export async function anyUserExists(db: Db): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).limit(1);
  return row !== undefined;
}

/** Inserts an account; null when the email (compared case-insensitively) is already taken. */
export async function insertUser(
  db: Db,
  input: { email: string; name: string; passwordHash: string | null; emailVerified: boolean },
): Promise<UserRecord | null> {
  const [row] = await db.insert(users).values(input).onConflictDoNothing().returning(userColumns);
  return row ?? null;
}

export async function findUserById(db: Db, id: string): Promise<UserRecord | undefined> {
  const [row] = await db.select(userColumns).from(users).where(eq(users.id, id));
  return row;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRecord | undefined> {
  const [row] = await db
    .select(userColumns)
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`);
  return row;
}

export async function updateUserName(db: Db, id: string, name: string): Promise<UserRecord | undefined> {
  const [row] = await db.update(users).set({ name, updatedAt: new Date() }).where(eq(users.id, id)).returning(userColumns);
  return row;
}

/** Sets a new password hash; `emailVerified` is raised (never lowered) when the change proves the mailbox. */
export async function updatePasswordHash(db: Db, id: string, passwordHash: string, opts: { emailVerified?: boolean } = {}): Promise<void> {
  await db
    .update(users)
    .set({ passwordHash, updatedAt: new Date(), ...(opts.emailVerified ? { emailVerified: true } : {}) })
    .where(eq(users.id, id));
}

/** Removes the password: the account then signs in only with Google (or sets a password from a reset link). */
export async function clearPassword(db: Db, id: string): Promise<void> {
  await db.update(users).set({ passwordHash: null, updatedAt: new Date() }).where(eq(users.id, id));
}

export async function markEmailVerified(db: Db, id: string): Promise<void> {
  await db.update(users).set({ emailVerified: true, updatedAt: new Date() }).where(and(eq(users.id, id), eq(users.emailVerified, false)));
}

export async function findUserByIdentity(db: Db, provider: string, subject: string): Promise<UserRecord | undefined> {
  const [row] = await db
    .select(userColumns)
    .from(userIdentities)
    .innerJoin(users, eq(users.id, userIdentities.userId))
    .where(and(eq(userIdentities.provider, provider), eq(userIdentities.subject, subject)));
  return row;
}

/** Links an external identity to an account; false when that identity is already linked. */
export async function insertIdentity(db: Db, input: { userId: string; provider: string; subject: string; email: string }): Promise<boolean> {
  const rows = await db.insert(userIdentities).values(input).onConflictDoNothing().returning({ id: userIdentities.id });
  return rows.length > 0;
}

/** The organizations a user belongs to, by name (case-insensitively, so PGlite and PostgreSQL agree). */
export async function listMemberships(db: Db, userId: string): Promise<Membership[]> {
  const rows = await db
    .select({ id: organizations.id, name: organizations.name, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, userId))
    .orderBy(sql`lower(${organizations.name})`, asc(organizations.name), asc(organizations.id));
  return rows.map((r) => ({ organization: { id: r.id, name: r.name }, role: r.role }));
}
