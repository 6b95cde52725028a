import { z } from 'zod';

export const AuditQuerySchema = z.object({
  before: z.iso.datetime({ offset: true, message: 'before must be an ISO 8601 date-time' }).optional(),
  cursor: z.uuid({ message: 'cursor must be the nextCursor of a previous page' }).optional(),
  limit: z.coerce.number().int('limit must be a whole number').min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export const AuditEntrySchema = z
  .object({
    id: z.uuid(),
    action: z.string(),
    subjectType: z.string(),
    subjectId: z.string(),
    data: z.record(z.string(), z.unknown()),
    createdAt: z.date(),
    /** Null when the acting user has since been deleted. */
    actor: z.object({ id: z.uuid(), name: z.string(), email: z.string() }).nullable(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntryView = z.infer<typeof AuditEntrySchema>;

export const AuditListSchema = z.object({
  items: z.array(AuditEntrySchema),
  /** Pass as `cursor` to get the next (older) page; null on the last page. */
  nextCursor: z.uuid().nullable(),
});
export type AuditList = z.infer<typeof AuditListSchema>;
