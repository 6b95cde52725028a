import { z } from 'zod';
import { ROLES } from '../../http/permissions.js';

/** Passwords are never trimmed: every character the user typed counts. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
const PASSWORD_POLICY = `Password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long`;

export const EmailSchema = z
  .string({ message: 'Email is required' })
  .trim()
  .max(254, 'Email must be at most 254 characters')
  .pipe(z.email({ message: 'Must be a valid email address' }));

export const NewPasswordSchema = z.string({ message: 'Password is required' }).min(PASSWORD_MIN, PASSWORD_POLICY).max(PASSWORD_MAX, PASSWORD_POLICY);

/** A password being checked rather than chosen: any length the policy ever allowed. */
const GivenPasswordSchema = z.string({ message: 'Password is required' }).min(1, 'Password is required').max(PASSWORD_MAX, PASSWORD_POLICY);

export const PersonNameSchema = z.string({ message: 'Name is required' }).trim().min(1, 'Name is required').max(100, 'Name must be at most 100 characters');

export const RegisterSchema = z.object({ email: EmailSchema, password: NewPasswordSchema, name: PersonNameSchema }).meta({ id: 'Register' });
export type Register = z.infer<typeof RegisterSchema>;

/** "Create account and join": the email is the invitation's, so only a name and a password are asked. */
export const InvitationRegisterSchema = z.object({ password: NewPasswordSchema, name: PersonNameSchema }).meta({ id: 'InvitationRegister' });
export type InvitationRegister = z.infer<typeof InvitationRegisterSchema>;

export const LoginSchema = z.object({ email: EmailSchema, password: GivenPasswordSchema }).meta({ id: 'Login' });
export type Login = z.infer<typeof LoginSchema>;

export const SetupSchema = z
  .object({
    name: PersonNameSchema,
    email: EmailSchema,
    password: NewPasswordSchema,
    organizationName: z.string({ message: 'Organization name is required' }).trim().min(1, 'Organization name is required').max(100, 'Organization name must be at most 100 characters'),
  })
  .meta({ id: 'Setup' });
export type Setup = z.infer<typeof SetupSchema>;

export const ProfileUpdateSchema = z.object({ name: PersonNameSchema }).meta({ id: 'ProfileUpdate' });
export type ProfileUpdate = z.infer<typeof ProfileUpdateSchema>;

export const PasswordChangeSchema = z
  .object({ currentPassword: GivenPasswordSchema.optional(), newPassword: NewPasswordSchema })
  .meta({ id: 'PasswordChange' });
export type PasswordChange = z.infer<typeof PasswordChangeSchema>;

export const PasswordResetRequestSchema = z.object({ email: EmailSchema }).meta({ id: 'PasswordResetRequest' });
export type PasswordResetRequest = z.infer<typeof PasswordResetRequestSchema>;

export const PasswordResetConfirmSchema = z
  .object({
    token: z.string({ message: 'Token is required' }).trim().min(1, 'Token is required').max(200, 'Token is too long'),
    password: NewPasswordSchema,
  })
  .meta({ id: 'PasswordResetConfirm' });
export type PasswordResetConfirm = z.infer<typeof PasswordResetConfirmSchema>;

export const EmailVerificationConfirmSchema = z
  .object({ token: z.string({ message: 'Token is required' }).trim().min(1, 'Token is required').max(200, 'Token is too long') })
  .meta({ id: 'EmailVerificationConfirm' });
export type EmailVerificationConfirm = z.infer<typeof EmailVerificationConfirmSchema>;

/** The public view of an account: never the password hash, only whether one is set. */
export const UserSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    hasPassword: z.boolean(),
    emailVerified: z.boolean().describe('True once the account holder proved the mailbox (verification link, mailed reset link, mailed invitation, or Google)'),
    createdAt: z.date(),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof UserSchema>;

export const OrganizationRefSchema = z.object({ id: z.uuid(), name: z.string() }).meta({ id: 'OrganizationRef' });
export type OrganizationRef = z.infer<typeof OrganizationRefSchema>;

export const AuthSessionSchema = z
  .object({ user: UserSchema, accessToken: z.string().describe('Bearer token for the API; short-lived, renew it with POST /auth/refresh') })
  .meta({ id: 'AuthSession' });
export type AuthSession = z.infer<typeof AuthSessionSchema>;

export const SetupResultSchema = z
  .object({ user: UserSchema, accessToken: z.string(), organization: OrganizationRefSchema })
  .meta({ id: 'SetupResult' });
export type SetupResult = z.infer<typeof SetupResultSchema>;

export const InvitationSessionSchema = z
  .object({
    user: UserSchema,
    accessToken: z.string(),
    organization: OrganizationRefSchema,
    role: z.enum(ROLES),
  })
  .meta({ id: 'InvitationSession' });

export const AccessTokenSchema = z.object({ accessToken: z.string() }).meta({ id: 'AccessToken' });

export const AuthConfigSchema = z
  .object({
    needsSetup: z.boolean().describe('True until the first account exists: the dashboard then shows the owner setup'),
    googleEnabled: z.boolean(),
    mailConfigured: z.boolean().describe('False when no SMTP is configured: no mail reaches anyone (outside production it goes to the local outbox)'),
    publicUrlExplicit: z
      .boolean()
      .describe('False when HERALD_PUBLIC_URL is unset: links (invitations, resets) are built from http://localhost and only work on this machine'),
  })
  .meta({ id: 'AuthConfig' });
export type AuthConfig = z.infer<typeof AuthConfigSchema>;

export const MembershipSchema = z.object({ organization: OrganizationRefSchema, role: z.enum(ROLES) }).meta({ id: 'Membership' });
export type Membership = z.infer<typeof MembershipSchema>;

export const MeSchema = z.object({ user: UserSchema, memberships: z.array(MembershipSchema) }).meta({ id: 'Me' });
export type Me = z.infer<typeof MeSchema>;

export const UserEnvelopeSchema = z.object({ user: UserSchema }).meta({ id: 'UserEnvelope' });

export const AcceptedSchema = z.object({}).meta({ id: 'Accepted' });

export const GoogleStartQuerySchema = z.object({
  returnTo: z.string().max(2000, 'returnTo is too long').optional().describe('Dashboard path to land on after sign-in; only same-origin paths are honoured'),
});

/** Google adds other parameters (scope, authuser, prompt, hd); they are ignored, not refused. */
export const GoogleCallbackQuerySchema = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(256).optional(),
});
export type GoogleCallbackQuery = z.infer<typeof GoogleCallbackQuerySchema>;

export const RedirectSchema = z.null().describe('Redirect (see the Location header)');
