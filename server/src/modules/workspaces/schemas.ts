import { z } from 'zod';

/** An IANA zone name such as Europe/Berlin or Asia/Kolkata (raw offsets like +05:30 are refused). */
export const TimezoneSchema = z
  .string()
  .trim()
  .refine((tz) => /^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)*$/.test(tz) && isKnownZone(tz), { message: 'Must be an IANA time zone such as Europe/Berlin' });

function isKnownZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const Hashtag = z
  .string()
  .trim()
  .transform((t) => (t.startsWith('#') ? t : `#${t}`))
  .pipe(z.string().regex(/^#[\p{L}\p{N}_]{1,100}$/u, 'A hashtag is letters, digits or _'));

export const WorkspaceFields = {
  name: z.string().trim().min(1, 'Name is required').max(100),
  timezone: TimezoneSchema,
  description: z.string().trim().max(2000),
  industry: z.string().trim().max(100),
  brandVoice: z.string().trim().max(2000),
  defaultHashtags: z.array(Hashtag).max(30, 'At most 30 default hashtags'),
};

export const WorkspaceCreateSchema = z.object({
  name: WorkspaceFields.name,
  timezone: WorkspaceFields.timezone.default('UTC'),
  description: WorkspaceFields.description.default(''),
  industry: WorkspaceFields.industry.default(''),
  brandVoice: WorkspaceFields.brandVoice.default(''),
  defaultHashtags: WorkspaceFields.defaultHashtags.default([]),
});
export type WorkspaceCreate = z.infer<typeof WorkspaceCreateSchema>;

export const WorkspaceUpdateSchema = z
  .object({
    name: WorkspaceFields.name,
    timezone: WorkspaceFields.timezone,
    description: WorkspaceFields.description,
    industry: WorkspaceFields.industry,
    brandVoice: WorkspaceFields.brandVoice,
    defaultHashtags: WorkspaceFields.defaultHashtags,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to update' });
export type WorkspaceUpdate = z.infer<typeof WorkspaceUpdateSchema>;

export const WorkspaceSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    name: z.string(),
    timezone: z.string(),
    description: z.string(),
    industry: z.string(),
    brandVoice: z.string(),
    defaultHashtags: z.array(z.string()),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'Workspace' });
export type Workspace = z.infer<typeof WorkspaceSchema>;

export const WorkspaceListSchema = z.object({ items: z.array(WorkspaceSchema) });
