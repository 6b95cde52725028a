import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { orgScope, requireScope, requireUser, userAccess } from '../../http/access.js';
import { errorResponses, IdParam, type App } from '../../http/types.js';
import { auditRoutes } from '../audit/routes.js';
import { invitationRoutes } from './invitations.routes.js';
import { memberRoutes } from './members.routes.js';
import { OrgCreateSchema, OrgDetailSchema, OrgListSchema, OrgSchema, OrgUpdateSchema } from './schemas.js';
import { OrgsService } from './service.js';

const tags = ['organizations'];

/** Organizations, their members, invitations and audit log. */
export async function orgRoutes(app: App, ctx: AppContext): Promise<void> {
  const service = new OrgsService(ctx);

  app.post('/orgs', {
    config: { access: userAccess },
    schema: { tags, summary: 'Create an organization (you become its owner)', body: OrgCreateSchema, response: { 201: OrgSchema, ...errorResponses } },
    handler: async (request, reply) => reply.status(201).send(await service.create(requireUser(request).id, request.body)),
  });

  app.get('/orgs', {
    config: { access: userAccess },
    schema: { tags, summary: 'List your organizations', response: { 200: OrgListSchema, ...errorResponses } },
    handler: async (request) => ({ items: await service.listFor(requireUser(request).id) }),
  });

  app.get('/orgs/:orgId', {
    config: { access: orgScope('org.read') },
    schema: { tags, summary: 'Get an organization with your role and permissions', params: IdParam('orgId'), response: { 200: OrgDetailSchema, ...errorResponses } },
    handler: async (request) => {
      const scope = requireScope(request);
      return service.get(scope.organizationId, scope.role);
    },
  });

  app.patch('/orgs/:orgId', {
    config: { access: orgScope('org.update') },
    schema: { tags, summary: 'Rename an organization', params: IdParam('orgId'), body: OrgUpdateSchema, response: { 200: OrgSchema, ...errorResponses } },
    handler: async (request) => {
      const scope = requireScope(request);
      return service.rename(scope.organizationId, requireUser(request).id, scope.role, request.body);
    },
  });

  app.delete('/orgs/:orgId', {
    config: { access: orgScope('org.delete') },
    schema: { tags, summary: 'Delete an organization and everything in it', params: IdParam('orgId'), response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await service.remove(requireScope(request).organizationId, requireUser(request).id);
      return reply.status(204).send(null);
    },
  });

  await memberRoutes(app, ctx);
  await invitationRoutes(app, ctx);
  await auditRoutes(app, ctx);
}
