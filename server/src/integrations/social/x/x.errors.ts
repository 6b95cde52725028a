import { AuthExpiredError, RateLimitedError, RejectedError, TransientError, type ProviderError } from '../errors.js';
import { excerpt, retryAtFrom, type HttpAnswer } from '../http.js';
import { XProblemSchema, XTokenErrorSchema } from './x.schemas.js';

/**
 * Maps X's error answers to the typed provider errors (platform-contracts.md §4.6):
 *   401                       → AuthExpired (the access token is expired or revoked)
 *   403 "Unsupported Authentication" → AuthExpired (the token is not a user token any more)
 *   403 duplicate content     → Rejected('duplicate_content')
 *   429 usage-capped          → RateLimited until the exhausted 24-hour window resets (else a day)
 *   429                       → RateLimited until `x-rate-limit-reset` (or the exhausted 24-hour window)
 *   5xx                       → Transient
 *   any other 4xx             → Rejected with X's own detail
 * Messages quote X's problem text only: X never echoes tokens in error bodies, and raw bodies are cut short.
 */

const FIFTEEN_MINUTES = 15 * 60_000;
const ONE_DAY = 24 * 60 * 60_000;

export function xApiError(answer: HttpAnswer, now = Date.now()): ProviderError {
  const { message, code, title } = describeProblem(answer);
  const status = answer.status;
  if (status === 401) return new AuthExpiredError(`X refused the access token: ${message}`, code ?? 'unauthorized');
  if (status === 429) {
    if (code === 'usage-capped' || /usage ?cap/i.test(message)) {
      // A cap (posts per day or month) outlasts the 15-minute window: retry when its 24-hour window
      // resets, or a day from now when X does not say.
      const reset = windowReset(answer.headers, now) ?? now + ONE_DAY;
      return new RateLimitedError(`X usage cap reached: ${message}`, new Date(reset), 'usage-capped');
    }
    const exhausted = windowReset(answer.headers, now);
    const retryAt = exhausted !== undefined ? new Date(exhausted) : retryAtFrom(answer.headers, FIFTEEN_MINUTES, now);
    return new RateLimitedError(`X rate limit reached: ${message}`, retryAt, code ?? 'rate_limited');
  }
  if (status === 403 && /duplicate content/i.test(message)) return new RejectedError(`X refused the post: ${message}`, 'duplicate_content');
  if (status === 403 && (code === 'unsupported-authentication' || /unsupported authentication/i.test(`${title} ${message}`))) {
    return new AuthExpiredError(`X refused the credentials: ${message}`, 'unsupported_authentication');
  }
  if (status >= 500) return new TransientError(`X is unavailable (HTTP ${status}): ${message}`, code ?? `http_${status}`);
  return new RejectedError(`X refused the request (HTTP ${status}): ${message}`, code ?? `http_${status}`);
}

/**
 * Errors of the token endpoint (`{error, error_description}`). During a code exchange a refusal means
 * the user must start again (Rejected); during a refresh it means the grant is gone (AuthExpired →
 * the channel needs re-authorisation).
 */
export function xTokenError(answer: HttpAnswer, phase: 'exchange' | 'refresh', now = Date.now()): ProviderError {
  const parsed = XTokenErrorSchema.safeParse(answer.json);
  if (!parsed.success || answer.status === 429 || answer.status >= 500) return xApiError(answer, now);
  const { error, error_description: description } = parsed.data;
  const message = description ? `${error}: ${description}` : error;
  if (answer.status === 401 || error === 'unauthorized_client' || error === 'invalid_client') {
    return new RejectedError(`X refused Herald's app credentials (${message}); check X_CLIENT_ID and X_CLIENT_SECRET`, error);
  }
  if (phase === 'refresh') return new AuthExpiredError(`X refused the refresh token (${message}); reconnect the X account`, error);
  return new RejectedError(`X refused the authorization code (${message}); connect the account again`, error);
}

/** X's own words for an error body, and a short code for it. */
export function describeProblem(answer: HttpAnswer): { message: string; code: string | undefined; title: string } {
  const parsed = XProblemSchema.safeParse(answer.json);
  if (!parsed.success) return { message: excerpt(answer.text) || `HTTP ${answer.status}`, code: undefined, title: '' };
  const p = parsed.data;
  const listed = (p.errors ?? []).map((e) => e.message ?? e.detail ?? e.title).filter((m): m is string => !!m);
  const message = listed.length > 0 ? listed.join('; ') : (p.detail ?? p.title ?? (excerpt(answer.text) || `HTTP ${answer.status}`));
  const typeCode = p.type && p.type !== 'about:blank' ? p.type.split('/').pop() : undefined;
  const firstCode = p.errors?.find((e) => e.code !== undefined)?.code;
  return { message: excerpt(message), code: typeCode ?? (firstCode !== undefined ? String(firstCode) : undefined), title: p.title ?? '' };
}

/**
 * When a 429 comes from an exhausted 24-hour window (per user or per app) rather than the 15-minute
 * one, `x-rate-limit-reset` is too early: wait for that window's own reset instead.
 */
function windowReset(headers: Headers, now: number): number | undefined {
  for (const scope of ['user', 'app']) {
    if (headers.get(`x-${scope}-limit-24hour-remaining`) !== '0') continue;
    const reset = Number(headers.get(`x-${scope}-limit-24hour-reset`));
    if (Number.isFinite(reset) && reset > 0) return Math.max(now, reset * 1000);
  }
  return undefined;
}
