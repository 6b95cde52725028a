import type { JobPayload } from '../../jobs/catalog.js';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The password reset mail. `link` carries the only clear copy of the token: never log this payload. */
export function passwordResetEmail(input: { to: string; name: string; link: string; ttlMinutes: number }): JobPayload<'send-email'> {
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
