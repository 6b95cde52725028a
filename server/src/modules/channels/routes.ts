import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { requireScope, requireUser } from '../../http/access.js';
import { errorResponses, IdParam, type App } from '../../http/types.js';
import { workspaceScope } from '../workspaces/scope.js';
import {
  ChannelHealthSchema,
  ChannelListQuerySchema,
  ChannelListSchema,
  ChannelSchema,
  ChannelUpdateSchema,
  SandboxChannelCreateSchema,
  SandboxFeedQuerySchema,
  SandboxFeedSchema,
  SlotsReplaceSchema,
  SlotsSchema,
} from './schemas.js';
import { channelHealth } from './health.js';
import { channelScope } from './scope.js';
import { ChannelsService } from './service.js';

const tags = ['channels'];

/** Connected social accounts of a workspace, the sandbox channel and posting slots. */
export async function channelRoutes(app: App, ctx: AppContext): Promise<void> {
  const service = new ChannelsService(ctx);

  app.get('/workspaces/:workspaceId/channels', {
    config: { access: workspaceScope('channels.read') },
    schema: {
      tags,
      summary: "List a workspace's channels",
      description: 'Connected channels (active or needing re-authorisation) by name; `includeDisconnected=true` adds disconnected ones, whose posts keep their history.',
      params: IdParam('workspaceId'),
      querystring: ChannelListQuerySchema,
      response: { 200: ChannelListSchema, ...errorResponses },
    },
    handler: async (request) => ({
      items: await service.list(requireScope(request).organizationId, request.params.workspaceId, { includeDisconnected: request.query.includeDisconnected }),
    }),
  });

  app.post('/workspaces/:workspaceId/channels/sandbox', {
    config: { access: workspaceScope('channels.manage') },
    schema: {
      tags,
      summary: 'Connect a sandbox channel',
      description: 'The sandbox is a practice platform built into Herald: what it receives shows in the channel’s sandbox feed.',
      params: IdParam('workspaceId'),
      body: SandboxChannelCreateSchema,
      response: { 201: ChannelSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const channel = await service.createSandbox(requireScope(request).organizationId, request.params.workspaceId, requireUser(request).id, request.body.name);
      return reply.status(201).send(channel);
    },
  });

  app.get('/channels/:channelId', {
    config: { access: channelScope('channels.read') },
    schema: { tags, summary: 'Get a channel (disconnected ones included)', params: IdParam('channelId'), response: { 200: ChannelSchema, ...errorResponses } },
    handler: async (request) => service.get(requireScope(request).organizationId, request.params.channelId),
  });

  app.patch('/channels/:channelId', {
    config: { access: channelScope('channels.manage') },
    schema: { tags, summary: 'Rename a channel', params: IdParam('channelId'), body: ChannelUpdateSchema, response: { 200: ChannelSchema, ...errorResponses } },
    handler: async (request) => service.rename(requireScope(request).organizationId, requireUser(request).id, request.params.channelId, request.body.name),
  });

  app.delete('/channels/:channelId', {
    config: { access: channelScope('channels.manage') },
    schema: {
      tags,
      summary: 'Disconnect a channel (idempotent: 204 again for an already disconnected channel)',
      description:
        'Soft disconnect: the stored credentials are erased and the channel stops publishing, but it stays listed with `includeDisconnected=true` so its posts keep their history. Its posting slots are removed.',
      params: IdParam('channelId'),
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await service.disconnect(requireScope(request).organizationId, requireUser(request).id, request.params.channelId);
      return reply.status(204).send(null);
    },
  });

  app.put('/channels/:channelId/slots', {
    config: { access: channelScope('channels.manage') },
    schema: {
      tags,
      summary: "Replace a channel's weekly posting slots",
      description: "Times are wall-clock `HH:MM` in the workspace's time zone; weekday 1 = Monday … 7 = Sunday. Duplicates merge; at most 100 slots. A disconnected channel answers 409.",
      params: IdParam('channelId'),
      body: SlotsReplaceSchema,
      response: { 200: SlotsSchema, ...errorResponses },
    },
    handler: async (request) => service.replaceSlots(requireScope(request).organizationId, requireUser(request).id, request.params.channelId, request.body.slots),
  });

  app.get('/channels/:channelId/sandbox/feed', {
    config: { access: channelScope('channels.read') },
    schema: {
      tags,
      summary: 'What the sandbox received for this channel',
      description: 'Newest first. Page with `cursor` (the previous page’s `nextCursor`). Channels of other platforms answer 400 `not_sandbox`.',
      params: IdParam('channelId'),
      querystring: SandboxFeedQuerySchema,
      response: { 200: SandboxFeedSchema, ...errorResponses },
    },
    handler: async (request) => service.sandboxFeed(requireScope(request).organizationId, request.params.channelId, request.query),
  });

  app.get('/workspaces/:workspaceId/channels/health', {
    config: { access: workspaceScope('channels.read') },
    schema: {
      tags,
      summary: "Token state of the workspace's channels",
      params: IdParam('workspaceId'),
      response: { 200: ChannelHealthSchema, ...errorResponses },
    },
    handler: async (request) => ({ items: await channelHealth(ctx, requireScope(request).organizationId, request.params.workspaceId) }),
  });
}
