import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { orgScope, requireScope, requireUser } from '../../http/access.js';
import { errorResponses, IdParam, type App } from '../../http/types.js';
import { WorkspaceCreateSchema, WorkspaceListSchema, WorkspaceSchema, WorkspaceUpdateSchema } from './schemas.js';
import { workspaceScope } from './scope.js';
import { WorkspacesService } from './service.js';

const tags = ['workspaces'];

export async function workspaceRoutes(app: App, ctx: AppContext): Promise<void> {
  const service = new WorkspacesService(ctx);

  app.post('/orgs/:orgId/workspaces', {
    config: { access: orgScope('workspaces.create') },
    schema: { tags, summary: 'Create a workspace', params: IdParam('orgId'), body: WorkspaceCreateSchema, response: { 201: WorkspaceSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const ws = await service.create(requireScope(request).organizationId, requireUser(request).id, request.body);
      return reply.status(201).send(ws);
    },
  });

  app.get('/orgs/:orgId/workspaces', {
    config: { access: orgScope('workspaces.read') },
    schema: { tags, summary: 'List workspaces', params: IdParam('orgId'), response: { 200: WorkspaceListSchema, ...errorResponses } },
    handler: async (request) => ({ items: await service.list(requireScope(request).organizationId) }),
  });

  app.get('/workspaces/:workspaceId', {
    config: { access: workspaceScope('workspaces.read') },
    schema: { tags, summary: 'Get a workspace', params: IdParam('workspaceId'), response: { 200: WorkspaceSchema, ...errorResponses } },
    handler: async (request) => service.get(requireScope(request).organizationId, request.params.workspaceId),
  });

  app.patch('/workspaces/:workspaceId', {
    config: { access: workspaceScope('workspaces.update') },
    schema: { tags, summary: 'Update a workspace', params: IdParam('workspaceId'), body: WorkspaceUpdateSchema, response: { 200: WorkspaceSchema, ...errorResponses } },
    handler: async (request) => service.update(requireScope(request).organizationId, requireUser(request).id, request.params.workspaceId, request.body),
  });

  app.delete('/workspaces/:workspaceId', {
    config: { access: workspaceScope('workspaces.delete') },
    schema: { tags, summary: 'Delete a workspace', params: IdParam('workspaceId'), response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await service.remove(requireScope(request).organizationId, requireUser(request).id, request.params.workspaceId);
      return reply.status(204).send(null);
    },
  });
}
