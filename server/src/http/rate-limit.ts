import fastifyRateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { tooManyRequests } from '../lib/errors.js';

/**
 * The general budget of every API route: `max` requests per window per signed-in user (whatever their
 * address), else per client IP (as `TRUST_PROXY` resolves it; IPv6 per /64). Answers carry the IETF draft headers
 * `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`; a refusal is 429 with `Retry-After` in
 * Herald's error shape. Counters live in Redis when `REDIS_URL` is set, so API replicas share them; if
 * Redis cannot be reached, requests go through rather than fail.
 *
 * Register inside the `/api/v1` scope: the check is a route-level onRequest hook, so it runs after
 * authentication (an app-level hook) has set `request.user`. The auth endpoints keep their own, much
 * smaller, per-IP and per-account budgets on top of this one (modules/auth/rate-limit.ts).
 */
export async function registerApiRateLimit(api: FastifyInstance, config: Config): Promise<void> {
  const { max, windowSeconds } = config.apiRateLimit;
  // ioredis is loaded only when Redis is configured.
  const redis = config.redisUrl ? new (await import('ioredis')).Redis(config.redisUrl, { connectTimeout: 1000, maxRetriesPerRequest: 1, enableOfflineQueue: true }) : undefined;
  if (redis) {
    // ioredis reports connection trouble as events; the limiter itself skips the check while Redis is away.
    redis.on('error', (err: Error) => api.log.warn({ err: { message: err.message } }, 'rate limit store unreachable'));
    api.addHook('onClose', async () => {
      await redis.quit().catch(() => undefined);
    });
  }
  await api.register(fastifyRateLimit, {
    global: true,
    max,
    timeWindow: windowSeconds * 1000,
    enableDraftSpec: true,
    skipOnError: true,
    nameSpace: 'herald:api-rl:',
    ...(redis ? { redis } : {}),
    keyGenerator: (request) => (request.user ? `user:${request.user.id}` : `ip:${normalizeIP(request.ip)}`),
    errorResponseBuilder: (_request, context) => tooManyRequests(Math.max(1, Math.ceil(context.ttl / 1000))),
  });
}
