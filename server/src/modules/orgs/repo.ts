import { and, asc, count, eq, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/client.js';
import { memberships, organizations, users } from '../../db/schema.js';
import type { Role } from '../../http/permissions.js';
import type { Member, Org } from './schemas.js';

export interface Organization {
  id: string;
  name: string;
  createdAt: Date;
}

const organizationColumns = { id: organizations.id, name: organizations.name, createdAt: organizations.createdAt };

export async function insertOrganization(db: Db, name: string): Promise<Organization> {
  const [row] = await db.insert(organizations).values({ name }).returning(organizationColumns);
  return row!;
}

export async function findOrganization(db: Db, id: string): Promise<Organization | undefined> {
  const [row] = await db.select(organizationColumns).from(organizations).where(eq(organizations.id, id));
  return row;
}

/**
 * Reads the organization and locks its row until the transaction ends. Membership and invitation
 * changes take it first, so two concurrent changes cannot both see "another owner remains" and leave
 * the organization without one, nor both replace the same pending invitation.
 */
export async function lockOrganization(db: Db, id: string): Promise<Organization | undefined> {
  const [row] = await db.select(organizationColumns).from(organizations).where(eq(organizations.id, id)).for('update');
  return row;
}

export async function renameOrganization(db: Db, id: string, name: string): Promise<Organization | undefined> {
  const [row] = await db.update(organizations).set({ name, updatedAt: new Date() }).where(eq(organizations.id, id)).returning(organizationColumns);
  return row;
}

/** Deletes the organization; memberships, invitations, workspaces and audit entries go with it (FK cascade). */
export async function deleteOrganization(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(organizations).where(eq(organizations.id, id)).returning({ id: organizations.id });
  return rows.length > 0;
}

/** The organizations a user belongs to, with their role in each; by name, case-insensitively (same on PGlite and PostgreSQL). */
export async function listOrganizationsOf(db: Db, userId: string): Promise<Org[]> {
  return db
    .select({ ...organizationColumns, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, userId))
    .orderBy(sql`lower(${organizations.name})`, asc(organizations.name), asc(organizations.id));
}

export async function insertMembership(db: Db, m: { organizationId: string; userId: string; role: Role }): Promise<boolean> {
  const rows = await db.insert(memberships).values(m).onConflictDoNothing().returning({ userId: memberships.userId });
  return rows.length > 0;
}

const memberColumns = {
  user: { id: users.id, name: users.name, email: users.email },
  role: memberships.role,
  joinedAt: memberships.createdAt,
};

export async function listMembers(db: Db, organizationId: string): Promise<Member[]> {
  return db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, organizationId))
    .orderBy(asc(memberships.createdAt), asc(users.id));
}

export async function findMember(db: Db, organizationId: string, userId: string): Promise<Member | undefined> {
  const [row] = await db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
  return row;
}

/** True when a user with this email (case-insensitive) already belongs to the organization. */
export async function isMemberByEmail(db: Db, organizationId: string, email: string): Promise<boolean> {
  const rows = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), eq(sql`lower(${users.email})`, email.toLowerCase())));
  return rows.length > 0;
}

export async function updateMemberRole(db: Db, organizationId: string, userId: string, role: Role): Promise<boolean> {
  const rows = await db
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
    .returning({ userId: memberships.userId });
  return rows.length > 0;
}

export async function deleteMembership(db: Db, organizationId: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
    .returning({ userId: memberships.userId });
  return rows.length > 0;
}

export async function countOwners(db: Db, organizationId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, 'owner')));
  return Number(row?.n ?? 0);
}

/**
 * How many organizations `userId` belongs to in which `ownerId` is not an owner: a reset link handed
 * over by `ownerId` must not open doors they do not already hold.
 */
export async function countMembershipsNotOwnedBy(db: Db, userId: string, ownerId: string): Promise<number> {
  const rows = rowsOf<{ n: number | string }>(
    await db.execute(sql`
      select count(*) as n from memberships m
      where m.user_id = ${userId}
        and not exists (
          select 1 from memberships o
          where o.organization_id = m.organization_id and o.user_id = ${ownerId} and o.role = 'owner'
        )`),
  );
  return Number(rows[0]?.n ?? 0);
}
