import { z } from 'zod';

/** Lower-cased, trimmed; the library filters on exact tags. */
export const TagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'A tag cannot be empty')
  .max(50, 'A tag is at most 50 characters')
  .regex(/^[^\p{Cc},]+$/u, 'A tag cannot contain commas or control characters');

export const TagsSchema = z
  .array(TagSchema)
  .max(30, 'At most 30 tags')
  .transform((tags) => [...new Set(tags)]);

export const AltTextSchema = z.string().trim().max(1000, 'Alt text is at most 1000 characters');

export const MediaKindSchema = z.enum(['image', 'video']);
export type MediaKind = z.infer<typeof MediaKindSchema>;

export const MediaSchema = z
  .object({
    id: z.uuid(),
    workspaceId: z.uuid(),
    kind: MediaKindSchema,
    mime: z.string(),
    filename: z.string(),
    sizeBytes: z.number().int(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    durationSeconds: z.number().nullable(),
    animated: z.boolean(),
    altText: z.string(),
    tags: z.array(z.string()),
    /** Signed, expiring URL of the original file. */
    url: z.url(),
    /** Signed, expiring URL of a WebP preview (max 400 px); null for videos. */
    thumbnailUrl: z.url().nullable(),
    createdAt: z.date(),
    uploadedBy: z.uuid().nullable(),
  })
  .meta({ id: 'Media' });
export type Media = z.infer<typeof MediaSchema>;

export const MediaListQuerySchema = z.object({
  q: z.string().trim().max(200).optional(),
  kind: MediaKindSchema.optional(),
  tag: TagSchema.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});
export type MediaListQuery = z.infer<typeof MediaListQuerySchema>;

export const MediaListSchema = z.object({ items: z.array(MediaSchema), nextCursor: z.string().nullable() });
export type MediaList = z.infer<typeof MediaListSchema>;

export const MediaUpdateSchema = z
  .object({ altText: AltTextSchema, tags: TagsSchema })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to update: send altText and/or tags' });
export type MediaUpdate = z.infer<typeof MediaUpdateSchema>;

/** The multipart text fields of an upload, after parsing (`tags` may be a JSON array or comma-separated). */
export const UploadFieldsSchema = z.object({ altText: AltTextSchema.default(''), tags: TagsSchema.default([]) });
export type UploadFields = z.infer<typeof UploadFieldsSchema>;
