import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from './logger.js';

export interface Email {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
}

/**
 * How mail leaves Herald:
 * - `smtp`: through SMTP_URL;
 * - `outbox`: no SMTP, outside production: written as .eml files (mode 0600) to `<dataDir>/outbox/`,
 *   so a developer can read invitation, reset and verification mails. A development aid only: the
 *   files hold live links;
 * - `none`: no SMTP in production: nothing is written; the mail is dropped with a warning (subject only).
 */
export type MailDelivery = 'smtp' | 'outbox' | 'none';

export interface Mailer {
  /** True when SMTP is configured, i.e. mail reaches real mailboxes. */
  readonly configured: boolean;
  readonly delivery: MailDelivery;
  send(email: Email): Promise<void>;
}

export function createMailer(opts: { smtpUrl: string | undefined; from: string; outboxDir: string; production: boolean; logger: Logger }): Mailer {
  if (opts.smtpUrl) {
    const transport: Transporter = nodemailer.createTransport(opts.smtpUrl);
    return {
      configured: true,
      delivery: 'smtp',
      async send(email) {
        await transport.sendMail({ from: opts.from, ...email });
      },
    };
  }
  if (opts.production) {
    return {
      configured: false,
      delivery: 'none',
      async send(email) {
        opts.logger.warn({ subject: email.subject }, 'SMTP_URL is not set: email not sent');
      },
    };
  }
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    configured: false,
    delivery: 'outbox',
    async send(email) {
      const info = await stream.sendMail({ from: opts.from, ...email });
      await mkdir(opts.outboxDir, { recursive: true, mode: 0o700 });
      // mkdir keeps the mode of a directory that already exists: tighten it either way.
      await chmod(opts.outboxDir, 0o700);
      const file = join(opts.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^A-Za-z0-9]/g, '')}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600, flag: 'wx' });
      opts.logger.info({ file, subject: email.subject }, 'SMTP_URL is not set: email written to the development outbox');
    },
  };
}
