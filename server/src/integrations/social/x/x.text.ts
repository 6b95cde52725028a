import { twitterText } from '../twitter-text.js';
import type { XTweet } from './x.schemas.js';

/**
 * Recognising our own post among an account's recent posts. X does not keep the text exactly as sent:
 * every URL becomes a t.co link, `&`, `<`, `>` come back HTML-escaped, a t.co link to the attached
 * media is appended, and long posts keep their full text in `note_tweet`. Both sides are reduced to
 * the same form: text with each URL replaced by a marker, plus the list of URLs (scheme-less).
 */
export interface TextFingerprint {
  body: string;
  urls: string[];
}

const URL_MARK = '\u2063URL\u2063';

/** The fingerprint of the text Herald sends. */
export function fingerprintOfDraft(text: string): TextFingerprint {
  const found = twitterText().extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: true });
  let body = '';
  let at = 0;
  for (const { indices } of found) {
    body += text.slice(at, indices[0]) + URL_MARK;
    at = indices[1];
  }
  body += text.slice(at);
  return { body: tidy(body), urls: found.map((u) => bareUrl(u.url)) };
}

/** The fingerprint of a post as X returns it. */
export function fingerprintOfTweet(tweet: XTweet): TextFingerprint {
  const text = tweet.note_tweet?.text ?? tweet.text;
  const entities = (tweet.note_tweet ? tweet.note_tweet.entities?.urls : tweet.entities?.urls) ?? [];
  const links = new Map(entities.map((e) => [e.url, e]));
  const urls: string[] = [];
  const body = text.replace(/\s*https?:\/\/t\.co\/[A-Za-z0-9]+/g, (match) => {
    const link = links.get(match.trim());
    if (!link) return match;
    if (link.media_key) return '';
    urls.push(bareUrl(link.expanded_url ?? link.url));
    return match.slice(0, match.length - match.trimStart().length) + URL_MARK;
  });
  return { body: tidy(unescapeHtml(body)), urls };
}

export function sameText(a: TextFingerprint, b: TextFingerprint): boolean {
  return a.body === b.body && a.urls.length === b.urls.length && a.urls.every((u, i) => u === b.urls[i]);
}

function tidy(text: string): string {
  return text.normalize('NFC').trim();
}

function unescapeHtml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** `https://Example.com/a/` and `example.com/a` are the same link. */
function bareUrl(url: string): string {
  const noScheme = url.replace(/^https?:\/\//i, '');
  const slash = noScheme.indexOf('/');
  const host = (slash === -1 ? noScheme : noScheme.slice(0, slash)).toLowerCase();
  const rest = slash === -1 ? '' : noScheme.slice(slash);
  return host + rest.replace(/\/+$/, '');
}
