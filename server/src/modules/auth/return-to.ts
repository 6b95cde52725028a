const BASE = 'http://return-to.invalid';

/** A path another origin could be reached through: `//host`, `/\host`, or anything with control characters. */
const unsafe = (path: string) => !path.startsWith('/') || path.startsWith('//') || path.includes('\\') || hasControlCharacter(path);

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * Where to send the browser after sign-in: only a same-origin path such as `/posts?view=week`.
 * Anything else (absolute URLs, `//host`, `/\host`, `/..//host` which normalises to `//host`) becomes `/`.
 */
export function safeReturnTo(value: string | undefined): string {
  if (!value || unsafe(value)) return '/';
  try {
    const url = new URL(value, BASE);
    const path = `${url.pathname}${url.search}${url.hash}`;
    return url.origin === BASE && !unsafe(path) ? path : '/';
  } catch {
    return '/';
  }
}
