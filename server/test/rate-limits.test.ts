import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseTrustProxy } from '../src/config.js';
import { createTestApp, type TestApp } from './helpers/app.js';

/** Client addresses behind proxies (TRUST_PROXY) and the general API budget (HERALD_RATE_LIMIT_*). */

const password = 'a sufficiently long one';

describe('TRUST_PROXY', () => {
  it('accepts true/false, a hop count or a list of IPs and CIDRs', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.5,fd00::/8')).toEqual(['10.0.0.0/8', '192.168.1.5', 'fd00::/8']);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
  });

  it('stops start-up with a clear message on anything else', () => {
    for (const bad of ['maybe', '10.0.0.0/33', '10.0.0', 'proxy.internal', '::1/129', '1.2.3.4/8/8', '-1', '1000']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(ConfigError);
    }
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.internal' })).toThrow(/TRUST_PROXY: "proxy.internal" is not an IP address or CIDR; use true, false, a hop count/);
  });

  describe('with one trusted hop', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ TRUST_PROXY: '1', AUTH_RATE_LIMIT_MAX: '3', AUTH_RATE_LIMIT_WINDOW_SECONDS: '600' });
    });
    afterAll(async () => t?.close());

    /** A login that reached us through our proxy (10.9.0.1), which appended the address it saw. */
    const viaProxy = (forwardedFor: string, email: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '10.9.0.1',
        headers: { 'x-forwarded-for': forwardedFor },
        payload: { email, password },
      });

    it('takes the client address from the nearest proxy: a spoofed leftmost X-Forwarded-For changes nothing', async () => {
      // The attacker sends a different made-up address each time; the proxy appends the real one.
      for (const n of [1, 2, 3]) {
        expect((await viaProxy(`198.51.100.${n}, 203.0.113.7`, `spray${n}@example.com`)).statusCode).toBe(401);
      }
      const limited = await viaProxy('198.51.100.99, 203.0.113.7', 'spray4@example.com');
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.code).toBe('rate_limited');
      // Another real client behind the same proxy keeps its own budget.
      expect((await viaProxy('203.0.113.8', 'spray5@example.com')).statusCode).toBe(401);
    });
  });
});

describe('general API rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ HERALD_RATE_LIMIT_MAX: '5', HERALD_RATE_LIMIT_WINDOW_SECONDS: '600', AUTH_RATE_LIMIT_MAX: '100' });
  });
  afterAll(async () => t?.close());

  async function register(ip: string, email: string): Promise<string> {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', remoteAddress: ip, payload: { email, password, name: 'Busy' } });
    expect(res.statusCode).toBe(201);
    return res.json().accessToken as string;
  }
  const me = (ip: string, token?: string) =>
    t.app.inject({ method: 'GET', url: '/api/v1/me', remoteAddress: ip, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });

  it('counts a signed-in user across addresses, with RateLimit-* headers, then answers 429 in the error shape', async () => {
    const token = await register('10.1.0.1', 'busy@example.com');
    for (let i = 1; i <= 5; i++) {
      const res = await me(`10.1.1.${i}`, token);
      expect(res.statusCode, `request ${i}`).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe('5');
      expect(res.headers['ratelimit-remaining']).toBe(String(5 - i));
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
      expect(Number(res.headers['ratelimit-reset'])).toBeLessThanOrEqual(600);
    }
    const refused = await me('10.1.1.9', token);
    expect(refused.statusCode).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String), details: { retryAfterSeconds: retryAfter } } });

    // Another user on the same address is not affected.
    const other = await register('10.1.0.2', 'calm@example.com');
    expect((await me('10.1.1.9', other)).statusCode).toBe(200);
  });

  it('counts anonymous callers per address, and leaves probes alone', async () => {
    const authConfig = (ip: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/config', remoteAddress: ip });
    for (let i = 0; i < 5; i++) expect((await authConfig('10.2.0.1')).statusCode).toBe(200);
    expect((await authConfig('10.2.0.1')).statusCode).toBe(429);
    expect((await authConfig('10.2.0.2')).statusCode).toBe(200);
    for (let i = 0; i < 8; i++) {
      const res = await t.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.2.0.1' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
    }
  });
});

// Several API replicas share one budget through Redis.
describe.runIf(process.env.TEST_REDIS_URL)('general API rate limit on Redis', () => {
  const apps: TestApp[] = [];
  beforeAll(async () => {
    const env = { REDIS_URL: process.env.TEST_REDIS_URL!, HERALD_RATE_LIMIT_MAX: '4', HERALD_RATE_LIMIT_WINDOW_SECONDS: '600' };
    apps.push(await createTestApp(env));
    apps.push(await createTestApp(env));
  }, 120_000);
  afterAll(async () => Promise.all(apps.map((a) => a.close())));

  it('shares the budget between two API processes', async () => {
    const [a, b] = apps as [TestApp, TestApp];
    // A fresh address per run: the counters outlive the test in Redis.
    const ip = `10.3.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const hit = (app: TestApp) => app.app.inject({ method: 'GET', url: '/api/v1/auth/config', remoteAddress: ip });
    const statuses = [];
    for (const app of [a, b, a, b, a, b]) statuses.push((await hit(app)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    expect((await hit(b)).headers['ratelimit-limit']).toBe('4');
  });
});
