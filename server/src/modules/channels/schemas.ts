import { z } from 'zod';
import { PLATFORMS } from '../../integrations/social/provider.js';

/** `HH:MM` on a 24-hour clock, 00:00 to 23:59. */
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

export const ChannelStatusSchema = z.enum(['active', 'needs_reauth', 'disconnected']);

const ChannelName = z.string().trim().min(1, 'Name is required').max(100, 'Name is at most 100 characters');

export const PostingSlotSchema = z
  .object({
    weekday: z.number().int('weekday must be a whole number').min(1, 'weekday is 1 (Monday) to 7 (Sunday)').max(7, 'weekday is 1 (Monday) to 7 (Sunday)'),
    time: z.string().regex(TIME_OF_DAY, 'time must be HH:MM between 00:00 and 23:59'),
  })
  .meta({
    id: 'PostingSlot',
    description: "A weekly posting time: ISO weekday (1 = Monday … 7 = Sunday) and a wall-clock time in the WORKSPACE's time zone.",
  });
export type PostingSlot = z.infer<typeof PostingSlotSchema>;

export const SlotsReplaceSchema = z
  .object({
    slots: z.array(PostingSlotSchema).max(100, 'At most 100 posting slots'),
  })
  .meta({ description: "Replaces all of a channel's posting slots. Times are in the workspace's time zone; duplicates are merged." });
export type SlotsReplace = z.infer<typeof SlotsReplaceSchema>;

export const SlotsSchema = z.object({ slots: z.array(PostingSlotSchema) });

export const ChannelRulesSchema = z
  .object({
    textMax: z.number().int(),
    /** How the platform counts text: code points, UTF-16 units, or X's weighted count. */
    textCounting: z.enum(['code-points', 'utf16', 'x-weighted']),
    mediaRequired: z.boolean(),
    maxImages: z.number().int(),
    maxVideos: z.number().int(),
  })
  .meta({ id: 'ChannelRules' });

export const ChannelSchema = z
  .object({
    id: z.uuid(),
    workspaceId: z.uuid(),
    platform: z.enum(PLATFORMS),
    kind: z.string(),
    name: z.string(),
    username: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    status: ChannelStatusSchema,
    /** Why the channel needs re-authorisation (the platform's message), when it does. */
    statusReason: z.string().nullable(),
    tokenExpiresAt: z.date().nullable(),
    isSandbox: z.boolean(),
    rules: ChannelRulesSchema,
    /** Sorted by weekday then time; in the workspace's time zone. */
    slots: z.array(PostingSlotSchema),
    createdAt: z.date(),
  })
  .meta({ id: 'Channel' });
export type Channel = z.infer<typeof ChannelSchema>;

export const ChannelListSchema = z.object({ items: z.array(ChannelSchema) });

export const ChannelListQuerySchema = z.object({
  /** Also list disconnected channels (their posts' history still points at them). */
  includeDisconnected: z.stringbool({ error: 'includeDisconnected must be true or false' }).default(false),
});

export const SandboxChannelCreateSchema = z.object({ name: ChannelName });
export type SandboxChannelCreate = z.infer<typeof SandboxChannelCreateSchema>;

export const ChannelUpdateSchema = z.object({ name: ChannelName });
export type ChannelUpdate = z.infer<typeof ChannelUpdateSchema>;

export const SandboxFeedQuerySchema = z.object({
  limit: z.coerce.number().int('limit must be a whole number').min(1, 'limit is 1 to 100').max(100, 'limit is 1 to 100').default(20),
  cursor: z.uuid({ message: 'cursor must be the nextCursor of a previous page' }).optional(),
});
export type SandboxFeedQuery = z.infer<typeof SandboxFeedQuerySchema>;

export const SandboxFeedItemSchema = z
  .object({
    id: z.uuid(),
    text: z.string(),
    media: z.array(z.object({ kind: z.string(), mime: z.string(), url: z.string(), sizeBytes: z.number() })),
    idempotencyKey: z.string(),
    createdAt: z.date(),
  })
  .meta({ id: 'SandboxFeedItem' });

export const SandboxFeedSchema = z.object({
  items: z.array(SandboxFeedItemSchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: z.uuid().nullable(),
});
export type SandboxFeed = z.infer<typeof SandboxFeedSchema>;

/** Token state of each live channel (the credentials lifecycle this module owns). */
export const ChannelHealthSchema = z
  .object({
    items: z.array(
      z.object({
        channelId: z.uuid(),
        name: z.string(),
        platform: z.enum(PLATFORMS),
        status: z.enum(['active', 'needs_reauth', 'disconnected']),
        statusReason: z.string().nullable(),
        tokenState: z.enum(['valid', 'expiring', 'expired', 'no_expiry', 'needs_reauth']).describe('`expiring`: within 7 days (Herald refreshes these on its own where the platform allows)'),
        tokenExpiresAt: z.date().nullable(),
        tokenRefreshedAt: z.date().nullable(),
        canRefresh: z.boolean().describe('Herald can renew the token without the user'),
      }),
    ),
  })
  .meta({ id: 'ChannelHealth' });
