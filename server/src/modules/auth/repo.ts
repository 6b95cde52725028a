import { and, eq, sql } from 'drizzle-orm';
import type { Database, Db } from '../../db/client.js';
import { users, userIdentities } from '../../db/schema.js';
import type { Me } from './schemas.js';

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

/**
 * The signed-in user and the organizations they belong to (by name, case-insensitively, so PGlite and
 * PostgreSQL agree), in one prepared statement: `GET /me` is the dashboard's most frequent call.
 */
const ME_SQL = `select u.id, u.email, u.name, u.password_hash is not null as "hasPassword", u.email_verified as "emailVerified",
    u.created_at as "createdAt",
    coalesce((select json_agg(json_build_object('organization', json_build_object('id', o.id, 'name', o.name), 'role', m.role)
        order by lower(o.name), o.name, o.id)
      from memberships m join organizations o on o.id = m.organization_id where m.user_id = u.id), '[]'::json) as memberships
  from users u where u.id = $1`;

export async function findMe(database: Database, userId: string): Promise<Me | null> {
  type Row = Me['user'] & { memberships: Me['memberships'] | string };
  const [row] = await database.prepared<Row>('auth_me_v1', ME_SQL, [userId]);
  if (!row) return null;
  const { memberships: list, ...user } = row;
  // json comes back parsed from both drivers; a string would mean a driver that leaves it as text.
  return { user: { ...user, createdAt: new Date(user.createdAt) }, memberships: typeof list === 'string' ? (JSON.parse(list) as Me['memberships']) : list };
}
