import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A contract fake of an SMTP relay (RFC 5321), on 127.0.0.1 without TLS. It speaks the commands a
 * submission client uses: EHLO/HELO (220 greeting, 250 reply), MAIL FROM, RCPT TO (each 250; RCPT before
 * MAIL is 503 "bad sequence of commands", §4.3.2), DATA (354, then the message up to `<CRLF>.<CRLF>`,
 * with dot-stuffing undone as §4.5.2 requires; 250), RSET, NOOP, QUIT (221). Every delivered message is
 * kept, decoded from quoted-printable, for the test to read.
 */
export interface DeliveredMail {
  from: string;
  to: string[];
  /** Headers and body, with quoted-printable soft breaks and escapes undone. */
  text: string;
}

export class FakeSmtp {
  readonly delivered: DeliveredMail[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeSmtp> {
    const server = createServer();
    const fake = new FakeSmtp(server);
    server.on('connection', (socket) => fake.session(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `smtp://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Waits until a message to `to` whose text includes `contains` has been delivered, and returns it. */
  async waitFor(match: { to: string; contains?: string }, timeoutMs = 20_000): Promise<DeliveredMail> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.delivered.find(
        (m) => m.to.some((r) => r.toLowerCase() === match.to.toLowerCase()) && (match.contains === undefined || m.text.includes(match.contains)),
      );
      if (found) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no mail to ${match.to}${match.contains ? ` containing ${match.contains}` : ''} was delivered`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private session(socket: Socket): void {
    let buffer = '';
    let from: string | null = null;
    let to: string[] = [];
    let data: string[] | null = null;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 fake-smtp.test ESMTP ready');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data !== null) {
          if (line === '.') {
            this.delivered.push({ from: from ?? '', to, text: decodeQuotedPrintable(data.join('\r\n')) });
            data = null;
            from = null;
            to = [];
            reply('250 2.0.0 queued');
          } else {
            data.push(line.startsWith('.') ? line.slice(1) : line);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 fake-smtp.test');
        else if (verb === 'MAIL') {
          from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          reply('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          if (from === null) reply('503 5.5.1 bad sequence of commands');
          else {
            to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
            reply('250 2.1.5 ok');
          }
        } else if (verb === 'DATA') {
          if (from === null || to.length === 0) reply('503 5.5.1 bad sequence of commands');
          else {
            data = [];
            reply('354 end data with <CR><LF>.<CR><LF>');
          }
        } else if (verb === 'RSET') {
          from = null;
          to = [];
          reply('250 2.0.0 ok');
        } else if (verb === 'NOOP') reply('250 2.0.0 ok');
        else if (verb === 'QUIT') {
          reply('221 2.0.0 bye');
          socket.end();
        } else reply('502 5.5.2 command not implemented');
      }
    });
    socket.on('error', () => socket.destroy());
  }
}

function decodeQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
