import type { Email } from '../../lib/mailer.js';
import type { Role } from '../../http/permissions.js';

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

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
