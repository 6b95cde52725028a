import type { AppContext } from '../../context.js';
import { escapeHtml } from '../../lib/html.js';
import { openLinkToken } from '../../lib/link-tokens.js';
import type { Email } from '../../lib/mailer.js';
import * as sessionRepo from './session.repo.js';
import * as verificationRepo from './verification.repo.js';

/** The password reset mail. `link` carries the clear token: it is built at send time and never stored. */
export function passwordResetEmail(input: { to: string; name: string; link: string; ttlMinutes: number }): Email {
  const { to, name, link, ttlMinutes } = input;
  const text = [
    `Hello ${name},`,
    '',
    'Someone (hopefully you) asked to reset the password of your Herald account.',
    `Open this link within ${ttlMinutes} minutes to choose a new password:`,
    '',
    link,
    '',
    'If you did not ask for this, ignore this email: your password stays as it is.',
  ].join('\n');
  const html = [
    `<p>Hello ${escapeHtml(name)},</p>`,
    '<p>Someone (hopefully you) asked to reset the password of your Herald account.</p>',
    `<p><a href="${escapeHtml(link)}">Choose a new password</a> (the link works for ${ttlMinutes} minutes).</p>`,
    '<p>If you did not ask for this, ignore this email: your password stays as it is.</p>',
  ].join('\n');
  return { to, subject: 'Reset your Herald password', text, html };
}

/** The verification mail: the link confirms the address for the signed-in account holder only. */
export function verificationEmail(input: { to: string; name: string; link: string; expiresAt: Date }): Email {
  const { to, name, link } = input;
  const expires = input.expiresAt.toUTCString();
  const text = [
    `Hello ${name},`,
    '',
    'Confirm that this is your email address for Herald:',
    '',
    link,
    '',
    `You will be asked to sign in to the account first. The link works once, until ${expires}.`,
    'If you did not create a Herald account, ignore this email and do not open the link.',
  ].join('\n');
  const html = [
    `<p>Hello ${escapeHtml(name)},</p>`,
    `<p><a href="${escapeHtml(link)}">Confirm your email address</a> for Herald.</p>`,
    `<p>You will be asked to sign in to the account first. The link works once, until ${escapeHtml(expires)}.</p>`,
    '<p>If you did not create a Herald account, ignore this email and do not open the link.</p>',
  ].join('\n');
  return { to, subject: 'Confirm your email address for Herald', text, html };
}

/** Job `send-password-reset-email`: opens the sealed token, mails the link, then forgets the sealed copy. */
export async function mailPasswordReset(ctx: AppContext, resetId: string): Promise<void> {
  const reset = await sessionRepo.findResetToMail(ctx.db, resetId, new Date());
  if (!reset) return; // used, voided, expired or already sent: nothing worth mailing
  const token = openLinkToken(ctx.keys, 'password-reset', resetId, reset.tokenSealed);
  const link = `${ctx.config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
  const ttlMinutes = Math.max(1, Math.round((reset.expiresAt.getTime() - Date.now()) / 60_000));
  await ctx.mailer.send(passwordResetEmail({ to: reset.email, name: reset.name, link, ttlMinutes }));
  await sessionRepo.forgetSealedReset(ctx.db, resetId, reset.tokenSealed);
}

/** Job `send-verification-email`: same contract as `mailPasswordReset`. */
export async function mailEmailVerification(ctx: AppContext, verificationId: string): Promise<void> {
  const verification = await verificationRepo.findVerificationToMail(ctx.db, verificationId, new Date());
  if (!verification) return;
  const token = openLinkToken(ctx.keys, 'email-verification', verificationId, verification.tokenSealed);
  const link = `${ctx.config.publicUrl}/verify-email?token=${encodeURIComponent(token)}`;
  await ctx.mailer.send(verificationEmail({ to: verification.email, name: verification.name, link, expiresAt: verification.expiresAt }));
  await verificationRepo.forgetSealedVerification(ctx.db, verificationId, verification.tokenSealed);
}
