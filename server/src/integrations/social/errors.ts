/**
 * Typed provider errors: each decides what the publishing pipeline does next.
 * - AuthExpired  → refresh the token once, else the channel needs re-authorisation;
 * - RateLimited  → wait until `retryAt` (the platform's reset time), then retry;
 * - Transient    → retry with exponential backoff (the platform certainly did not take the post);
 * - Rejected     → fail with the platform's own message (retrying cannot help);
 * - UnknownOutcome → the request may have reached the platform (timeout, dropped connection):
 *                  never retried blindly, the reconciler asks the platform first.
 */
export abstract class ProviderError extends Error {
  abstract readonly kind: 'auth_expired' | 'rate_limited' | 'transient' | 'rejected' | 'unknown_outcome';
  constructor(
    message: string,
    /** The platform's own error code, when it gave one. */
    readonly platformCode?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class AuthExpiredError extends ProviderError {
  readonly kind = 'auth_expired';
}

export class RateLimitedError extends ProviderError {
  readonly kind = 'rate_limited';
  constructor(message: string, readonly retryAt: Date, platformCode?: string) {
    super(message, platformCode);
  }
}

export class TransientError extends ProviderError {
  readonly kind = 'transient';
}

export class RejectedError extends ProviderError {
  readonly kind = 'rejected';
}

export class UnknownOutcomeError extends ProviderError {
  readonly kind = 'unknown_outcome';
}

export function isProviderError(err: unknown): err is ProviderError {
  return err instanceof ProviderError;
}
