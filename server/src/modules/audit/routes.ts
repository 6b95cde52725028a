import type { AppContext } from '../../context.js';
import { orgScope, requireScope } from '../../http/access.js';
import { errorResponses, IdParam, type App } from '../../http/types.js';
import { AuditListSchema, AuditQuerySchema } from './schemas.js';
import { AuditService } from './service.js';

const tags = ['audit'];

export async function auditRoutes(app: App, ctx: AppContext): Promise<void> {
  const service = new AuditService(ctx);

  app.get('/orgs/:orgId/audit', {
    config: { access: orgScope('audit.read') },
    schema: {
      tags,
      summary: 'List the audit log',
      description: 'Newest first. Page with `cursor` (the previous page’s `nextCursor`) or bound with `before` (an ISO 8601 instant).',
      params: IdParam('orgId'),
      querystring: AuditQuerySchema,
      response: { 200: AuditListSchema, ...errorResponses },
    },
    handler: async (request) => service.list(requireScope(request).organizationId, request.query),
  });
}
