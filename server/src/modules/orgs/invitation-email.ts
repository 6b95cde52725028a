import type { AppContext } from '../../context.js';
import type { Role } from '../../http/permissions.js';
import { escapeHtml } from '../../lib/html.js';
import { openLinkToken } from '../../lib/link-tokens.js';
import type { Email } from '../../lib/mailer.js';
import * as invites from './invitations.repo.js';

export interface InvitationEmailInput {
  to: string;
  organizationName: string;
  inviterName: string | null;
  role: Role;
  acceptUrl: string;
  expiresAt: Date;
}

const ARTICLE: Record<Role, string> = { owner: 'an owner', admin: 'an admin', editor: 'an editor', analyst: 'an analyst', viewer: 'a viewer' };

/** The invitation mail. Names come from users, so they are escaped in the HTML part. */
export function invitationEmail(input: InvitationEmailInput): Email {
  const who = input.inviterName ?? 'A member';
  const subject = `${who} invited you to ${input.organizationName} on Herald`;
  const expires = input.expiresAt.toUTCString();
  const text = [
    `${who} invited you to join ${input.organizationName} on Herald as ${ARTICLE[input.role]}.`,
    '',
    `Accept the invitation: ${input.acceptUrl}`,
    '',
    `The link works once and expires on ${expires}. If you did not expect this invitation, ignore this email.`,
  ].join('\n');
  const html = [
    `<p>${escapeHtml(who)} invited you to join <strong>${escapeHtml(input.organizationName)}</strong> on Herald as ${ARTICLE[input.role]}.</p>`,
    `<p><a href="${escapeHtml(input.acceptUrl)}">Accept the invitation</a></p>`,
    `<p>The link works once and expires on ${escapeHtml(expires)}. If you did not expect this invitation, ignore this email.</p>`,
  ].join('\n');
  return { to: input.to, subject: subject.replace(/[\r\n]+/g, ' '), text, html };
}

/**
 * Job `send-invitation-email`: opens the invitation's sealed token, mails the link built from the
 * public URL at send time, then forgets the sealed copy. A revoked, accepted, expired or already
 * mailed invitation sends nothing.
 */
export async function mailInvitation(ctx: AppContext, invitationId: string): Promise<void> {
  const invitation = await invites.findInvitationToMail(ctx.db, invitationId);
  if (!invitation) return;
  const token = openLinkToken(ctx.keys, 'invitation', invitationId, invitation.tokenSealed);
  await ctx.mailer.send(
    invitationEmail({
      to: invitation.email,
      organizationName: invitation.organizationName,
      inviterName: invitation.inviterName,
      role: invitation.role,
      acceptUrl: `${ctx.config.publicUrl}/invite/${token}`,
      expiresAt: invitation.expiresAt,
    }),
  );
  await invites.forgetSealedInvitation(ctx.db, invitationId, invitation.tokenSealed);
}
