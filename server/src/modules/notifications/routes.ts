import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { requireUser, userAccess } from '../../http/access.js';
import { errorResponses, type App } from '../../http/types.js';
import * as repo from './repo.js';
import { MarkReadSchema, NotificationListQuerySchema, NotificationListSchema, type Notification } from './schemas.js';

const tags = ['notifications'];

/** The signed-in user's in-app notifications, across the organizations they belong to. */
export async function notificationRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get('/notifications', {
    config: { access: userAccess },
    schema: { tags, summary: 'List my notifications, newest first', querystring: NotificationListQuerySchema, response: { 200: NotificationListSchema, ...errorResponses } },
    handler: async (request) => {
      const user = requireUser(request);
      const { unreadOnly, before, limit } = request.query;
      const rows = await repo.listForUser(ctx.db, user.id, { unreadOnly, limit, before: before ? new Date(before) : undefined });
      return { items: rows.map(toNotification), unreadCount: await repo.countUnread(ctx.db, user.id) };
    },
  });

  app.post('/notifications/read', {
    config: { access: userAccess },
    schema: { tags, summary: 'Mark notifications read (all of them without `ids`)', body: MarkReadSchema, response: { 200: z.object({ updated: z.number().int() }), ...errorResponses } },
    handler: async (request) => ({ updated: await repo.markRead(ctx.db, requireUser(request).id, request.body.ids) }),
  });
}

function toNotification(row: repo.NotificationRow): Notification {
  return {
    id: row.id,
    organizationId: row.organizationId,
    workspaceId: row.workspaceId,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    readAt: row.readAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
