import { AuthExpiredError, type ProviderError, RateLimitedError, RejectedError, TransientError } from '../errors.js';
import { excerpt, type HttpAnswer, retryAtFrom } from '../http.js';

/**
 * LinkedIn's error bodies, mapped to the typed errors. The documented body is
 * `{"message","serviceErrorCode","status"}`; newer answers add `code` (e.g. `NONEXISTENT_VERSION`),
 * and the OAuth endpoint answers `{"error","error_description"}`.
 */
interface LinkedInErrorBody {
  message?: unknown;
  serviceErrorCode?: unknown;
  code?: unknown;
  error?: unknown;
  error_description?: unknown;
}

export interface PlatformFault {
  message: string | undefined;
  code: string | undefined;
}

export function readFault(answer: HttpAnswer): PlatformFault {
  const body = (answer.json && typeof answer.json === 'object' ? answer.json : {}) as LinkedInErrorBody;
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const message = str(body.message) ?? str(body.error_description) ?? (answer.json === null && answer.text ? excerpt(answer.text) : undefined);
  const code = str(body.code) ?? (typeof body.serviceErrorCode === 'number' ? String(body.serviceErrorCode) : undefined) ?? str(body.error);
  return { message, code };
}

/** LinkedIn's daily limits reset at midnight UTC; it sends no Retry-After for them. */
export function nextUtcMidnight(now = Date.now()): Date {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
}

/**
 * Maps a non-2xx answer from the versioned API (or an upload URL):
 * 401 → AuthExpired · 429 → RateLimited (Retry-After, else next midnight UTC) · 426 → Rejected with
 * a hint to update HERALD_LINKEDIN_VERSION · 5xx → Transient · other 4xx (400, 403, 404, 422
 * duplicate…) → Rejected with LinkedIn's own message.
 */
export function mapRestError(answer: HttpAnswer, ctx: { version: string; now?: number }): ProviderError {
  const { status } = answer;
  const fault = readFault(answer);
  const said = fault.message ?? `HTTP ${status}`;
  if (status === 401) {
    return new AuthExpiredError(`LinkedIn no longer accepts this channel's access token: ${said}`, fault.code ?? 'unauthorized');
  }
  if (status === 429) {
    const now = ctx.now ?? Date.now();
    const retryAt = retryAtFrom(answer.headers, nextUtcMidnight(now).getTime() - now, now);
    return new RateLimitedError(`LinkedIn rate limit reached: ${said}`, retryAt, fault.code ?? 'throttled');
  }
  if (status === 426 || fault.code === 'NONEXISTENT_VERSION') {
    return new RejectedError(
      `LinkedIn no longer serves API version ${ctx.version} (${said}). Set HERALD_LINKEDIN_VERSION to a current YYYYMM version and restart Herald.`,
      fault.code ?? 'NONEXISTENT_VERSION',
    );
  }
  if (status >= 500) return new TransientError(`LinkedIn is temporarily unavailable (HTTP ${status}): ${said}`, fault.code ?? `http_${status}`);
  const duplicate = status === 422 && /duplicate/i.test(said);
  return new RejectedError(`LinkedIn: ${said}`, fault.code ?? (duplicate ? 'DUPLICATE_POST' : `http_${status}`));
}

/**
 * Maps an error from the OAuth token endpoint. `invalid_grant`/`invalid_request` on a refresh means
 * the refresh token is dead (expired after its 365 days, or revoked): the channel needs re-auth.
 * On a code exchange the same answer means the code was bad, expired or reused: the connect fails.
 */
export function mapOAuthError(answer: HttpAnswer, grant: 'authorization_code' | 'refresh_token', now = Date.now()): ProviderError {
  const fault = readFault(answer);
  const said = fault.message ?? fault.code ?? `HTTP ${answer.status}`;
  if (answer.status === 429) return new RateLimitedError(`LinkedIn rate limit reached: ${said}`, retryAtFrom(answer.headers, nextUtcMidnight(now).getTime() - now, now), fault.code);
  if (answer.status >= 500) return new TransientError(`LinkedIn is temporarily unavailable (HTTP ${answer.status}): ${said}`, fault.code);
  if (fault.code === 'invalid_client' || answer.status === 401) {
    return new RejectedError(`LinkedIn refused Herald's app credentials (check LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET): ${said}`, fault.code ?? 'invalid_client');
  }
  if (grant === 'refresh_token') return new AuthExpiredError(`LinkedIn refused the refresh token; reconnect the channel: ${said}`, fault.code);
  return new RejectedError(`LinkedIn refused the authorization code: ${said}`, fault.code);
}
