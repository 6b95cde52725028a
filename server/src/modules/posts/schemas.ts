import { z } from 'zod';
import type { AttemptOutcome, PostStatus, TargetErrorKind, TargetStatus } from '../../db/schema.js';
import { PLATFORMS } from '../../integrations/social/provider.js';
import { ChannelStatusSchema } from '../channels/schemas.js';

const Text = z.string().max(70_000, 'Text is longer than any platform accepts');
const MediaIds = z.array(z.uuid()).max(35, 'At most 35 media items');
/**
 * An instant: an ISO 8601 date-time with `Z` or an offset, seconds (and fractions) optional, since
 * date-time pickers give minutes. A local time without a zone is refused: it names no instant.
 */
const When = z
  .union([z.iso.datetime({ offset: true }), z.iso.datetime({ offset: true, precision: -1 })], {
    error: 'Must be an ISO 8601 date-time with a time zone, e.g. 2026-12-01T09:30+05:30 or 2026-12-01T04:00:00Z',
  })
  .meta({ description: 'ISO 8601 date-time with `Z` or an offset; seconds are optional, e.g. `2026-12-01T09:30+05:30`.' })
  .transform((v) => new Date(v));

export const TargetInputSchema = z.object({
  channelId: z.uuid(),
  /** Replaces the post's text on this channel; omit to use the post's. */
  text: Text.optional(),
  /** Replaces the post's media on this channel; omit to use the post's. */
  mediaIds: MediaIds.optional(),
});
export type TargetInput = z.infer<typeof TargetInputSchema>;

const ContentFields = {
  text: Text,
  channelIds: z
    .array(z.uuid())
    .min(1, 'Pick at least one channel')
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, 'A channel is listed twice'),
  mediaIds: MediaIds,
  targets: z.array(TargetInputSchema).max(50),
};

function targetsWithinChannels(v: { channelIds?: string[] | undefined; targets?: TargetInput[] | undefined }): boolean {
  if (!v.targets || !v.channelIds) return true;
  return v.targets.every((t) => v.channelIds!.includes(t.channelId));
}

export const PostCreateSchema = z
  .object({
    text: ContentFields.text.default(''),
    channelIds: ContentFields.channelIds,
    mediaIds: ContentFields.mediaIds.default([]),
    targets: ContentFields.targets.default([]),
    scheduledAt: When.optional(),
    publishNow: z.boolean().optional(),
  })
  .refine((v) => !(v.scheduledAt && v.publishNow), { message: 'Give scheduledAt or publishNow, not both', path: ['publishNow'] })
  .refine(targetsWithinChannels, { message: 'Every target must be one of channelIds', path: ['targets'] });
export type PostCreate = z.infer<typeof PostCreateSchema>;

export const PostUpdateSchema = z
  .object({
    text: ContentFields.text,
    channelIds: ContentFields.channelIds,
    mediaIds: ContentFields.mediaIds,
    targets: ContentFields.targets,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to update' })
  .refine(targetsWithinChannels, { message: 'Every target must be one of channelIds', path: ['targets'] });
export type PostUpdate = z.infer<typeof PostUpdateSchema>;

export const ScheduleSchema = z.object({ scheduledAt: When });
export type Schedule = z.infer<typeof ScheduleSchema>;

export const PostPreviewSchema = z.object({
  text: ContentFields.text.default(''),
  channelIds: ContentFields.channelIds,
  mediaIds: ContentFields.mediaIds.default([]),
  targets: ContentFields.targets.default([]),
});
export type PostPreview = z.infer<typeof PostPreviewSchema>;

// The values the database holds; a value missing here fails the type check where rows become responses.
const POST_STATUSES = ['draft', 'scheduled', 'publishing', 'published', 'partially_published', 'failed', 'needs_attention', 'deleted'] as const satisfies readonly PostStatus[];
const TARGET_STATUSES = ['draft', 'scheduled', 'publishing', 'retrying', 'published', 'failed', 'needs_reauth', 'needs_review', 'deleted'] as const satisfies readonly TargetStatus[];
const ATTEMPT_OUTCOMES = [
  'published',
  'transient',
  'rate_limited',
  'auth_expired',
  'rejected',
  'unknown_outcome',
  'reconciled',
  'abandoned',
] as const satisfies readonly AttemptOutcome[];
const TARGET_ERROR_KINDS = ['auth_expired', 'rate_limited', 'transient', 'rejected', 'unknown_outcome'] as const satisfies readonly TargetErrorKind[];

const PlatformSchema = z.enum(PLATFORMS);

export const PostListQuerySchema = z.object({
  status: z.enum(POST_STATUSES).optional(),
  channelId: z.uuid().optional(),
  from: When.optional(),
  to: When.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type PostListQuery = z.infer<typeof PostListQuerySchema>;

export const CalendarQuerySchema = z
  .object({
    from: z.iso.date({ message: 'Must be a date, YYYY-MM-DD' }),
    to: z.iso.date({ message: 'Must be a date, YYYY-MM-DD' }),
    /** At most this many posts per day (the earliest); each day still gives its total. Omit for all. */
    perDay: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .refine((v) => v.from <= v.to, { message: 'from must not be after to', path: ['to'] });
export type CalendarQuery = z.infer<typeof CalendarQuerySchema>;

export const RuleCheckSchema = z
  .object({
    channelId: z.uuid(),
    platform: PlatformSchema,
    textLength: z.number(),
    textMax: z.number(),
    errors: z.array(z.object({ rule: z.string(), message: z.string(), mediaId: z.string().optional() })),
    adaptations: z.array(z.object({ mediaId: z.string(), reasons: z.array(z.string()) })),
  })
  .meta({ id: 'RuleCheck' });

export const TargetErrorSchema = z
  .object({
    /** Which way the attempt went wrong; see the publish flow in docs/ARCHITECTURE.md. */
    kind: z.enum(TARGET_ERROR_KINDS),
    /** The platform's own message where it gave one. */
    message: z.string(),
    platformCode: z.string().optional(),
  })
  .meta({ id: 'TargetError' });

export const TargetSchema = z
  .object({
    id: z.uuid(),
    channelId: z.uuid(),
    channel: z.object({ id: z.uuid(), name: z.string(), platform: PlatformSchema, status: ChannelStatusSchema }),
    /** The text this channel gets (override or the post's). */
    text: z.string(),
    textOverride: z.string().nullable(),
    mediaIds: z.array(z.uuid()),
    mediaOverride: z.boolean(),
    status: z.enum(TARGET_STATUSES),
    scheduledAt: z.date().nullable(),
    nextAttemptAt: z.date().nullable(),
    publishedAt: z.date().nullable(),
    platformPostId: z.string().nullable(),
    permalink: z.string().nullable(),
    lastError: TargetErrorSchema.nullable(),
    attemptCount: z.number(),
  })
  .meta({ id: 'PostTarget' });

export const PostSchema = z
  .object({
    id: z.uuid(),
    workspaceId: z.uuid(),
    text: z.string(),
    mediaIds: z.array(z.uuid()),
    status: z.enum(POST_STATUSES),
    scheduledAt: z.date().nullable(),
    publishedAt: z.date().nullable(),
    createdBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    createdAt: z.date(),
    updatedAt: z.date(),
    targets: z.array(TargetSchema),
  })
  .meta({ id: 'Post' });
export type Post = z.infer<typeof PostSchema>;
export type Target = z.infer<typeof TargetSchema>;

export const AttemptSchema = z.object({
  id: z.uuid(),
  targetId: z.uuid(),
  attemptNo: z.number(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  /** Null while the call is in flight (or its worker died before finishing it). */
  outcome: z.enum(ATTEMPT_OUTCOMES).nullable(),
  errorMessage: z.string().nullable(),
  platformCode: z.string().nullable(),
});
export type Attempt = z.infer<typeof AttemptSchema>;

export const PostDetailSchema = PostSchema.extend({
  attempts: z.array(AttemptSchema),
  checks: z.array(RuleCheckSchema),
}).meta({ id: 'PostDetail' });
export type PostDetail = z.infer<typeof PostDetailSchema>;

export const PostListSchema = z.object({ items: z.array(PostSchema), nextCursor: z.string().nullable() });

/** What a calendar cell shows of a post; everything else is on GET /posts/{id}. */
export const CalendarPostSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(POST_STATUSES),
    /** When it went out, else when it is due (ISO 8601, UTC). */
    at: z.string(),
    /** The first line of its text (at most 200 characters). */
    firstLine: z.string(),
    platforms: z.array(PlatformSchema),
    /** Whether it may be moved to another day (it has not started going out). */
    draggable: z.boolean(),
    /** A target is being published or waits for a retry: it will change on its own soon. */
    live: z.boolean(),
  })
  .meta({ id: 'CalendarPost' });
export type CalendarPost = z.infer<typeof CalendarPostSchema>;

export const CalendarSchema = z.object({
  timezone: z.string(),
  days: z.array(
    z.object({
      date: z.string(),
      /** Posts on this day, including those beyond `perDay`. */
      total: z.number(),
      posts: z.array(CalendarPostSchema),
    }),
  ),
});
export type Calendar = z.infer<typeof CalendarSchema>;

export const PreviewResultSchema = z.object({ ok: z.boolean(), checks: z.array(RuleCheckSchema) });
