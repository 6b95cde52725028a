import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The development outbox of a test Herald (no SMTP, not production): each mail is one .eml file. */
export class Outbox {
  private readonly taken = new Set<string>();

  constructor(private readonly dataDir: string) {}

  get dir(): string {
    return join(this.dataDir, 'outbox');
  }

  async files(): Promise<string[]> {
    const files = await readdir(this.dir).catch(() => [] as string[]);
    return files.filter((f) => f.endsWith('.eml')).sort();
  }

  /**
   * Waits for the next mail not yet taken whose headers match (`to` case-insensitively, `subject` as a
   * substring) and returns its decoded text. Mail jobs run in any order, so tests wait by what they expect.
   */
  async next(match: { to?: string; subject?: string }, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const file of await this.files()) {
        if (this.taken.has(file)) continue;
        const mail = decode(await readFile(join(this.dir, file), 'utf8'));
        const to = /^To: (.*)$/im.exec(mail)?.[1]?.trim().toLowerCase();
        const subject = /^Subject: (.*)$/im.exec(mail)?.[1] ?? '';
        if (match.to !== undefined && to !== match.to.toLowerCase()) continue;
        if (match.subject !== undefined && !subject.includes(match.subject)) continue;
        this.taken.add(file);
        return mail;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no mail ${JSON.stringify(match)} arrived in the outbox`);
  }
}

/** Undoes quoted-printable soft line breaks and escapes. */
function decode(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The token of the first `${path}?token=…` or `${path}/…` link in a mail. */
export function tokenIn(mail: string, path: '/reset-password' | '/verify-email' | '/invite'): string {
  const pattern = path === '/invite' ? /http:\/\/herald\.test\/invite\/([A-Za-z0-9_-]+)/ : new RegExp(`http://herald\\.test${path}\\?token=([A-Za-z0-9_-]+)`);
  const match = pattern.exec(mail);
  if (!match?.[1]) throw new Error(`no ${path} link in:\n${mail}`);
  return match[1];
}
