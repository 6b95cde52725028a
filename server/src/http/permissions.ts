/**
 * The one permission matrix: which role may perform which action inside an organization.
 * Every organization- or workspace-scoped route names one of these actions (see `access.ts`),
 * and the matrix test walks every such route for every role.
 */
export const ROLES = ['owner', 'admin', 'editor', 'analyst', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const ALL: readonly Role[] = ROLES;
const MANAGERS: readonly Role[] = ['owner', 'admin'];
/** Roles that create content: write, upload, schedule. */
const CREATORS: readonly Role[] = ['owner', 'admin', 'editor'];

export const PERMISSIONS = {
  'org.read': ALL,
  'org.update': MANAGERS,
  'org.delete': ['owner'],
  /** Leaving an organization: any member may remove themselves (the last owner is refused by the service). */
  'org.leave': ALL,
  'members.read': ALL,
  'members.invite': MANAGERS,
  'members.update': MANAGERS,
  'members.remove': MANAGERS,
  /** A one-time reset link for a member, on servers without mail (see MembersService.issueResetLink). */
  'members.reset_password': ['owner'],
  'invitations.read': MANAGERS,
  'invitations.revoke': MANAGERS,
  'audit.read': MANAGERS,
  'workspaces.read': ALL,
  'workspaces.create': MANAGERS,
  'workspaces.update': MANAGERS,
  'workspaces.delete': MANAGERS,
  'channels.read': ALL,
  'channels.manage': MANAGERS,
  'media.read': ALL,
  'media.write': CREATORS,
  'posts.read': ALL,
  'posts.write': CREATORS,
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;
export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

export function can(role: Role, action: Action): boolean {
  return (PERMISSIONS[action] as readonly Role[]).includes(role);
}

/** Actions a role may perform, for the dashboard to hide what a user cannot do. */
export function actionsOf(role: Role): Action[] {
  return ACTIONS.filter((a) => can(role, a));
}

/** Role strength, used for rules such as "only an owner may grant owner". */
export const ROLE_RANK: Record<Role, number> = { owner: 4, admin: 3, editor: 2, analyst: 1, viewer: 0 };
