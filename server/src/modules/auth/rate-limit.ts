import type { Config } from '../../config.js';
import { tooManyRequests } from '../../lib/errors.js';
import type { RateLimiter } from '../../lib/rate-limit.js';

/**
 * Refreshes get this many times the login budget, per IP and per session family: every page load
 * refreshes, an office shares one address, and each open dashboard tab refreshes the same family.
 * A stolen refresh token is still useless after its first rotation (reuse revokes the family).
 */
const REFRESH_FACTOR = 5;

export type LimitedAction =
  | 'login'
  | 'register'
  | 'refresh'
  | 'password-reset'
  | 'password-reset-confirm'
  | 'password-change'
  | 'email-verification'
  | 'email-verification-confirm';

/**
 * Brute-force brakes for the auth endpoints: one budget per client IP and one per account
 * (lowercased email, session family or user id) for each action. Every attempt counts, successful
 * or not; nothing resets a counter early, so a valid login cannot be used to clear an IP's budget.
 */
export class AuthRateLimits {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly policy: Config['auth']['rateLimit'],
  ) {}

  /** Counts one attempt; throws 429 (with Retry-After) when the IP or the account is over its budget. */
  async check(action: LimitedAction, subject: { ip: string; account?: string | undefined }): Promise<void> {
    const budget = action === 'refresh' ? this.policy.max * REFRESH_FACTOR : this.policy.max;
    const keys: [string, number][] = [[`auth:${action}:ip:${subject.ip}`, budget]];
    if (subject.account !== undefined) keys.push([`auth:${action}:account:${subject.account}`, budget]);
    let retryAfter = 0;
    for (const [key, max] of keys) {
      const result = await this.limiter.hit(key, max, this.policy.windowSeconds);
      if (!result.allowed) retryAfter = Math.max(retryAfter, result.retryAfterSeconds);
    }
    if (retryAfter > 0) throw tooManyRequests(retryAfter);
  }
}
