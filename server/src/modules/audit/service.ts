import type { AppContext } from '../../context.js';
import { badRequest } from '../../lib/errors.js';
import { auditEntryExists, listAudit } from './repo.js';
import type { AuditList, AuditQuery } from './schemas.js';

/** Reading an organization's audit trail, newest first, a page at a time. */
export class AuditService {
  constructor(private readonly ctx: AppContext) {}

  async list(organizationId: string, query: AuditQuery): Promise<AuditList> {
    if (query.cursor && !(await auditEntryExists(this.ctx.db, organizationId, query.cursor))) {
      throw badRequest('invalid_cursor', 'cursor does not name an entry of this audit log', { in: 'querystring', fields: { cursor: 'Unknown cursor' } });
    }
    const items = await listAudit(this.ctx.db, organizationId, {
      before: query.before === undefined ? undefined : new Date(query.before),
      afterId: query.cursor,
      limit: query.limit,
    });
    const last = items.at(-1);
    return { items, nextCursor: items.length === query.limit && last ? last.id : null };
  }
}
