import type { components } from './schema';

/** Domain types, named as the server's OpenAPI document names them (regenerate with `npm run api:types`). */
type Schemas = components['schemas'];

export type AuthConfig = Schemas['AuthConfig'];
export type Me = Schemas['Me'];
export type User = Schemas['User'];
export type Membership = Schemas['Membership'];
export type Role = Schemas['Role'];
export type OrgDetail = Schemas['OrganizationDetail'];
/** An action a role may perform in an organization, e.g. 'members.invite'. */
export type Permission = OrgDetail['permissions'][number];
export type Member = Schemas['Member'];
export type PendingInvitation = Schemas['Invitation'];
export type IssuedInvitation = Schemas['InvitationIssued'];
export type InvitationPreview = Schemas['InvitationPreview'];
export type AuditEntry = Schemas['AuditEntry'];
export type Workspace = Schemas['Workspace'];
export type CalendarPost = Schemas['CalendarPost'];

/** Roles from the strongest to the weakest, as the server ranks them. */
export const ROLES: readonly Role[] = ['owner', 'admin', 'editor', 'analyst', 'viewer'];

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  editor: 'Editor',
  analyst: 'Analyst',
  viewer: 'Viewer',
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: 'Full control, including billing and deleting the organization',
  admin: 'Manages members, workspaces and settings',
  editor: 'Creates and schedules content',
  analyst: 'Views content and reports',
  viewer: 'Read-only access',
};

export type Channel = Schemas['Channel'];
export type ChannelStatus = Channel['status'];
export type PostingSlot = Schemas['PostingSlot'];
export type SandboxFeedItem = Schemas['SandboxFeedItem'];
export type Media = Schemas['Media'];
export type RuleCheck = Schemas['RuleCheck'];
export type Post = Schemas['Post'];
export type PostDetail = Schemas['PostDetail'];
export type PostTarget = Schemas['PostTarget'];
export type PostStatus = Post['status'];
export type TargetStatus = PostTarget['status'];
export type PublishAttempt = PostDetail['attempts'][number];
export type AttemptOutcome = NonNullable<PublishAttempt['outcome']>;
export type TargetError = Schemas['TargetError'];
export type Platform = Channel['platform'];

/** One broken content rule, as a 400 `content_rules_violated` lists them in `details.violations`. */
export interface RuleViolation {
  channelId: string;
  channelName: string;
  platform: string;
  rule: string;
  message: string;
  mediaId?: string;
}

export type PlatformInfo = Schemas['PlatformList']['items'][number];
export type ConnectStart = Schemas['ConnectStart'];
export type Connection = Schemas['Connection'];
export type ConnectionStatus = Connection['status'];
export type ConnectionAccount = Connection['accounts'][number];
export type ChannelHealth = Schemas['ChannelHealth']['items'][number];
export type TokenState = ChannelHealth['tokenState'];
export type Notification = Schemas['Notification'];
export type PostMetrics = Schemas['PostMetrics'];
export type MetricsFigures = PostMetrics['totals'];
