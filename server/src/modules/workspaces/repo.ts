import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { workspaces } from '../../db/schema.js';
import type { Workspace, WorkspaceCreate, WorkspaceUpdate } from './schemas.js';

export async function insertWorkspace(db: Db, organizationId: string, input: WorkspaceCreate): Promise<Workspace> {
  const [row] = await db.insert(workspaces).values({ organizationId, ...input }).returning();
  return row!;
}

export async function listWorkspaces(db: Db, organizationId: string): Promise<Workspace[]> {
  return db.select().from(workspaces).where(eq(workspaces.organizationId, organizationId)).orderBy(asc(workspaces.name), asc(workspaces.createdAt));
}

export async function findWorkspace(db: Db, organizationId: string, id: string): Promise<Workspace | undefined> {
  const [row] = await db.select().from(workspaces).where(and(eq(workspaces.id, id), eq(workspaces.organizationId, organizationId)));
  return row;
}

/** The organization owning a workspace, for access control; null when the workspace does not exist. */
export async function workspaceOrganization(db: Db, id: string): Promise<string | null> {
  const [row] = await db.select({ organizationId: workspaces.organizationId }).from(workspaces).where(eq(workspaces.id, id));
  return row?.organizationId ?? null;
}

export async function updateWorkspace(db: Db, organizationId: string, id: string, patch: WorkspaceUpdate): Promise<Workspace | undefined> {
  const [row] = await db
    .update(workspaces)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(workspaces.id, id), eq(workspaces.organizationId, organizationId)))
    .returning();
  return row;
}

export async function deleteWorkspace(db: Db, organizationId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(workspaces)
    .where(and(eq(workspaces.id, id), eq(workspaces.organizationId, organizationId)))
    .returning({ id: workspaces.id });
  return rows.length > 0;
}
