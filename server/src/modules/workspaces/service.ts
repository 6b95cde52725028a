import type { AppContext } from '../../context.js';
import { notFound } from '../../lib/errors.js';
import { queueMediaPurge } from '../media/purge.js';
import { recordAudit } from '../audit/repo.js';
import * as repo from './repo.js';
import type { Workspace, WorkspaceCreate, WorkspaceUpdate } from './schemas.js';

/** Workspaces are brands or clients inside an organization. Callers pass an already-authorised scope. */
export class WorkspacesService {
  constructor(private readonly ctx: AppContext) {}

  async create(organizationId: string, actorId: string, input: WorkspaceCreate): Promise<Workspace> {
    return this.ctx.db.transaction(async (tx) => {
      const ws = await repo.insertWorkspace(tx, organizationId, input);
      await recordAudit(tx, { organizationId, actorId, action: 'workspace.created', subjectType: 'workspace', subjectId: ws.id, data: { name: ws.name } });
      return ws;
    });
  }

  list(organizationId: string): Promise<Workspace[]> {
    return repo.listWorkspaces(this.ctx.db, organizationId);
  }

  async get(organizationId: string, id: string): Promise<Workspace> {
    const ws = await repo.findWorkspace(this.ctx.db, organizationId, id);
    if (!ws) throw notFound('Workspace');
    return ws;
  }

  async update(organizationId: string, actorId: string, id: string, patch: WorkspaceUpdate): Promise<Workspace> {
    return this.ctx.db.transaction(async (tx) => {
      const ws = await repo.updateWorkspace(tx, organizationId, id, patch);
      if (!ws) throw notFound('Workspace');
      await recordAudit(tx, { organizationId, actorId, action: 'workspace.updated', subjectType: 'workspace', subjectId: id, data: { fields: Object.keys(patch) } });
      return ws;
    });
  }

  async remove(organizationId: string, actorId: string, id: string): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      const ws = await repo.findWorkspace(tx, organizationId, id);
      if (!ws) throw notFound('Workspace');
      await queueMediaPurge(this.ctx, tx, organizationId, id);
      await repo.deleteWorkspace(tx, organizationId, id);
      await recordAudit(tx, { organizationId, actorId, action: 'workspace.deleted', subjectType: 'workspace', subjectId: id, data: { name: ws.name } });
    });
  }
}
