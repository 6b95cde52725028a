import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { KeyRing } from '../../lib/crypto.js';
import { AppError } from '../../lib/errors.js';

/**
 * Signed, expiring media URLs: `${publicUrl}/api/v1/media/file/<token>`, where the token is
 * `base64url(JSON {k: storageKey, e: expiry in unix seconds}) "." base64url(HMAC-SHA256)` under
 * `keys.derive('media-url')`. Anyone holding the URL may fetch the bytes until it expires (platforms such
 * as Instagram download media themselves); nothing else about the media or its organization leaks.
 * Rotating the secret key invalidates outstanding URLs (they live at most a day).
 */
export const MEDIA_FILE_PATH = '/api/v1/media/file/';

const derivedKeys = new WeakMap<KeyRing, Buffer>();

function signingKey(keys: KeyRing): Buffer {
  let key = derivedKeys.get(keys);
  if (!key) {
    key = Buffer.from(keys.derive('media-url'));
    derivedKeys.set(keys, key);
  }
  return key;
}

function mac(keys: KeyRing, payload: string): Buffer {
  return createHmac('sha256', signingKey(keys)).update(`media-url.v1.${payload}`).digest();
}

/** A token for `storageKey` valid until `expiresAt` (unix seconds). */
export function signMediaToken(keys: KeyRing, storageKey: string, expiresAt: number): string {
  const payload = Buffer.from(JSON.stringify({ k: storageKey, e: Math.floor(expiresAt) })).toString('base64url');
  return `${payload}.${mac(keys, payload).toString('base64url')}`;
}

/** Absolute URL on `config.publicUrl` serving `storageKey` for `ttlSeconds` from now. */
export function signMediaUrl(ctx: Pick<AppContext, 'config' | 'keys'>, storageKey: string, ttlSeconds: number): string {
  return mediaUrlUntil(ctx, storageKey, Math.floor(Date.now() / 1000) + ttlSeconds);
}

export function mediaUrlUntil(ctx: Pick<AppContext, 'config' | 'keys'>, storageKey: string, expiresAt: number): string {
  return `${ctx.config.publicUrl}${MEDIA_FILE_PATH}${signMediaToken(ctx.keys, storageKey, expiresAt)}`;
}

/**
 * For the dashboard: an expiry rounded up to the next full hour past `ttlSeconds`, so the same file
 * keeps the same URL for an hour and browsers can cache it.
 */
export function dashboardMediaUrl(ctx: Pick<AppContext, 'config' | 'keys'>, storageKey: string, ttlSeconds = 6 * 3600): string {
  const exp = Math.ceil((Date.now() / 1000 + ttlSeconds) / 3600) * 3600;
  return mediaUrlUntil(ctx, storageKey, exp);
}

/**
 * The storage key inside a media URL Herald signed earlier (any origin: `publicUrl` may have changed
 * since), expired or not; null for any other URL. The MAC is not checked, so pass only URLs Herald
 * itself wrote (e.g. those a platform stored when it took a post): a key rotation since signing would
 * otherwise make them unreadable.
 */
export function storageKeyOfMediaUrl(url: string): string | null {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return null;
  }
  const at = pathname.indexOf(MEDIA_FILE_PATH);
  if (at < 0) return null;
  const token = pathname.slice(at + MEDIA_FILE_PATH.length);
  const dot = token.indexOf('.');
  if (dot <= 0 || token.includes('/')) return null;
  try {
    const { k } = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8')) as { k?: unknown };
    return typeof k === 'string' && k !== '' ? k : null;
  } catch {
    return null;
  }
}

/**
 * A media URL Herald signed earlier for `organizationId` (for example one a platform stored when it
 * took a post), signed again for the dashboard so it can be shown however old it is. Other URLs, and
 * files outside that organization's storage (`<organizationId>/…`), come back unchanged.
 */
export function resignedMediaUrl(ctx: Pick<AppContext, 'config' | 'keys'>, organizationId: string, url: string): string {
  const storageKey = storageKeyOfMediaUrl(url);
  if (storageKey === null || !storageKey.startsWith(`${organizationId}/`)) return url;
  return dashboardMediaUrl(ctx, storageKey);
}

/** The storage key and expiry a token grants; 403 when it is malformed, tampered with or expired. */
export function verifyMediaToken(keys: KeyRing, token: string, nowSeconds = Date.now() / 1000): { storageKey: string; expiresAt: number } {
  const invalid = () => new AppError(403, 'invalid_media_url', 'This media URL is invalid');
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) throw invalid();
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(keys, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { k, e } = (claims ?? {}) as { k?: unknown; e?: unknown };
  if (typeof k !== 'string' || typeof e !== 'number' || !Number.isFinite(e)) throw invalid();
  if (e < nowSeconds) throw new AppError(403, 'media_url_expired', 'This media URL has expired; ask Herald for a fresh one');
  return { storageKey: k, expiresAt: e };
}
