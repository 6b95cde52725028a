import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { oauthConnections, type ConnectionStatus } from '../../db/schema-connections.js';

export type ConnectionRow = typeof oauthConnections.$inferSelect;

export async function insertConnection(db: Db, row: typeof oauthConnections.$inferInsert): Promise<ConnectionRow> {
  const [created] = await db.insert(oauthConnections).values(row).returning();
  return created!;
}

/**
 * Consumes an OAuth `state`: the one conditional UPDATE that makes it single-use. Only a pending,
 * unexpired attempt of this platform matches; it leaves `pending` at once, so a replayed callback finds
 * nothing. Returns the row as it was claimed.
 */
export async function consumeState(db: Db, platform: string, stateHash: string, now: Date): Promise<ConnectionRow | undefined> {
  const [row] = await db
    .update(oauthConnections)
    .set({ status: 'exchanging', updatedAt: now })
    .where(and(eq(oauthConnections.stateHash, stateHash), eq(oauthConnections.platform, platform), eq(oauthConnections.status, 'pending'), gt(oauthConnections.expiresAt, now)))
    .returning();
  return row;
}

/** Whether a state belongs to an attempt at all (to tell "expired or used" from "never issued"). */
export async function findByState(db: Db, stateHash: string): Promise<ConnectionRow | undefined> {
  const [row] = await db.select().from(oauthConnections).where(eq(oauthConnections.stateHash, stateHash));
  return row;
}

export async function findConnection(db: Db, organizationId: string, id: string): Promise<ConnectionRow | undefined> {
  const [row] = await db.select().from(oauthConnections).where(and(eq(oauthConnections.id, id), eq(oauthConnections.organizationId, organizationId)));
  return row;
}

export async function connectionOwner(db: Db, id: string): Promise<{ organizationId: string; workspaceId: string } | null> {
  const [row] = await db.select({ organizationId: oauthConnections.organizationId, workspaceId: oauthConnections.workspaceId }).from(oauthConnections).where(eq(oauthConnections.id, id));
  return row ?? null;
}

export async function updateConnection(
  db: Db,
  id: string,
  from: ConnectionStatus,
  patch: { status: ConnectionStatus; secret?: string; error?: string | null; expiresAt?: Date },
): Promise<ConnectionRow | undefined> {
  const [row] = await db
    .update(oauthConnections)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(oauthConnections.id, id), eq(oauthConnections.status, from)))
    .returning();
  return row;
}

/** Forgets finished and abandoned attempts (their encrypted tokens with them). */
export async function deleteStaleConnections(db: Db, before: Date): Promise<number> {
  const rows = await db.delete(oauthConnections).where(lt(oauthConnections.expiresAt, before)).returning({ id: oauthConnections.id });
  return rows.length;
}
