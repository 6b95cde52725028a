import { PassThrough } from 'node:stream';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { errorResponses, IdParam, type App } from '../../http/types.js';
import { workspaceScope } from '../workspaces/scope.js';
import { PostEventsHub, type HubMessage } from './hub.js';

const tags = ['events'];
/** A comment line this often keeps proxies and load balancers from closing an idle stream. */
const HEARTBEAT_MS = 25_000;

const EVENTS_DESCRIPTION = [
  'A server-sent event stream (`text/event-stream`) of the workspace’s post changes, for live dashboards.',
  'Events: `ready` (subscribed; refetch what you show, changes before this may be missed), `post` with',
  '`{"postId","status"}` whenever a post’s status is recomputed (scheduled, publishing, published, failed…),',
  'and `resync` (the server may have missed changes: refetch everything). Read it with `fetch` and the',
  'usual bearer token. The stream ends when the access token it was opened with would expire;',
  'reconnect with a fresh token.',
].join(' ');

/** Live updates: `GET /workspaces/{id}/events`, fed by PostgreSQL LISTEN/NOTIFY through PostEventsHub. */
export async function eventRoutes(app: App, ctx: AppContext): Promise<void> {
  const hub = new PostEventsHub(ctx.database, ctx.config.database.kind === 'postgres' ? ctx.config.database.url : null, ctx.logger);
  const open = new Map<PassThrough, { destroy(): void }>();
  // Open streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    // End each stream, and close its connection so the server's close does not wait on it.
    for (const [stream, connection] of open) {
      stream.end();
      connection.destroy();
    }
    await hub.close();
  });

  app.get('/workspaces/:workspaceId/events', {
    config: { access: workspaceScope('posts.read') },
    schema: {
      tags,
      summary: 'Stream the workspace’s post status changes (server-sent events)',
      description: EVENTS_DESCRIPTION,
      params: IdParam('workspaceId'),
      response: { 200: z.string().describe('text/event-stream'), ...errorResponses },
    },
    handler: async (request, reply) => {
      const stream = new PassThrough();
      const write = (event: string, data: unknown) => stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      const unsubscribe = await hub.subscribe(request.params.workspaceId, (message: HubMessage) => {
        if (message.kind === 'post') write('post', message.event);
        else write('resync', {});
      });
      open.set(stream, reply.raw);
      const heartbeat = setInterval(() => stream.write(': keep-alive\n\n'), HEARTBEAT_MS).unref();
      const lifetime = setTimeout(() => stream.end(), ctx.config.auth.accessTokenTtlSeconds * 1000).unref();
      let stopped = false;
      const stop = () => {
        if (stopped) return;
        stopped = true;
        clearInterval(heartbeat);
        clearTimeout(lifetime);
        unsubscribe();
        open.delete(stream);
        stream.end();
      };
      // The client went away (tab closed, navigation, network): stop listening for it.
      reply.raw.on('close', stop);
      stream.on('close', stop);
      stream.write('retry: 3000\n\n');
      write('ready', {});
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no')
        // A stream is piped as is; the declared string schema only documents the 200 for OpenAPI.
        .send(stream as unknown as string);
    },
  });
}
