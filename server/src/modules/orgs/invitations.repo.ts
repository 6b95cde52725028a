import { and, desc, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { invitations, organizations, users } from '../../db/schema.js';
import type { Role } from '../../http/permissions.js';
import type { Invitation } from './schemas.js';

/** An invitation as stored, minus its token hash, which never leaves this file. */
export interface InvitationRecord {
  id: string;
  organizationId: string;
  email: string;
  role: Role;
  invitedBy: string | null;
  /** True when the link went only by email (never shown to the inviter). */
  mailed: boolean;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

/** An invitation looked up by its link, with what the invitee is shown. */
export interface InvitationByToken extends InvitationRecord {
  organizationName: string;
  inviterName: string | null;
}

const recordColumns = {
  id: invitations.id,
  organizationId: invitations.organizationId,
  email: invitations.email,
  role: invitations.role,
  invitedBy: invitations.invitedBy,
  mailed: invitations.mailed,
  expiresAt: invitations.expiresAt,
  acceptedAt: invitations.acceptedAt,
  revokedAt: invitations.revokedAt,
  createdAt: invitations.createdAt,
};

const isPending = () => and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt));

export async function insertInvitation(
  db: Db,
  input: {
    id: string;
    organizationId: string;
    email: string;
    role: Role;
    tokenHash: string;
    tokenSealed: string | null;
    mailed: boolean;
    invitedBy: string;
    expiresAt: Date;
  },
): Promise<InvitationRecord> {
  const [row] = await db.insert(invitations).values(input).returning(recordColumns);
  return row!;
}

/** Revokes every pending invitation of the organization for this email; returns their ids. */
export async function revokePendingForEmail(db: Db, organizationId: string, email: string): Promise<string[]> {
  const rows = await db
    .update(invitations)
    .set({ revokedAt: sql`now()`, tokenSealed: null })
    .where(and(eq(invitations.organizationId, organizationId), eq(sql`lower(${invitations.email})`, email.toLowerCase()), isPending()))
    .returning({ id: invitations.id });
  return rows.map((r) => r.id);
}

/** Invitations that can still be accepted: not accepted, not revoked, not expired. Newest first. */
export async function listPendingInvitations(db: Db, organizationId: string): Promise<Invitation[]> {
  const rows = await db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      inviterId: users.id,
      inviterName: users.name,
      expiresAt: invitations.expiresAt,
      createdAt: invitations.createdAt,
    })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(eq(invitations.organizationId, organizationId), isPending(), gt(invitations.expiresAt, sql`now()`)))
    .orderBy(desc(invitations.createdAt), desc(invitations.id));
  return rows.map(({ inviterId, inviterName, ...rest }) => ({
    ...rest,
    invitedBy: inviterId !== null && inviterName !== null ? { id: inviterId, name: inviterName } : null,
  }));
}

export async function findInvitation(db: Db, organizationId: string, id: string): Promise<(InvitationRecord & { inviterName: string | null }) | undefined> {
  const [row] = await db
    .select({ ...recordColumns, inviterName: users.name })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(eq(invitations.id, id), eq(invitations.organizationId, organizationId)));
  return row;
}

export async function findInvitationByTokenHash(db: Db, tokenHash: string): Promise<InvitationByToken | undefined> {
  const [row] = await db
    .select({ ...recordColumns, organizationName: organizations.name, inviterName: users.name })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(eq(invitations.tokenHash, tokenHash));
  return row;
}

/** Gives a pending invitation a new token and expiry; the old link stops working at once. */
export async function reissueInvitation(
  db: Db,
  organizationId: string,
  id: string,
  next: { tokenHash: string; tokenSealed: string | null; mailed: boolean; expiresAt: Date },
): Promise<InvitationRecord | undefined> {
  const [row] = await db
    .update(invitations)
    .set(next)
    .where(and(eq(invitations.id, id), eq(invitations.organizationId, organizationId), isPending()))
    .returning(recordColumns);
  return row;
}

export async function revokeInvitation(db: Db, organizationId: string, id: string): Promise<InvitationRecord | undefined> {
  const [row] = await db
    .update(invitations)
    .set({ revokedAt: sql`now()`, tokenSealed: null })
    .where(and(eq(invitations.id, id), eq(invitations.organizationId, organizationId), isPending()))
    .returning(recordColumns);
  return row;
}

/**
 * Marks the invitation used, only if it is still pending and unexpired. The condition is in the UPDATE
 * itself, so of two concurrent accepts exactly one gets a row back.
 */
export async function markInvitationAccepted(db: Db, id: string, userId: string): Promise<boolean> {
  const rows = await db
    .update(invitations)
    .set({ acceptedAt: sql`now()`, acceptedBy: userId, tokenSealed: null })
    .where(and(eq(invitations.id, id), isPending(), gt(invitations.expiresAt, sql`now()`)))
    .returning({ id: invitations.id });
  return rows.length > 0;
}

/** What the invitation mail needs, while the invitation is pending, unexpired and not yet mailed. */
export async function findInvitationToMail(
  db: Db,
  id: string,
): Promise<{ email: string; role: Role; tokenSealed: string; expiresAt: Date; organizationName: string; inviterName: string | null } | undefined> {
  const [row] = await db
    .select({
      email: invitations.email,
      role: invitations.role,
      tokenSealed: invitations.tokenSealed,
      expiresAt: invitations.expiresAt,
      organizationName: organizations.name,
      inviterName: users.name,
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(eq(invitations.id, id), isPending(), gt(invitations.expiresAt, sql`now()`), isNotNull(invitations.tokenSealed)));
  return row && row.tokenSealed !== null ? { ...row, tokenSealed: row.tokenSealed } : undefined;
}

/** Drops the sealed token once the mail is out (only the one that was sent: a resend seals a new one). */
export async function forgetSealedInvitation(db: Db, id: string, sealed: string): Promise<void> {
  await db
    .update(invitations)
    .set({ tokenSealed: null })
    .where(and(eq(invitations.id, id), eq(invitations.tokenSealed, sealed)));
}
