import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import type { AuthUser, Scope } from '../../http/access.js';
import type { Role } from '../../http/permissions.js';
import { hashToken, randomToken } from '../../lib/crypto.js';
import { AppError, conflict, forbidden, gone, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/repo.js';
import { invitationEmail } from './invitation-email.js';
import * as invites from './invitations.repo.js';
import * as repo from './repo.js';
import type { Invitation, InvitationAccepted, InvitationCreate, InvitationIssued, InvitationPreview } from './schemas.js';

const DAY_MS = 86_400_000;

/**
 * Invitations by email link. The raw token exists only in the accept URL handed to the inviter (and in
 * the queued email); the database keeps its SHA-256. A link is single-use and expires after
 * `config.auth.invitationTtlDays`.
 */
export class InvitationsService {
  constructor(private readonly ctx: AppContext) {}

  async create(scope: Scope, inviter: AuthUser, input: InvitationCreate): Promise<InvitationIssued> {
    assertMayInviteAs(scope.role, input.role);
    return this.ctx.db.transaction(async (tx) => {
      // Serialises invitations of one organization, so "replace the pending one" cannot leave two.
      const org = await this.lockOrganization(tx, scope.organizationId);
      if (await repo.isMemberByEmail(tx, org.id, input.email)) throw alreadyMember(input.email);
      const replaced = await invites.revokePendingForEmail(tx, org.id, input.email);
      const token = randomToken();
      const invitation = await invites.insertInvitation(tx, {
        organizationId: org.id,
        email: input.email,
        role: input.role,
        tokenHash: hashToken(token),
        invitedBy: inviter.id,
        expiresAt: this.newExpiry(),
      });
      await recordAudit(tx, {
        organizationId: org.id,
        actorId: inviter.id,
        action: 'invitation.created',
        subjectType: 'invitation',
        subjectId: invitation.id,
        data: { email: invitation.email, role: invitation.role, ...(replaced.length > 0 ? { replaced } : {}) },
      });
      return this.issue(tx, invitation, token, org.name, inviter.name);
    });
  }

  list(organizationId: string): Promise<Invitation[]> {
    return invites.listPendingInvitations(this.ctx.db, organizationId);
  }

  /** Sends the invitation again under a new token and a fresh expiry; the previous link stops working. */
  async resend(scope: Scope, actor: AuthUser, invitationId: string): Promise<InvitationIssued> {
    return this.ctx.db.transaction(async (tx) => {
      const org = await this.lockOrganization(tx, scope.organizationId);
      const current = await invites.findInvitation(tx, org.id, invitationId);
      if (!current || current.acceptedAt || current.revokedAt) throw notFound('Invitation');
      assertMayInviteAs(scope.role, current.role);
      if (await repo.isMemberByEmail(tx, org.id, current.email)) throw alreadyMember(current.email);
      const token = randomToken();
      const invitation = await invites.reissueInvitation(tx, org.id, invitationId, { tokenHash: hashToken(token), expiresAt: this.newExpiry() });
      if (!invitation) throw notFound('Invitation');
      await recordAudit(tx, { organizationId: org.id, actorId: actor.id, action: 'invitation.resent', subjectType: 'invitation', subjectId: invitation.id, data: { email: invitation.email, role: invitation.role } });
      return this.issue(tx, invitation, token, org.name, current.inviterName ?? actor.name);
    });
  }

  async revoke(organizationId: string, actorId: string, invitationId: string): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      const invitation = await invites.revokeInvitation(tx, organizationId, invitationId);
      if (!invitation) throw notFound('Invitation');
      await recordAudit(tx, { organizationId, actorId, action: 'invitation.revoked', subjectType: 'invitation', subjectId: invitation.id, data: { email: invitation.email, role: invitation.role } });
    });
  }

  /** What the link shows before anyone signs in. */
  async preview(token: string): Promise<InvitationPreview> {
    const invitation = await this.findUsable(this.ctx.db, token);
    return {
      organization: { id: invitation.organizationId, name: invitation.organizationName },
      email: invitation.email,
      role: invitation.role,
      invitedBy: invitation.inviterName === null ? null : { name: invitation.inviterName },
      expiresAt: invitation.expiresAt,
    };
  }

  /** The signed-in user joins the organization; their email must be the invited one. */
  async accept(user: AuthUser, token: string): Promise<InvitationAccepted> {
    return this.ctx.db.transaction(async (tx) => {
      const invitation = await this.findUsable(tx, token);
      if (invitation.email.toLowerCase() !== user.email.toLowerCase()) {
        throw new AppError(403, 'invitation_email_mismatch', `This invitation was sent to ${invitation.email}. Sign in with that address to accept it.`, {
          invitedEmail: invitation.email,
        });
      }
      if (await repo.findMember(tx, invitation.organizationId, user.id)) throw alreadyMember(user.email);
      // Conditional: a concurrent accept of the same link finds nothing left to claim.
      if (!(await invites.markInvitationAccepted(tx, invitation.id, user.id))) throw notFound('Invitation');
      if (!(await repo.insertMembership(tx, { organizationId: invitation.organizationId, userId: user.id, role: invitation.role }))) {
        throw alreadyMember(user.email);
      }
      await recordAudit(tx, {
        organizationId: invitation.organizationId,
        actorId: user.id,
        action: 'invitation.accepted',
        subjectType: 'invitation',
        subjectId: invitation.id,
        data: { email: invitation.email, role: invitation.role, userId: user.id },
      });
      return { organization: { id: invitation.organizationId, name: invitation.organizationName }, role: invitation.role };
    });
  }

  /** Unknown, revoked and used links are 404 (nothing to tell); an expired one is 410 so the UI can say so. */
  private async findUsable(db: Db, token: string): Promise<invites.InvitationByToken> {
    const invitation = await invites.findInvitationByTokenHash(db, hashToken(token));
    if (!invitation || invitation.acceptedAt || invitation.revokedAt) throw notFound('Invitation');
    if (invitation.expiresAt.getTime() <= Date.now()) {
      throw gone('invitation_expired', 'This invitation has expired: ask for a new one');
    }
    return invitation;
  }

  private async lockOrganization(tx: Db, organizationId: string): Promise<repo.Organization> {
    const org = await repo.lockOrganization(tx, organizationId);
    if (!org) throw notFound('Organization');
    return org;
  }

  private newExpiry(): Date {
    return new Date(Date.now() + this.ctx.config.auth.invitationTtlDays * DAY_MS);
  }

  /**
   * Builds the inviter's answer and, when SMTP is configured, queues the email in the same transaction:
   * the job exists only if the invitation commits.
   */
  private async issue(tx: Db, invitation: invites.InvitationRecord, token: string, organizationName: string, inviterName: string): Promise<InvitationIssued> {
    const acceptUrl = `${this.ctx.config.publicUrl}/invite/${token}`;
    const emailSent = this.ctx.mailer.configured;
    if (emailSent) {
      const email = invitationEmail({ to: invitation.email, organizationName, inviterName, role: invitation.role, acceptUrl, expiresAt: invitation.expiresAt });
      await this.ctx.queue.send('send-email', email, { tx });
    }
    return { id: invitation.id, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt, acceptUrl, emailSent };
  }
}

function assertMayInviteAs(inviterRole: Role, role: Role): void {
  if (role === 'owner' && inviterRole !== 'owner') {
    throw forbidden('Only an owner can invite someone as owner', { rule: 'owner_only' });
  }
}

const alreadyMember = (email: string) => conflict('already_member', `${email} is already a member of this organization`);
