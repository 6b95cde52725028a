import { z } from 'zod';
import { isSecureOrigin } from '../../config.js';
import type { AppContext } from '../../context.js';
import { publicAccess, requireScope, requireUser, scopedAccess, userAccess } from '../../http/access.js';
import { errorResponses, IdParam, type App } from '../../http/types.js';
import { ChannelListSchema } from '../channels/schemas.js';
import { workspaceScope } from '../workspaces/scope.js';
import { platformCatalog } from './platforms.js';
import { connectionOwner } from './repo.js';
import { CallbackQuerySchema, ConnectCompleteSchema, ConnectionSchema, ConnectStartSchema, PlatformListSchema, PlatformParam } from './schemas.js';
import { connectCookieName, ConnectionsService } from './service.js';

const tags = ['connections'];

const connectionScope = scopedAccess('channels.manage', { param: 'connectionId', resource: 'Connection', resolve: (db, id) => connectionOwner(db, id) });

/** The nonce cookie outlives the 10 minutes a consent may take, by nothing. */
const CONNECT_COOKIE_SECONDS = 10 * 60;

/** Connecting real platform accounts: the OAuth handshake and the account picker. */
export async function connectionRoutes(app: App, ctx: AppContext): Promise<void> {
  const service = new ConnectionsService(ctx);
  // Lax: it must come back on the platform's top-level redirect to the callback; only the callback reads it.
  const cookieAttributes = { path: '/api/v1/oauth/', httpOnly: true, sameSite: 'lax' as const, secure: isSecureOrigin(ctx.config) };

  app.get('/platforms', {
    config: { access: userAccess },
    schema: { tags, summary: 'Platforms, and whether this server can connect each', response: { 200: PlatformListSchema, ...errorResponses } },
    handler: async () => ({ items: platformCatalog(ctx) }),
  });

  app.post('/workspaces/:workspaceId/channels/connect/:platform', {
    config: { access: workspaceScope('channels.manage') },
    schema: {
      tags,
      summary: 'Start connecting accounts of a platform',
      description:
        "Returns the platform's consent URL and sets an httpOnly cookie binding the attempt to this browser: the callback refuses a state that comes back to another browser. Its `state` is single-use, bound to you and this workspace, and expires in 10 minutes; PKCE is used where the platform supports it. After consent the platform sends the browser to `/api/v1/oauth/{platform}/callback`, which leads to the dashboard's account picker.",
      params: PlatformParam,
      response: { 201: ConnectStartSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { browserNonce, ...started } = await service.start(requireScope(request).organizationId, request.params.workspaceId, requireUser(request).id, request.params.platform);
      void reply.setCookie(connectCookieName(started.id), browserNonce, { ...cookieAttributes, maxAge: CONNECT_COOKIE_SECONDS });
      return reply.status(201).send(started);
    },
  });

  app.get('/oauth/:platform/callback', {
    config: { access: publicAccess },
    schema: {
      tags,
      summary: 'OAuth redirect target (browser only)',
      description: 'Checks the state, exchanges the code and redirects (302) to the dashboard page of the connection attempt, which shows the accounts to choose or what went wrong.',
      params: z.object({ platform: z.string().min(1).max(40) }),
      querystring: CallbackQuerySchema,
    },
    handler: async (request, reply) => {
      const presented: string[] = [];
      const path = await service.callback(request.params.platform, request.query, (id) => {
        const name = connectCookieName(id);
        presented.push(name);
        return request.cookies[name] || undefined;
      });
      // Single use either way: the attempt is consumed, or this browser never had its cookie.
      for (const name of presented) void reply.clearCookie(name, cookieAttributes);
      return reply.redirect(`${ctx.config.publicUrl}${path}`, 302);
    },
  });

  app.get('/connections/:connectionId', {
    config: { access: connectionScope },
    schema: {
      tags,
      summary: 'A connection attempt you started, with the accounts you may pick',
      params: IdParam('connectionId'),
      response: { 200: ConnectionSchema, ...errorResponses },
    },
    handler: async (request) => service.get(requireScope(request).organizationId, requireUser(request).id, request.params.connectionId),
  });

  app.post('/connections/:connectionId/complete', {
    config: { access: connectionScope },
    schema: {
      tags,
      summary: 'Turn the chosen accounts into channels',
      description: 'An account that already is a channel of the workspace is reconnected (fresh tokens; its held posts are released).',
      params: IdParam('connectionId'),
      body: ConnectCompleteSchema,
      response: { 201: ChannelListSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const items = await service.complete(requireScope(request).organizationId, requireUser(request).id, request.params.connectionId, request.body.externalIds);
      return reply.status(201).send({ items });
    },
  });
}
