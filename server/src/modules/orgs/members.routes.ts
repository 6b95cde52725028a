import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { orgScope, requireScope, requireUser } from '../../http/access.js';
import { errorResponses, IdParam, type App } from '../../http/types.js';
import { MembersService } from './members.service.js';
import { MemberListSchema, MemberPasswordResetSchema, MemberSchema, MemberUpdateSchema } from './schemas.js';

const tags = ['members'];

export async function memberRoutes(app: App, ctx: AppContext): Promise<void> {
  const service = new MembersService(ctx);

  app.get('/orgs/:orgId/members', {
    config: { access: orgScope('members.read') },
    schema: { tags, summary: 'List members', params: IdParam('orgId'), response: { 200: MemberListSchema, ...errorResponses } },
    handler: async (request) => ({ items: await service.list(requireScope(request).organizationId) }),
  });

  // Static `/me` wins over `/:userId` in the router; any member may leave, so it has its own action.
  app.delete('/orgs/:orgId/members/me', {
    config: { access: orgScope('org.leave') },
    schema: { tags, summary: 'Leave an organization', params: IdParam('orgId'), response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await service.leave(requireScope(request).organizationId, requireUser(request).id);
      return reply.status(204).send(null);
    },
  });

  app.patch('/orgs/:orgId/members/:userId', {
    config: { access: orgScope('members.update') },
    schema: {
      tags,
      summary: 'Change a member’s role',
      description: 'Only an owner grants or removes the owner role; an admin cannot change their own role; the last owner cannot be demoted (409 last_owner).',
      params: IdParam('orgId', 'userId'),
      body: MemberUpdateSchema,
      response: { 200: MemberSchema, ...errorResponses },
    },
    handler: async (request) =>
      service.changeRole(requireScope(request).organizationId, requireUser(request).id, request.params.userId, request.body.role),
  });

  app.delete('/orgs/:orgId/members/:userId', {
    config: { access: orgScope('members.remove') },
    schema: {
      tags,
      summary: 'Remove a member',
      description: 'Admins cannot remove owners; the last owner cannot be removed (409 last_owner). To leave, use `DELETE /orgs/{orgId}/members/me`.',
      params: IdParam('orgId', 'userId'),
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await service.remove(requireScope(request).organizationId, requireUser(request).id, request.params.userId);
      return reply.status(204).send(null);
    },
  });

  app.post('/orgs/:orgId/members/:userId/password-reset', {
    config: { access: orgScope('members.reset_password') },
    schema: {
      tags,
      summary: 'Create a one-time password reset link for a member (servers without mail)',
      description:
        'Owners only. For the owner to hand over: Herald never sets or shows a password. 409 `mail_configured` when SMTP is set (the member resets their own); 403 when the member also belongs to an organization the caller does not own.',
      params: IdParam('orgId', 'userId'),
      response: { 201: MemberPasswordResetSchema, ...errorResponses },
    },
    handler: async (request, reply) =>
      reply.status(201).send(await service.issueResetLink(requireScope(request).organizationId, requireUser(request).id, request.params.userId)),
  });
}
