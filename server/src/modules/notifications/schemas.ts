import { z } from 'zod';

export const NotificationSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    workspaceId: z.uuid().nullable(),
    kind: z.enum(['channel_needs_reauth', 'post_needs_review', 'post_failed']),
    title: z.string(),
    body: z.string(),
    link: z.string().nullable().describe('A dashboard path to open'),
    readAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Notification' });

export const NotificationListQuerySchema = z.object({
  unreadOnly: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  before: z.iso.datetime({ offset: true }).optional().describe('Only notifications created before this instant (paging)'),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

export const NotificationListSchema = z.object({ items: z.array(NotificationSchema), unreadCount: z.number().int() }).meta({ id: 'NotificationList' });

export const MarkReadSchema = z.object({
  ids: z.array(z.uuid()).max(200).optional().describe('Notifications to mark read; omitted: all of them'),
});

export type Notification = z.infer<typeof NotificationSchema>;
