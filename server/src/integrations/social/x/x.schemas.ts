import { z } from 'zod';

/**
 * The shapes Herald reads from X API v2 answers (platform-contracts.md §4). Unknown fields are
 * dropped; only what a step needs is required, so a richer answer never breaks a publish.
 */

export const XTokenSchema = z.object({
  token_type: z.string().optional(),
  access_token: z.string().min(1),
  /** Seconds; X issues 2-hour access tokens. */
  expires_in: z.number().optional(),
  /** Space-separated scopes actually granted. */
  scope: z.string().optional(),
  /** Present only when `offline.access` was granted. Single-use: each refresh returns a new one. */
  refresh_token: z.string().optional(),
});

export const XTokenErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

export const XUserSchema = z.object({
  id: z.string(),
  name: z.string(),
  username: z.string(),
  profile_image_url: z.string().optional(),
});
export type XUser = z.infer<typeof XUserSchema>;

export const XMeSchema = z.object({ data: XUserSchema });

const ProcessingInfoSchema = z.object({
  state: z.enum(['pending', 'in_progress', 'failed', 'succeeded']),
  check_after_secs: z.number().optional(),
  progress_percent: z.number().optional(),
  error: z.object({ code: z.number().optional(), name: z.string().optional(), message: z.string().optional() }).optional(),
});
export type XProcessingInfo = z.infer<typeof ProcessingInfoSchema>;

/** Answer of simple upload, INITIALIZE, FINALIZE and STATUS alike. */
export const XMediaSchema = z.object({
  data: z.object({
    id: z.string(),
    media_key: z.string().optional(),
    size: z.number().optional(),
    expires_after_secs: z.number().optional(),
    processing_info: ProcessingInfoSchema.optional(),
  }),
});

export const XCreatedTweetSchema = z.object({ data: z.object({ id: z.string(), text: z.string().optional() }) });

export const XDeletedSchema = z.object({ data: z.object({ deleted: z.boolean() }) });

const UrlEntitySchema = z.object({
  url: z.string(),
  expanded_url: z.string().optional(),
  display_url: z.string().optional(),
  /** Set on the t.co link X appends for attached media. */
  media_key: z.string().optional(),
});
export type XUrlEntity = z.infer<typeof UrlEntitySchema>;

const CountsSchema = z.record(z.string(), z.number());

export const XTweetSchema = z.object({
  id: z.string(),
  text: z.string(),
  author_id: z.string().optional(),
  created_at: z.string().optional(),
  entities: z.object({ urls: z.array(UrlEntitySchema).optional() }).optional(),
  /** Long posts (Premium) carry their full text here; `text` is then truncated. */
  note_tweet: z.object({ text: z.string(), entities: z.object({ urls: z.array(UrlEntitySchema).optional() }).optional() }).optional(),
  attachments: z.object({ media_keys: z.array(z.string()).optional() }).optional(),
  public_metrics: CountsSchema.optional(),
  non_public_metrics: CountsSchema.optional(),
  organic_metrics: CountsSchema.optional(),
});
export type XTweet = z.infer<typeof XTweetSchema>;

/** A partial error inside a 200 answer (missing or unauthorised resources and fields). */
const PartialErrorSchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  detail: z.string().optional(),
  resource_id: z.string().optional(),
  value: z.string().optional(),
  field: z.string().optional(),
});
export type XPartialError = z.infer<typeof PartialErrorSchema>;

export const XTweetListSchema = z.object({
  data: z.array(XTweetSchema).optional(),
  includes: z
    .object({
      users: z.array(XUserSchema).optional(),
      media: z.array(z.object({ media_key: z.string(), type: z.string().optional(), public_metrics: CountsSchema.optional() })).optional(),
    })
    .optional(),
  errors: z.array(PartialErrorSchema).optional(),
  meta: z.object({ result_count: z.number().optional(), next_token: z.string().optional() }).optional(),
});
export type XTweetList = z.infer<typeof XTweetListSchema>;

/** Error bodies: RFC 7807 problem details, `{errors:[...]}` validation lists, or the v1 style. */
export const XProblemSchema = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  type: z.string().optional(),
  status: z.number().optional(),
  period: z.string().optional(),
  errors: z
    .array(
      z.object({
        message: z.string().optional(),
        detail: z.string().optional(),
        title: z.string().optional(),
        code: z.union([z.number(), z.string()]).optional(),
      }),
    )
    .optional(),
});
