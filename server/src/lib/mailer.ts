import { mkdir, writeFile } from 'node:fs/promises';
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
 * Sends mail through SMTP_URL. Without SMTP, messages are written as .eml files to
 * `<dataDir>/outbox/` so a local install can still read its invitation and reset mails.
 */
export interface Mailer {
  readonly configured: boolean;
  send(email: Email): Promise<void>;
}

export function createMailer(opts: { smtpUrl: string | undefined; from: string; outboxDir: string; logger: Logger }): Mailer {
  if (opts.smtpUrl) {
    const transport: Transporter = nodemailer.createTransport(opts.smtpUrl);
    return {
      configured: true,
      async send(email) {
        await transport.sendMail({ from: opts.from, ...email });
      },
    };
  }
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    configured: false,
    async send(email) {
      const info = await stream.sendMail({ from: opts.from, ...email });
      await mkdir(opts.outboxDir, { recursive: true, mode: 0o700 });
      const file = join(opts.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^A-Za-z0-9]/g, '')}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      opts.logger.info({ file, subject: email.subject }, 'SMTP_URL is not set: email written to the outbox');
    },
  };
}
