import { AuthExpiredError, RateLimitedError, RejectedError, TransientError, type ProviderError } from '../errors.js';
import { excerpt, retryAtFrom, type HttpAnswer } from '../http.js';

/**
 * Maps a Graph API error answer to Herald's typed errors. The envelope is
 * `{"error":{"message","type","code","error_subcode","error_user_msg","is_transient","fbtrace_id"}}`
 * (developers.facebook.com/docs/graph-api/guides/error-handling; Instagram codes from the
 * Instagram Platform error-code table). The order of the checks matters: a specific subcode wins over
 * its general code (e.g. code 4 is throttling, but 4/2207051 is Instagram's spam restriction).
 */
export interface GraphErrorBody {
  message: string;
  type: string | undefined;
  code: number | undefined;
  subcode: number | undefined;
  userMessage: string | undefined;
  isTransient: boolean;
  fbtraceId: string | undefined;
}

/** Token expired, revoked, or invalidated (password change, app removed, session invalid). */
const AUTH_SUBCODES = new Set([458, 459, 460, 463, 464, 467, 492]);
/** App, user, page and custom (per-endpoint) throttles. */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
/** Instagram: the daily Content Publishing limit was reached (code 9, "application limit"). */
const IG_PUBLISH_LIMIT_SUBCODE = 2207042;
/** Instagram: "we restrict certain activity" (code 4): a spam verdict, not a throttle. */
const IG_SPAM_SUBCODE = 2207051;
/** Facebook: "you're posting too fast" (a temporary block on posting). */
const FB_POSTING_TOO_FAST_SUBCODE = 1390008;
/** Instagram: the container was not found or had expired; a new one is needed. */
const IG_CONTAINER_GONE_SUBCODES = new Set([2207008, 2207020]);

/** When the answer gives no hint, a throttled client waits this long. */
const THROTTLE_FALLBACK_MS = 15 * 60_000;
const POSTING_BLOCK_FALLBACK_MS = 60 * 60_000;

export function parseGraphError(json: unknown): GraphErrorBody | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const error = (json as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as Record<string, unknown>;
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined);
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  return {
    message: text(e.message) ?? 'Unknown Graph API error',
    type: text(e.type),
    code: int(e.code),
    subcode: int(e.error_subcode),
    userMessage: text(e.error_user_msg),
    isTransient: e.is_transient === true,
    fbtraceId: text(e.fbtrace_id),
  };
}

export function graphError(platformName: string, answer: HttpAnswer, now = Date.now()): ProviderError {
  const body = parseGraphError(answer.json);
  if (!body) return unstructuredError(platformName, answer, now);
  const { code, subcode } = body;
  const platformCode = code === undefined ? undefined : subcode === undefined ? String(code) : `${code}/${subcode}`;
  // The platform's own words; the user-facing message is the clearer one when present.
  const said = body.userMessage && body.userMessage !== body.message ? `${body.message} (${body.userMessage})` : body.message;
  const message = `${platformName}: ${said}`;

  if (code === 190 || code === 102 || (subcode !== undefined && AUTH_SUBCODES.has(subcode))) return new AuthExpiredError(message, platformCode);
  if (subcode === IG_SPAM_SUBCODE) return new RejectedError(message, platformCode);
  if (subcode === IG_PUBLISH_LIMIT_SUBCODE || code === 9) return new RateLimitedError(message, usageRetryAt(answer.headers, POSTING_BLOCK_FALLBACK_MS, now), platformCode);
  if (subcode === FB_POSTING_TOO_FAST_SUBCODE) return new RateLimitedError(message, usageRetryAt(answer.headers, POSTING_BLOCK_FALLBACK_MS, now), platformCode);
  if (code !== undefined && (RATE_LIMIT_CODES.has(code) || (code >= 80000 && code <= 80014))) {
    return new RateLimitedError(message, usageRetryAt(answer.headers, THROTTLE_FALLBACK_MS, now), platformCode);
  }
  if (subcode !== undefined && IG_CONTAINER_GONE_SUBCODES.has(subcode)) return new TransientError(message, platformCode);
  // 1 "unknown", 2 "service": temporary by Meta's own table; -1/-2 are Instagram's server/download errors.
  if (code === 1 || code === 2 || code === -1 || code === -2 || body.isTransient || answer.status >= 500) return new TransientError(message, platformCode);
  // Everything else (100 invalid parameter, 10 and 200–299 permissions, 368 policy block, 506
  // duplicate post, Instagram media errors) is a verdict on the request: retrying cannot help.
  return new RejectedError(message, platformCode);
}

function unstructuredError(platformName: string, answer: HttpAnswer, now: number): ProviderError {
  const what = `${platformName} answered HTTP ${answer.status}${answer.text ? `: ${excerpt(answer.text, 200)}` : ''}`;
  if (answer.status === 429) return new RateLimitedError(what, usageRetryAt(answer.headers, THROTTLE_FALLBACK_MS, now), String(answer.status));
  if (answer.status === 401) return new AuthExpiredError(what, String(answer.status));
  if (answer.status >= 500 || answer.status < 400) return new TransientError(what, String(answer.status));
  return new RejectedError(what, String(answer.status));
}

/**
 * When Meta will let the app call again: the largest `estimated_time_to_regain_access` (minutes) in
 * `X-Business-Use-Case-Usage` (`{"<id>":[{type, call_count, …, estimated_time_to_regain_access}]}`)
 * or `X-App-Usage`, else `Retry-After`, else `fallbackMs` from now.
 */
export function usageRetryAt(headers: Headers, fallbackMs: number, now = Date.now()): Date {
  let minutes = 0;
  for (const name of ['x-business-use-case-usage', 'x-app-usage', 'x-page-usage', 'x-ad-account-usage']) {
    const raw = headers.get(name);
    if (!raw) continue;
    try {
      minutes = Math.max(minutes, largestRegainMinutes(JSON.parse(raw) as unknown));
    } catch {
      // A malformed usage header is ignored; the fallback still applies.
    }
  }
  if (minutes > 0) return new Date(now + minutes * 60_000);
  return retryAtFrom(headers, fallbackMs, now);
}

function largestRegainMinutes(value: unknown, depth = 0): number {
  if (depth > 4 || typeof value !== 'object' || value === null) return 0;
  if (Array.isArray(value)) return Math.max(0, ...value.map((v) => largestRegainMinutes(v, depth + 1)));
  let best = 0;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'estimated_time_to_regain_access') {
      const n = typeof v === 'number' ? v : Number(v);
      if (Number.isFinite(n)) best = Math.max(best, n);
    } else {
      best = Math.max(best, largestRegainMinutes(v, depth + 1));
    }
  }
  return best;
}
