import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './rate-limit.js';

async function exercise(limiter: RateLimiter) {
  const key = `test:${randomUUID()}`;
  const results = [];
  for (let i = 0; i < 4; i++) results.push(await limiter.hit(key, 3, 60));
  expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
  expect(results[3]!.retryAfterSeconds).toBeGreaterThan(0);
  expect(results[3]!.retryAfterSeconds).toBeLessThanOrEqual(60);
  await limiter.reset(key);
  expect((await limiter.hit(key, 3, 60)).allowed).toBe(true);
}

describe('MemoryRateLimiter', () => {
  it('allows max hits per window, then tells when to retry', async () => {
    await exercise(new MemoryRateLimiter());
  });

  it('opens a new window once the old one ends', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter(() => now);
    expect((await limiter.hit('k', 1, 10)).allowed).toBe(true);
    expect((await limiter.hit('k', 1, 10)).allowed).toBe(false);
    now = 10_001;
    expect((await limiter.hit('k', 1, 10)).allowed).toBe(true);
  });
});

// Runs when CI (or a developer) provides a Redis server: counters are shared between limiter instances.
describe.runIf(process.env.TEST_REDIS_URL)('RedisRateLimiter', () => {
  it('shares one budget across instances (API replicas)', async () => {
    const a = new RedisRateLimiter(process.env.TEST_REDIS_URL!);
    const b = new RedisRateLimiter(process.env.TEST_REDIS_URL!);
    try {
      await exercise(a);
      const key = `test:${randomUUID()}`;
      expect((await a.hit(key, 2, 60)).allowed).toBe(true);
      expect((await b.hit(key, 2, 60)).allowed).toBe(true);
      expect((await a.hit(key, 2, 60)).allowed).toBe(false);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
