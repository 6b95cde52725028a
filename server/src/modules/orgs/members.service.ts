import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { can, type Action, type Role } from '../../http/permissions.js';
import { badRequest, conflict, forbidden, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/repo.js';
import { issueHandedResetLink } from '../auth/reset-links.js';
import * as repo from './repo.js';
import type { Member, MemberPasswordReset } from './schemas.js';

/**
 * Members of an organization and the rules that keep it governable:
 * - only an owner grants or takes away the owner role, changes an owner's role or removes an owner;
 * - an admin cannot change their own role;
 * - an organization always keeps at least one owner (409 `last_owner`).
 * Every change locks the organization row first and re-reads the actor's role under that lock, so
 * concurrent changes are decided one after the other on fresh data.
 */
export class MembersService {
  constructor(private readonly ctx: AppContext) {}

  list(organizationId: string): Promise<Member[]> {
    return repo.listMembers(this.ctx.db, organizationId);
  }

  async changeRole(organizationId: string, actorId: string, userId: string, role: Role): Promise<Member> {
    return this.ctx.db.transaction(async (tx) => {
      const actorRole = await this.lockAndReadActor(tx, organizationId, actorId, 'members.update');
      const target = await repo.findMember(tx, organizationId, userId);
      if (!target) throw notFound('Member');
      if (actorRole !== 'owner' && (target.role === 'owner' || role === 'owner')) {
        throw forbidden('Only an owner can grant the owner role or change an owner’s role', { rule: 'owner_only' });
      }
      if (userId === actorId && actorRole !== 'owner') {
        throw forbidden('You cannot change your own role', { rule: 'own_role' });
      }
      if (target.role === role) return target;
      if (target.role === 'owner' && (await repo.countOwners(tx, organizationId)) <= 1) {
        throw lastOwner('The last owner cannot be demoted: make another member owner first');
      }
      await repo.updateMemberRole(tx, organizationId, userId, role);
      await this.ctx.accessCache.changed(tx, { kind: 'member', organizationId, userId });
      await recordAudit(tx, { organizationId, actorId, action: 'member.role_changed', subjectType: 'user', subjectId: userId, data: { from: target.role, to: role } });
      return { ...target, role };
    });
  }

  /** Removes another member; a member removing themselves is leaving, with the same rules as `leave`. */
  async remove(organizationId: string, actorId: string, userId: string): Promise<void> {
    if (userId === actorId) return this.leave(organizationId, actorId);
    await this.ctx.db.transaction(async (tx) => {
      const actorRole = await this.lockAndReadActor(tx, organizationId, actorId, 'members.remove');
      const target = await repo.findMember(tx, organizationId, userId);
      if (!target) throw notFound('Member');
      if (target.role === 'owner' && actorRole !== 'owner') {
        throw forbidden('Only an owner can remove an owner', { rule: 'owner_only' });
      }
      if (target.role === 'owner' && (await repo.countOwners(tx, organizationId)) <= 1) {
        throw lastOwner('The last owner cannot be removed');
      }
      await repo.deleteMembership(tx, organizationId, userId);
      await this.ctx.accessCache.changed(tx, { kind: 'member', organizationId, userId });
      await recordAudit(tx, { organizationId, actorId, action: 'member.removed', subjectType: 'user', subjectId: userId, data: { role: target.role, email: target.user.email } });
    });
  }

  /** The caller leaves the organization, whatever their role, unless they are its last owner. */
  async leave(organizationId: string, userId: string): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      const role = await this.lockAndReadActor(tx, organizationId, userId, 'org.leave');
      if (role === 'owner' && (await repo.countOwners(tx, organizationId)) <= 1) {
        throw lastOwner('You are the last owner: make another member owner, or delete the organization');
      }
      await repo.deleteMembership(tx, organizationId, userId);
      await this.ctx.accessCache.changed(tx, { kind: 'member', organizationId, userId });
      await recordAudit(tx, { organizationId, actorId: userId, action: 'member.left', subjectType: 'user', subjectId: userId, data: { role } });
    });
  }

  /**
   * A one-time password reset link for a member, for the owner to hand over on a server that cannot
   * mail one. Refused when mail works (the member resets their own password) and when the member also
   * belongs to an organization the owner does not own: the link takes over the whole account, so it
   * must not give the owner more than they already control. The link does not verify the email.
   */
  async issueResetLink(organizationId: string, actorId: string, userId: string): Promise<MemberPasswordReset> {
    if (this.ctx.mailer.configured) {
      throw conflict('mail_configured', 'This server sends email: ask the member to use “Forgot password?” on the login page');
    }
    if (userId === actorId) throw badRequest('own_account', 'Change your own password from your profile');
    return this.ctx.db.transaction(async (tx) => {
      await this.lockAndReadActor(tx, organizationId, actorId, 'members.reset_password');
      const target = await repo.findMember(tx, organizationId, userId);
      if (!target) throw notFound('Member');
      if ((await repo.countMembershipsNotOwnedBy(tx, userId, actorId)) > 0) {
        throw forbidden(`${target.user.name} also belongs to organizations you don’t own; the operator of this server can run “herald users reset-password”`, {
          rule: 'other_organizations',
        });
      }
      const link = await issueHandedResetLink(tx, this.ctx.config, userId);
      await recordAudit(tx, { organizationId, actorId, action: 'member.password_reset_link_created', subjectType: 'user', subjectId: userId, data: { email: target.user.email } });
      return link;
    });
  }

  /**
   * Locks the organization and returns the actor's current role, checked again against `action`:
   * a role changed (or a membership ended) since the request was authorised counts as it is now.
   */
  private async lockAndReadActor(tx: Db, organizationId: string, actorId: string, action: Action): Promise<Role> {
    if (!(await repo.lockOrganization(tx, organizationId))) throw notFound('Organization');
    const actor = await repo.findMember(tx, organizationId, actorId);
    if (!actor) throw notFound('Organization');
    if (!can(actor.role, action)) throw forbidden(`Your role (${actor.role}) does not allow ${action}`, { action, role: actor.role });
    return actor.role;
  }
}

const lastOwner = (message: string) => conflict('last_owner', message);
