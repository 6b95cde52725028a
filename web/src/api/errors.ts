/**
 * Every failed API call surfaces as an ApiError. The server always answers
 * `{error: {code, message, details?}}`; validation failures carry `details.fields` ({field: message}).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;
  /** Seconds to wait before trying again (from Retry-After on a 429). */
  readonly retryAfter: number | null;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, fields: Record<string, string> = {}, retryAfter: number | null = null, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.retryAfter = retryAfter;
    this.details = details;
  }

  static fromResponse(response: Response, body: unknown): ApiError {
    const error = isRecord(body) && isRecord(body.error) ? body.error : {};
    const code = typeof error.code === 'string' ? error.code : `http_${response.status}`;
    const message = typeof error.message === 'string' ? error.message : response.statusText || 'Request failed';
    const details = isRecord(error.details) ? error.details : {};
    const fields: Record<string, string> = {};
    if (isRecord(details.fields)) {
      for (const [name, value] of Object.entries(details.fields)) {
        if (typeof value === 'string') fields[name] = value;
      }
    }
    const retryAfter = parseRetryAfter(response.headers.get('retry-after')) ?? (typeof details.retryAfterSeconds === 'number' ? Math.ceil(details.retryAfterSeconds) : null);
    return new ApiError(response.status, code, message, fields, retryAfter, details);
  }

  /** The message for one form field; nested paths such as `defaultHashtags.2` count for `defaultHashtags`. */
  fieldError(name: string): string | undefined {
    if (this.fields[name]) return this.fields[name];
    const nested = Object.keys(this.fields).find((key) => key.startsWith(`${name}.`));
    return nested === undefined ? undefined : this.fields[nested];
  }
}

export const networkError = () => new ApiError(0, 'network_error', 'We couldn’t reach Herald. Check your connection and try again.');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function parseRetryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Codes whose server message is already written for people, shown as is. */
const FRIENDLY_CODES: Record<string, string> = {
  invalid_credentials: 'That email and password don’t match. Check them and try again.',
  last_owner: 'An organization needs at least one owner. Make someone else an owner first.',
  invitation_email_mismatch: 'This invitation was sent to a different email address. Sign in with that address to accept it.',
  invitation_expired: 'This invitation has expired. Ask the person who invited you to send a new one.',
  invalid_reset_token: 'This reset link is invalid or has expired. Request a new one.',
  invalid_current_password: 'Your current password isn’t right.',
  email_taken: 'An account with this email already exists. Try logging in instead.',
  no_free_slot: 'None of these channels has a free posting slot in the next 8 weeks. Add posting slots on the Channels page, or pick a time yourself.',
  scheduled_in_past: 'That time has already passed. Pick a later time, or publish now.',
  post_locked: 'This post is publishing or already published, so it can’t be edited any more. Duplicate it to post again.',
  post_not_deletable: 'Only drafts and scheduled posts can be deleted; this one has already gone (or is going) out.',
  publishing_in_progress: 'This post is being published right now. Wait a moment until it finishes.',
  channel_disconnected: 'This channel is disconnected.',
};

/** A sentence a person can act on, for any error (ApiError or not). */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something unexpected happened. Please try again.';
  const known = FRIENDLY_CODES[error.code];
  if (known) return known;
  switch (error.status) {
    case 0:
      return error.message;
    case 400:
      return error.code === 'validation_failed' ? 'Some fields need your attention.' : error.message;
    case 401:
      return 'Your session has ended. Please log in again.';
    case 403:
      // Rule-based refusals ("Only an owner can remove an owner") explain themselves; plain role checks do not.
      return typeof error.details.rule === 'string' ? error.message : 'You don’t have permission to do that. Ask an owner or admin of this organization.';
    case 404:
      return 'We couldn’t find that. It may have been deleted, or you may not have access to it.';
    case 409:
      return error.message || 'That conflicts with the current state. Refresh and try again.';
    case 410:
      return error.message || 'That link is no longer valid.';
    case 429:
      return error.retryAfter !== null
        ? `Too many attempts. Please wait ${error.retryAfter} second${error.retryAfter === 1 ? '' : 's'} and try again.`
        : 'Too many attempts. Please wait a moment and try again.';
    default:
      return error.status >= 500 ? 'Something went wrong on our side. Please try again in a moment.' : error.message;
  }
}

/**
 * Splits an error between form fields (shown beside each field) and a banner for everything else.
 * The banner is null when every problem the server reported belongs to a field on this form.
 */
export function splitError<Name extends string>(error: unknown, names: readonly Name[]): { fields: Partial<Record<Name, string>>; banner: string | null } {
  if (!error) return { fields: {}, banner: null };
  const fields: Partial<Record<Name, string>> = {};
  if (error instanceof ApiError) {
    for (const name of names) {
      const message = error.fieldError(name);
      if (message) fields[name] = message;
    }
    const reported = Object.keys(error.fields);
    const allPlaced = reported.length > 0 && reported.every((key) => names.some((name) => key === name || key.startsWith(`${name}.`)));
    if (allPlaced) return { fields, banner: null };
  }
  return { fields, banner: describeError(error) };
}
