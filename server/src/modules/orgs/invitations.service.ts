import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import type { AuthUser, Scope } from '../../http/access.js';
import type { Role } from '../../http/permissions.js';
import { hashToken, randomToken } from '../../lib/crypto.js';
import { AppError, conflict, forbidden, gone, notFound, unauthorized } from '../../lib/errors.js';
import { issueLinkToken } from '../../lib/link-tokens.js';
import { recordAudit } from '../audit/repo.js';
import * as accounts from '../auth/repo.js';
import * as verifications from '../auth/verification.repo.js';
import * as invites from './invitations.repo.js';
import * as repo from './repo.js';
import type { Invitation, InvitationAccepted, InvitationCreate, InvitationIssued, InvitationPreview } from './schemas.js';

const DAY_MS = 86_400_000;

/**
 * Invitations by link. With SMTP the link goes only by email (the inviter never sees it; the mail job
 * builds it from a sealed token at send time); without SMTP the inviter gets it to hand over. The
 * database keeps the token's SHA-256. A link is single-use and expires after `invitationTtlDays`.
 *
 * Who may accept (the caller's email must always be the invited one):
 * - a mailed link proves the mailbox, so accepting it also verifies the caller's email;
 * - a link handed to the inviter proves nothing about the mailbox: while this server can send mail,
 *   the caller's email must already be verified; without mail nothing can verify an address, and the
 *   link holder is whoever the inviter chose to give it to.
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
      const id = randomUUID();
      const link = this.newLink(id);
      const invitation = await invites.insertInvitation(tx, {
        id,
        organizationId: org.id,
        email: input.email,
        role: input.role,
        ...link.stored,
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
      return this.issue(tx, invitation, link.token);
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
      const link = this.newLink(invitationId);
      const invitation = await invites.reissueInvitation(tx, org.id, invitationId, { ...link.stored, expiresAt: this.newExpiry() });
      if (!invitation) throw notFound('Invitation');
      await recordAudit(tx, { organizationId: org.id, actorId: actor.id, action: 'invitation.resent', subjectType: 'invitation', subjectId: invitation.id, data: { email: invitation.email, role: invitation.role } });
      return this.issue(tx, invitation, link.token);
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
    const invitation = await findUsableInvitation(this.ctx.db, token);
    return {
      organization: { id: invitation.organizationId, name: invitation.organizationName },
      email: invitation.email,
      role: invitation.role,
      invitedBy: invitation.inviterName === null ? null : { name: invitation.inviterName },
      expiresAt: invitation.expiresAt,
    };
  }

  /** The signed-in user joins the organization (see the class comment for who may). */
  async accept(caller: AuthUser, token: string): Promise<InvitationAccepted> {
    return this.ctx.db.transaction(async (tx) => {
      const account = await accounts.findUserById(tx, caller.id);
      if (!account) throw unauthorized();
      return acceptInvitation(this.ctx, tx, account, token);
    });
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
   * A new token for the invitation `id`: sealed for the mail job when SMTP is configured (the link then
   * travels only by mail), else only hashed (the inviter gets the link to hand over).
   */
  private newLink(id: string): { token: string; stored: { tokenHash: string; tokenSealed: string | null; mailed: boolean } } {
    if (this.ctx.mailer.configured) {
      const link = issueLinkToken(this.ctx.keys, 'invitation', id);
      return { token: link.token, stored: { tokenHash: link.tokenHash, tokenSealed: link.sealed, mailed: true } };
    }
    const token = randomToken();
    return { token, stored: { tokenHash: hashToken(token), tokenSealed: null, mailed: false } };
  }

  /**
   * The inviter's answer. A mailed invitation queues its mail job (id only) in the same transaction, so
   * the job exists only if the invitation commits, and its link is not returned.
   */
  private async issue(tx: Db, invitation: invites.InvitationRecord, token: string): Promise<InvitationIssued> {
    if (invitation.mailed) await this.ctx.queue.send('send-invitation-email', { invitationId: invitation.id }, { tx });
    return {
      id: invitation.id,
      email: invitation.email,
      role: invitation.role,
      expiresAt: invitation.expiresAt,
      acceptUrl: invitation.mailed ? null : `${this.ctx.config.publicUrl}/invite/${token}`,
      emailSent: invitation.mailed,
    };
  }
}

/** Unknown, revoked and used links are 404 (nothing to tell); an expired one is 410 so the UI can say so. */
export async function findUsableInvitation(db: Db, token: string): Promise<invites.InvitationByToken> {
  const invitation = await invites.findInvitationByTokenHash(db, hashToken(token));
  if (!invitation || invitation.acceptedAt || invitation.revokedAt) throw notFound('Invitation');
  if (invitation.expiresAt.getTime() <= Date.now()) {
    throw gone('invitation_expired', 'This invitation has expired: ask for a new one');
  }
  return invitation;
}

/**
 * Makes `account` a member through the invitation link `token`, inside the caller's transaction
 * (also used by "create account and join"). Verifies the account's email when the link was mailed.
 */
export async function acceptInvitation(
  ctx: Pick<AppContext, 'mailer'>,
  tx: Db,
  account: { id: string; email: string; emailVerified: boolean },
  token: string,
): Promise<InvitationAccepted> {
  const invitation = await findUsableInvitation(tx, token);
  if (invitation.email.toLowerCase() !== account.email.toLowerCase()) {
    throw new AppError(403, 'invitation_email_mismatch', `This invitation was sent to ${invitation.email}. Sign in with that address to accept it.`, {
      invitedEmail: invitation.email,
    });
  }
  if (!invitation.mailed && !account.emailVerified && ctx.mailer.configured) {
    throw new AppError(403, 'email_unverified', 'Verify your email address first (your profile can send a new link), then open this invitation again.');
  }
  if (await repo.findMember(tx, invitation.organizationId, account.id)) throw alreadyMember(account.email);
  // Conditional: a concurrent accept of the same link finds nothing left to claim.
  if (!(await invites.markInvitationAccepted(tx, invitation.id, account.id))) throw notFound('Invitation');
  if (!(await repo.insertMembership(tx, { organizationId: invitation.organizationId, userId: account.id, role: invitation.role }))) {
    throw alreadyMember(account.email);
  }
  if (invitation.mailed && !account.emailVerified) {
    await accounts.markEmailVerified(tx, account.id);
    await verifications.voidVerifications(tx, account.id, new Date());
  }
  await recordAudit(tx, {
    organizationId: invitation.organizationId,
    actorId: account.id,
    action: 'invitation.accepted',
    subjectType: 'invitation',
    subjectId: invitation.id,
    data: { email: invitation.email, role: invitation.role, userId: account.id },
  });
  return { organization: { id: invitation.organizationId, name: invitation.organizationName }, role: invitation.role };
}

function assertMayInviteAs(inviterRole: Role, role: Role): void {
  if (role === 'owner' && inviterRole !== 'owner') {
    throw forbidden('Only an owner can invite someone as owner', { rule: 'owner_only' });
  }
}

const alreadyMember = (email: string) => conflict('already_member', `${email} is already a member of this organization`);
