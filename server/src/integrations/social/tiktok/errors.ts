import { AuthExpiredError, RateLimitedError, RejectedError, TransientError, type ProviderError } from '../errors.js';
import { excerpt, retryAtFrom } from '../http.js';

/**
 * TikTok's errors, mapped to what Herald does next. Sources: the v2 error-handling page (code → HTTP
 * status), the Direct Post reference (403 for the spam-risk and cap codes), the OAuth error page
 * (flat `{error, error_description, log_id}` bodies) and the status page (`fail_reason`).
 */

/** TikTok's API error struct, `{"error":{"code","message","log_id"}}`; code "ok" on success. */
export interface TikTokApiError {
  code: string;
  message: string;
  logId?: string | undefined;
}

/** The API limits are one-minute sliding windows with no documented reset header. */
const WINDOW_MS = 60_000;
/**
 * The daily caps (posts per creator, active publishing users per app) are counted over a rolling
 * 24 hours and TikTok says nothing of when a slot frees up: waiting a full day is the only wait
 * certain to clear them, and it spends one attempt instead of several.
 */
const DAILY_CAP_MS = 24 * 60 * 60 * 1000;

const DAILY_CAPS = new Set(['spam_risk_too_many_posts', 'spam_risk_too_many_pending_share', 'reached_active_user_cap']);
/** Missing scopes: only a new consent can add them, which is what "needs re-authorisation" asks for. */
const SCOPE_CODES = new Set(['scope_not_authorized', 'scope_permission_missed']);

const EXPLAINED: Record<string, string> = {
  spam_risk_user_banned_from_posting: 'TikTok has banned this account from posting',
  unaudited_client_can_only_post_to_private_accounts: 'This TikTok app is not audited yet, so it can only post to private accounts',
  url_ownership_unverified: "TikTok refuses to fetch media from Herald's address: verify the domain (or URL prefix) in the TikTok developer portal",
  privacy_level_option_mismatch: 'TikTok does not offer the chosen privacy level for this account',
  reached_active_user_cap: 'The TikTok app reached its daily limit of publishing users',
  spam_risk_too_many_posts: 'This TikTok account reached its daily limit of posts made through apps',
};

/** The platform's own words first; a hint says what to do where TikTok's message does not. */
function describe(err: TikTokApiError): string {
  const own = err.message.trim() !== '' ? err.message.trim() : err.code;
  const hint = EXPLAINED[err.code];
  return `TikTok: ${excerpt(hint ? `${hint} (${own})` : own)}${err.logId ? ` (log_id ${err.logId})` : ''}`;
}

/** Maps an API answer that carries an error (any endpoint under open.tiktokapis.com/v2 except OAuth). */
export function apiError(status: number, err: TikTokApiError, headers: Headers, now = Date.now()): ProviderError {
  const message = describe(err);
  const { code } = err;
  if (code === 'access_token_invalid') return new AuthExpiredError(message, code);
  if (SCOPE_CODES.has(code)) return new AuthExpiredError(`${message}; reconnect TikTok and allow every requested permission`, code);
  if (code === 'rate_limit_exceeded') return new RateLimitedError(message, retryAtFrom(headers, WINDOW_MS, now), code);
  if (DAILY_CAPS.has(code)) return new RateLimitedError(message, retryAtFrom(headers, DAILY_CAP_MS, now), code);
  if (code === 'internal_error' || code === 'internal') return new TransientError(message, code);
  return byStatus(status, message, headers, now, code);
}

/** An answer with no TikTok error struct (a proxy page, an upload host's bare status). */
export function statusError(status: number, text: string, headers: Headers, now = Date.now()): ProviderError {
  const body = excerpt(text, 200);
  return byStatus(status, `TikTok answered HTTP ${status}${body ? `: ${body}` : ''}`, headers, now);
}

function byStatus(status: number, message: string, headers: Headers, now: number, code?: string): ProviderError {
  if (status === 429) return new RateLimitedError(message, retryAtFrom(headers, WINDOW_MS, now), code);
  if (status >= 500) return new TransientError(message, code);
  if (status === 401) return new AuthExpiredError(message, code);
  return new RejectedError(message, code);
}

/** The OAuth endpoint's flat error body. */
export interface TikTokOAuthError {
  error: string;
  description: string;
  logId?: string | undefined;
}

/**
 * Token endpoint errors. During a refresh, `invalid_grant` means the refresh token expired, was
 * revoked or was already rotated away: only a new consent helps. During a code exchange every
 * client error is final (a code is single-use).
 */
export function oauthError(grant: 'authorization_code' | 'refresh_token', status: number, err: TikTokOAuthError, headers: Headers, now = Date.now()): ProviderError {
  const text = `TikTok sign-in: ${excerpt(err.description || err.error)}${err.logId ? ` (log_id ${err.logId})` : ''}`;
  if (status === 429 || err.error === 'rate_limit_exceeded') return new RateLimitedError(text, retryAtFrom(headers, WINDOW_MS, now), err.error);
  if (status >= 500 || err.error === 'server_error' || err.error === 'temporarily_unavailable') return new TransientError(text, err.error);
  if (grant === 'refresh_token' && err.error === 'invalid_grant') return new AuthExpiredError(text, err.error);
  return new RejectedError(text, err.error);
}

/** What a reader can do about a post TikTok gave up on. */
const FAIL_REASONS: Record<string, string> = {
  file_format_check_failed: 'TikTok could not read the file format',
  duration_check_failed: 'TikTok refused the video length',
  frame_rate_check_failed: 'TikTok refused the video frame rate (23–60 fps)',
  picture_size_check_failed: 'TikTok refused the picture or video dimensions',
  video_pull_failed: 'TikTok could not download the video from Herald',
  photo_pull_failed: 'TikTok could not download a photo from Herald',
  publish_cancelled: 'The post was cancelled on TikTok',
};
/** TikTok's own fetch or processing trouble: nothing was posted, so trying again is safe. */
const RETRYABLE_FAIL_REASONS = new Set(['video_pull_failed', 'photo_pull_failed', 'internal', 'internal_error']);

/**
 * A post whose status ended FAILED: certainly not published, so the error may be retried or shown.
 * Reasons shared with the API error codes (spam risk, caps, a revoked authorisation) map the same way.
 */
export function failReasonError(reason: string, now = Date.now()): ProviderError {
  const known = FAIL_REASONS[reason] ?? EXPLAINED[reason];
  const text = `TikTok did not publish the post: ${known ? `${known} (${reason})` : reason}`;
  if (RETRYABLE_FAIL_REASONS.has(reason)) return new TransientError(text, reason);
  if (DAILY_CAPS.has(reason)) return new RateLimitedError(text, new Date(now + DAILY_CAP_MS), reason);
  if (reason === 'auth_removed' || reason === 'access_token_invalid') return new AuthExpiredError(text, reason);
  return new RejectedError(text, reason);
}
