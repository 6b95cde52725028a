import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { actionsOf, type Role } from '../../http/permissions.js';
import { notFound } from '../../lib/errors.js';
import { queueMediaPurge } from '../media/purge.js';
import { recordAudit } from '../audit/repo.js';
import * as repo from './repo.js';
import type { Org, OrgCreate, OrgDetail, OrgUpdate } from './schemas.js';

/** Organizations: the tenant. Callers of the scoped use-cases pass an already-authorised organization. */
export class OrgsService {
  constructor(private readonly ctx: AppContext) {}

  /** Creates an organization whose first member, its owner, is the creator. */
  async create(actorId: string, input: OrgCreate): Promise<Org> {
    return this.ctx.db.transaction((tx) => createOrganizationWithOwner(tx, actorId, input.name));
  }

  listFor(userId: string): Promise<Org[]> {
    return repo.listOrganizationsOf(this.ctx.db, userId);
  }

  async get(organizationId: string, role: Role): Promise<OrgDetail> {
    const org = await repo.findOrganization(this.ctx.db, organizationId);
    if (!org) throw notFound('Organization');
    return { ...org, role, permissions: actionsOf(role) };
  }

  async rename(organizationId: string, actorId: string, role: Role, input: OrgUpdate): Promise<Org> {
    return this.ctx.db.transaction(async (tx) => {
      const before = await repo.findOrganization(tx, organizationId);
      if (!before) throw notFound('Organization');
      const org = await repo.renameOrganization(tx, organizationId, input.name);
      if (!org) throw notFound('Organization');
      if (before.name !== org.name) {
        await recordAudit(tx, { organizationId, actorId, action: 'organization.renamed', subjectType: 'organization', subjectId: organizationId, data: { from: before.name, to: org.name } });
      }
      return { ...org, role };
    });
  }

  /**
   * Deletes the organization and everything it owns. Its audit trail goes with it, so the deletion
   * itself is recorded in the operator's log.
   */
  async remove(organizationId: string, actorId: string): Promise<void> {
    const deleted = await this.ctx.db.transaction(async (tx) => {
      await queueMediaPurge(this.ctx, tx, organizationId);
      const deleted = await repo.deleteOrganization(tx, organizationId);
      if (deleted) await this.ctx.accessCache.changed(tx, { kind: 'org', id: organizationId });
      return deleted;
    });
    if (!deleted) throw notFound('Organization');
    this.ctx.logger.info({ organizationId, actorId }, 'organization deleted');
  }
}

/**
 * Creates an organization owned by `ownerId` inside the caller's transaction (also used by first-run
 * setup), with its audit entry.
 */
export async function createOrganizationWithOwner(tx: Db, ownerId: string, name: string, via?: string): Promise<Org> {
  const org = await repo.insertOrganization(tx, name);
  await repo.insertMembership(tx, { organizationId: org.id, userId: ownerId, role: 'owner' });
  await recordAudit(tx, {
    organizationId: org.id,
    actorId: ownerId,
    action: 'organization.created',
    subjectType: 'organization',
    subjectId: org.id,
    data: via ? { name: org.name, via } : { name: org.name },
  });
  return { ...org, role: 'owner' as const };
}
