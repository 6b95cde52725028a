import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { orgScope, publicAccess, requireScope, requireUser, userAccess } from '../../http/access.js';
import { ErrorSchema, errorResponses, IdParam, type App } from '../../http/types.js';
import { InvitationsService } from './invitations.service.js';
import {
  InvitationAcceptedSchema,
  InvitationCreateSchema,
  InvitationIssuedSchema,
  InvitationListSchema,
  InvitationPreviewSchema,
  InvitationTokenParam,
} from './schemas.js';

const tags = ['invitations'];

export async function invitationRoutes(app: App, ctx: AppContext): Promise<void> {
  const service = new InvitationsService(ctx);

  app.post('/orgs/:orgId/invitations', {
    config: { access: orgScope('members.invite') },
    schema: {
      tags,
      summary: 'Invite someone by email',
      description: 'Replaces a pending invitation for the same email. Only owners may invite as owner. `emailSent` is false when no SMTP is configured: pass `acceptUrl` on yourself.',
      params: IdParam('orgId'),
      body: InvitationCreateSchema,
      response: { 201: InvitationIssuedSchema, ...errorResponses },
    },
    handler: async (request, reply) => reply.status(201).send(await service.create(requireScope(request), requireUser(request), request.body)),
  });

  app.get('/orgs/:orgId/invitations', {
    config: { access: orgScope('invitations.read') },
    schema: { tags, summary: 'List pending invitations', params: IdParam('orgId'), response: { 200: InvitationListSchema, ...errorResponses } },
    handler: async (request) => ({ items: await service.list(requireScope(request).organizationId) }),
  });

  app.post('/orgs/:orgId/invitations/:invitationId/resend', {
    config: { access: orgScope('members.invite') },
    schema: {
      tags,
      summary: 'Resend an invitation with a new link',
      description: 'The previous link stops working; the expiry starts again.',
      params: IdParam('orgId', 'invitationId'),
      response: { 200: InvitationIssuedSchema, ...errorResponses },
    },
    handler: async (request) => service.resend(requireScope(request), requireUser(request), request.params.invitationId),
  });

  app.delete('/orgs/:orgId/invitations/:invitationId', {
    config: { access: orgScope('invitations.revoke') },
    schema: { tags, summary: 'Revoke an invitation', params: IdParam('orgId', 'invitationId'), response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await service.revoke(requireScope(request).organizationId, requireUser(request).id, request.params.invitationId);
      return reply.status(204).send(null);
    },
  });

  // The token is in the path: the request serializer (lib/logger.ts) redacts it from every log line.
  app.get('/invitations/:token', {
    config: { access: publicAccess },
    schema: {
      tags,
      summary: 'See an invitation from its link',
      params: InvitationTokenParam,
      response: { 200: InvitationPreviewSchema, ...errorResponses, 410: ErrorSchema },
    },
    handler: async (request) => service.preview(request.params.token),
  });

  app.post('/invitations/:token/accept', {
    config: { access: userAccess },
    schema: {
      tags,
      summary: 'Accept an invitation',
      description: 'The signed-in user’s email must be the invited one (403 invitation_email_mismatch).',
      params: InvitationTokenParam,
      response: { 200: InvitationAcceptedSchema, ...errorResponses, 410: ErrorSchema },
    },
    handler: async (request) => service.accept(requireUser(request), request.params.token),
  });
}
