import type { Config } from '../../config.js';
import { tooManyRequests } from '../../lib/errors.js';
import type { RateLimiter } from '../../lib/rate-limit.js';

const REFRESH_IP_FACTOR = 5;

export type LimitedAction = 'login' | 'register' | 'refresh' | 'password-reset' | 'password-reset-confirm' | 'password-change';

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
    // Page loads refresh too, and an office shares one address: refreshes get a larger per-IP budget.
    const ipMax = action === 'refresh' ? this.policy.max * REFRESH_IP_FACTOR : this.policy.max;
    const keys: [string, number][] = [[`auth:${action}:ip:${subject.ip}`, ipMax]];
    if (subject.account !== undefined) keys.push([`auth:${action}:account:${subject.account}`, this.policy.max]);
    let retryAfter = 0;
    for (const [key, max] of keys) {
      const result = await this.limiter.hit(key, max, this.policy.windowSeconds);
      if (!result.allowed) retryAfter = Math.max(retryAfter, result.retryAfterSeconds);
    }
    if (retryAfter > 0) throw tooManyRequests(retryAfter);
  }
}
