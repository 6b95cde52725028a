import type { Redis } from 'ioredis';

/**
 * Fixed-window counters. In memory by default (one process); in Redis when REDIS_URL is set,
 * so several API replicas share one budget per IP and per account.
 */
export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window resets (for Retry-After). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  hit(key: string, max: number, windowSeconds: number): Promise<RateLimitResult>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, max: number, windowSeconds: number): Promise<RateLimitResult> {
    const now = this.now();
    this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowSeconds * 1000 };
      this.windows.set(key, w);
    }
    w.count += 1;
    return { allowed: w.count <= max, retryAfterSeconds: Math.max(1, Math.ceil((w.resetAt - now) / 1000)) };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async close(): Promise<void> {
    this.windows.clear();
  }

  /** Drops expired windows at most once a minute so memory stays bounded. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}

export class RedisRateLimiter implements RateLimiter {
  /** ioredis is loaded here, not at import: a Herald without Redis never pays for loading it. */
  private readonly redis: Promise<Redis>;

  constructor(url: string, private readonly prefix = 'herald:rl:') {
    this.redis = import('ioredis').then((m) => new m.Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false }));
  }

  async hit(key: string, max: number, windowSeconds: number): Promise<RateLimitResult> {
    const k = this.prefix + key;
    // INCR then set the expiry only on the first hit of a window; PTTL tells when it resets.
    const results = await (await this.redis).multi().incr(k).pexpire(k, windowSeconds * 1000, 'NX').pttl(k).exec();
    if (!results) throw new Error('Redis transaction aborted');
    const count = Number(results[0]?.[1] ?? 0);
    const ttl = Number(results[2]?.[1] ?? windowSeconds * 1000);
    return { allowed: count <= max, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
  }

  async reset(key: string): Promise<void> {
    await (await this.redis).del(this.prefix + key);
  }

  async close(): Promise<void> {
    await (await this.redis).quit().catch(() => undefined);
  }
}

export function createRateLimiter(redisUrl: string | undefined): RateLimiter {
  return redisUrl ? new RedisRateLimiter(redisUrl) : new MemoryRateLimiter();
}
