/**
 * When to try again after a failure that proved the platform did not take the post.
 * Exponential (base · 2^(attempt-1)), capped at one hour, with ±25 % jitter so a burst of failures
 * does not come back as a burst; never earlier than the platform's own reset time.
 */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

export function nextRetryAt(opts: { now: Date; attempt: number; baseMs: number; platformRetryAt?: Date | undefined; random?: () => number }): Date {
  const random = opts.random ?? Math.random;
  const exp = Math.min(MAX_RETRY_DELAY_MS, opts.baseMs * 2 ** Math.max(0, opts.attempt - 1));
  const jittered = exp * (0.75 + 0.5 * random());
  let at = opts.now.getTime() + Math.round(jittered);
  if (opts.platformRetryAt && opts.platformRetryAt.getTime() > at) at = opts.platformRetryAt.getTime();
  return new Date(at);
}
