/**
 * LinkedIn post commentary is "little text": `@[Name](urn)` is a mention, `#tag` a hashtag, and the
 * characters below are reserved. A reserved character meant as plain text must be preceded by a
 * backslash; unescaped, LinkedIn silently cuts the post at that character (the create call still
 * succeeds). See learn.microsoft.com …/shares/little-text-format.
 *
 * Herald sends the user's text as plain text: every reserved character is escaped, except a `#`
 * that starts a hashtag (at the start or after whitespace, followed by a letter or digit), which is
 * kept so hashtags stay hashtags. Herald does not create mentions.
 */
const RESERVED = new Set(['\\', '|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '*', '_', '~']);

export function toLittleText(text: string): string {
  const chars = [...text.normalize('NFC')];
  let out = '';
  chars.forEach((c, i) => {
    if (c === '#' && startsHashtag(chars, i)) out += c;
    else out += RESERVED.has(c) ? `\\${c}` : c;
  });
  return out;
}

function startsHashtag(chars: string[], i: number): boolean {
  const before = i === 0 ? ' ' : chars[i - 1]!;
  const after = chars[i + 1] ?? '';
  return /\s/u.test(before) && /^[\p{L}\p{N}]$/u.test(after);
}

/** Permalink of a post (share or ugcPost URN) as LinkedIn shows it. */
export function permalinkOf(postUrn: string): string {
  return `https://www.linkedin.com/feed/update/${postUrn}`;
}

/** The author URN an account publishes as; only members and organizations can author posts. */
export function authorKind(externalId: string): 'person' | 'organization' | null {
  if (/^urn:li:person:[A-Za-z0-9_-]+$/.test(externalId)) return 'person';
  if (/^urn:li:organization:\d+$/.test(externalId)) return 'organization';
  return null;
}
