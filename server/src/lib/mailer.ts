import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
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

/**
 * A transport made on first use: nodemailer takes ~0.1 s of CPU to load, and most starts send no mail
 * for a while (or ever, without SMTP), so `herald start` does not load it.
 */
function lazyTransport(make: (nodemailer: (typeof import('nodemailer'))['default']) => Transporter): () => Promise<Transporter> {
  let transport: Promise<Transporter> | undefined;
  return () => {
    transport ??= import('nodemailer').then((m) => make(m.default));
    return transport;
  };
}

export function createMailer(opts: { smtpUrl: string | undefined; from: string; outboxDir: string; production: boolean; logger: Logger }): Mailer {
  const { smtpUrl } = opts;
  if (smtpUrl) {
    const transport = lazyTransport((nodemailer) => nodemailer.createTransport(smtpUrl));
    return {
      configured: true,
      delivery: 'smtp',
      async send(email) {
        await (await transport()).sendMail({ from: opts.from, ...email });
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
  const stream = lazyTransport((nodemailer) => nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }));
  return {
    configured: false,
    delivery: 'outbox',
    async send(email) {
      const info = await (await stream()).sendMail({ from: opts.from, ...email });
      await mkdir(opts.outboxDir, { recursive: true, mode: 0o700 });
      // mkdir keeps the mode of a directory that already exists: tighten it either way.
      await chmod(opts.outboxDir, 0o700);
      const file = join(opts.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^A-Za-z0-9]/g, '')}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600, flag: 'wx' });
      opts.logger.info({ file, subject: email.subject }, 'SMTP_URL is not set: email written to the development outbox');
    },
  };
}
