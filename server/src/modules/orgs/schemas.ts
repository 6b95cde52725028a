import { z } from 'zod';
import { ACTIONS, ROLES } from '../../http/permissions.js';

export const RoleSchema = z.enum(ROLES).meta({ id: 'Role' });

const OrgName = z.string().trim().min(1, 'Name is required').max(100, 'At most 100 characters');

export const OrgCreateSchema = z.object({ name: OrgName });
export type OrgCreate = z.infer<typeof OrgCreateSchema>;

export const OrgUpdateSchema = z.object({ name: OrgName });
export type OrgUpdate = z.infer<typeof OrgUpdateSchema>;

/** An organization as seen by one member: their role comes with it. */
export const OrgSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: RoleSchema,
    createdAt: z.date(),
  })
  .meta({ id: 'Organization' });
export type Org = z.infer<typeof OrgSchema>;

/** The caller's organization with the actions their role allows, so the dashboard can hide the rest. */
export const OrgDetailSchema = OrgSchema.extend({ permissions: z.array(z.enum(ACTIONS)) }).meta({ id: 'OrganizationDetail' });
export type OrgDetail = z.infer<typeof OrgDetailSchema>;

export const OrgListSchema = z.object({ items: z.array(OrgSchema) });

export const MemberSchema = z
  .object({
    user: z.object({ id: z.uuid(), name: z.string(), email: z.string() }),
    role: RoleSchema,
    joinedAt: z.date(),
  })
  .meta({ id: 'Member' });
export type Member = z.infer<typeof MemberSchema>;

export const MemberListSchema = z.object({ items: z.array(MemberSchema) });

/** A one-time reset link for a member, to hand over on a server without mail. Never a password. */
export const MemberPasswordResetSchema = z
  .object({ resetUrl: z.string(), expiresAt: z.date() })
  .meta({ id: 'MemberPasswordReset' });
export type MemberPasswordReset = z.infer<typeof MemberPasswordResetSchema>;

export const MemberUpdateSchema = z.object({ role: RoleSchema });
export type MemberUpdate = z.infer<typeof MemberUpdateSchema>;

/** Emails are compared case-insensitively; invitations store them trimmed and lower-cased. */
const InviteEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'At most 254 characters')
  .pipe(z.email('Must be an email address'))
  .meta({ format: 'email' });

export const InvitationCreateSchema = z.object({ email: InviteEmail, role: RoleSchema });
export type InvitationCreate = z.infer<typeof InvitationCreateSchema>;

/**
 * What the inviter gets back on create and resend. With SMTP the link goes only by email (`emailSent`
 * true, `acceptUrl` null), so opening it proves the invitee's mailbox. Without SMTP `acceptUrl` carries
 * the only copy of the raw token (the database keeps its hash) for the inviter to pass on.
 */
export const InvitationIssuedSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: RoleSchema,
    expiresAt: z.date(),
    acceptUrl: z.string().nullable().describe('The link to hand over; null when it was emailed to the invitee'),
    emailSent: z.boolean(),
  })
  .meta({ id: 'InvitationIssued' });
export type InvitationIssued = z.infer<typeof InvitationIssuedSchema>;

export const InvitationSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: RoleSchema,
    invitedBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    expiresAt: z.date(),
    createdAt: z.date(),
  })
  .meta({ id: 'Invitation' });
export type Invitation = z.infer<typeof InvitationSchema>;

export const InvitationListSchema = z.object({ items: z.array(InvitationSchema) });

/** What anyone holding the link may see before signing in. */
export const InvitationPreviewSchema = z
  .object({
    organization: z.object({ id: z.uuid(), name: z.string() }),
    email: z.string(),
    role: RoleSchema,
    invitedBy: z.object({ name: z.string() }).nullable(),
    expiresAt: z.date(),
  })
  .meta({ id: 'InvitationPreview' });
export type InvitationPreview = z.infer<typeof InvitationPreviewSchema>;

export const InvitationAcceptedSchema = z
  .object({
    organization: z.object({ id: z.uuid(), name: z.string() }),
    role: RoleSchema,
  })
  .meta({ id: 'InvitationAccepted' });
export type InvitationAccepted = z.infer<typeof InvitationAcceptedSchema>;

/**
 * Invitation tokens are opaque; a token that matches nothing is a 404, so only the length is checked here
 * (the router already answers 414 past 100 characters).
 */
export const InvitationTokenParam = z.object({ token: z.string().min(1, 'token is required').max(100, 'token is too long') });
