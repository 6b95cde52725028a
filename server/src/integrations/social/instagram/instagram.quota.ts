import { AuthExpiredError, RateLimitedError } from '../errors.js';
import { arr, isObject, num, type GraphClient } from '../graph/graph-client.js';
import { graphTime } from '../graph/insights.js';

/**
 * Instagram's Content Publishing limit: a professional account may publish a fixed number of posts
 * (50 in the current docs, 25 in older ones: read it, never assume it) in a moving 24-hour window.
 * GET /{ig-user}/content_publishing_limit?fields=quota_usage,config →
 * `{"data":[{"quota_usage":2,"config":{"quota_total":50,"quota_duration":86400}}]}`.
 */
export interface PublishingQuota {
  usage: number;
  total: number;
  durationSeconds: number;
}

const DEFAULT_WINDOW_SECONDS = 86_400;
/** When the window's oldest post cannot be found, try again in an hour. */
const UNKNOWN_WINDOW_RETRY_MS = 60 * 60_000;

export async function readQuota(graph: GraphClient, igUserId: string, token: string): Promise<PublishingQuota | undefined> {
  const body = await graph.get(`${igUserId}/content_publishing_limit`, token, { fields: 'quota_usage,config' });
  const row = arr(body.data)[0];
  if (!isObject(row)) return undefined;
  const usage = num(row.quota_usage);
  const config = isObject(row.config) ? row.config : undefined;
  const total = config ? num(config.quota_total) : undefined;
  if (usage === undefined || total === undefined) return undefined;
  return { usage, total, durationSeconds: (config ? num(config.quota_duration) : undefined) ?? DEFAULT_WINDOW_SECONDS };
}

/**
 * Throws RateLimitedError when the quota is used up, with `retryAt` when the window frees a slot.
 * A quota that cannot be read does not block publishing: media_publish enforces the limit itself
 * (error 9/2207042), and that answer is handled the same way. Auth and throttling errors propagate.
 */
export async function ensurePublishingQuota(graph: GraphClient, igUserId: string, token: string, now = Date.now()): Promise<void> {
  let quota: PublishingQuota | undefined;
  try {
    quota = await readQuota(graph, igUserId, token);
  } catch (err) {
    if (err instanceof AuthExpiredError || err instanceof RateLimitedError) throw err;
    return;
  }
  if (!quota || quota.usage < quota.total) return;
  const retryAt = await windowFrees(graph, igUserId, token, quota.durationSeconds, now);
  throw new RateLimitedError(
    `Instagram: this account has published ${quota.usage} of ${quota.total} posts allowed in ${Math.round(quota.durationSeconds / 3600)} hours`,
    retryAt,
    'content_publishing_limit',
  );
}

/**
 * When the oldest post inside the moving window leaves it (its timestamp + the window), which frees
 * a slot. Read from the account's media since the window began; falls back to an hour from now.
 */
export async function windowFrees(graph: GraphClient, igUserId: string, token: string, durationSeconds = DEFAULT_WINDOW_SECONDS, now = Date.now()): Promise<Date> {
  const windowStart = now - durationSeconds * 1000;
  try {
    const { items } = await graph.list(`${igUserId}/media`, token, { fields: 'id,timestamp', since: Math.floor(windowStart / 1000), limit: 100 }, 5);
    const times = items
      .map((m) => graphTime(m.timestamp)?.getTime())
      .filter((t): t is number => t !== undefined && t >= windowStart);
    if (times.length > 0) return new Date(Math.max(now, Math.min(...times) + durationSeconds * 1000 + 60_000));
  } catch {
    // The fallback below is a safe guess.
  }
  return new Date(now + UNKNOWN_WINDOW_RETRY_MS);
}
