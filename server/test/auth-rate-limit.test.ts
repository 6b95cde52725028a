import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '3', AUTH_RATE_LIMIT_WINDOW_SECONDS: '600' });
});
afterAll(async () => t?.close());

const password = 'a sufficiently long one';

/** One request from a chosen client address, so per-IP and per-account budgets can be told apart. */
async function from(ip: string, url: string, opts: { body?: object; refresh?: string } = {}) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1${url}`,
    remoteAddress: ip,
    ...(opts.body ? { payload: opts.body } : {}),
    ...(opts.refresh ? { cookies: { herald_refresh: opts.refresh } } : {}),
  });
  return { status: res.statusCode, headers: res.headers, body: JSON.parse(res.body || 'null'), cookies: res.cookies };
}

function expectLimited(res: { status: number; headers: Record<string, unknown>; body: any }) {
  expect(res.status).toBe(429);
  expect(res.body.error.code).toBe('rate_limited');
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(600);
  expect(res.body.error.details.retryAfterSeconds).toBe(retryAfter);
}

describe('auth rate limits', () => {
  it('limits login attempts per account across addresses', async () => {
    expect((await from('10.0.0.1', '/auth/register', { body: { email: 'target@example.com', password, name: 'Target' } })).status).toBe(201);
    for (const ip of ['10.0.1.1', '10.0.1.2', '10.0.1.3']) {
      expect((await from(ip, '/auth/login', { body: { email: 'target@example.com', password: 'guess guess guess' } })).status).toBe(401);
    }
    // Even the right password is refused now, and the account key ignores the email's case.
    expectLimited(await from('10.0.1.4', '/auth/login', { body: { email: 'TARGET@example.com', password } }));
  });

  it('limits login attempts per address across accounts', async () => {
    for (const n of [1, 2, 3]) {
      expect((await from('10.0.2.1', '/auth/login', { body: { email: `spray${n}@example.com`, password } })).status).toBe(401);
    }
    expectLimited(await from('10.0.2.1', '/auth/login', { body: { email: 'spray4@example.com', password } }));
  });

  it('does not reset the address budget on a successful login', async () => {
    expect((await from('10.0.3.1', '/auth/register', { body: { email: 'ok@example.com', password, name: 'Ok' } })).status).toBe(201);
    expect((await from('10.0.3.2', '/auth/login', { body: { email: 'ok@example.com', password: 'wrong wrong wrong' } })).status).toBe(401);
    expect((await from('10.0.3.2', '/auth/login', { body: { email: 'other1@example.com', password } })).status).toBe(401);
    expect((await from('10.0.3.2', '/auth/login', { body: { email: 'ok@example.com', password } })).status).toBe(200);
    expectLimited(await from('10.0.3.2', '/auth/login', { body: { email: 'other2@example.com', password } }));
  });

  it('limits registrations per address', async () => {
    for (const n of [1, 2, 3]) {
      expect((await from('10.0.4.1', '/auth/register', { body: { email: `bulk${n}@example.com`, password, name: 'Bulk' } })).status).toBe(201);
    }
    expectLimited(await from('10.0.4.1', '/auth/register', { body: { email: 'bulk4@example.com', password, name: 'Bulk' } }));
  });

  it('gives refreshes five times the login budget, per session family and per address', async () => {
    // The login budget is 3; a session family (several dashboard tabs) may refresh 15 times.
    const reg = await from('10.0.5.1', '/auth/register', { body: { email: 'refresher@example.com', password, name: 'Refresher' } });
    let refresh = reg.cookies.find((c) => c.name === 'herald_refresh')!.value;
    // A new address each time, so only the family's budget is spent.
    for (let i = 1; i <= 15; i++) {
      const res = await from(`10.0.5.${100 + i}`, '/auth/refresh', { refresh });
      expect(res.status, `refresh ${i}`).toBe(200);
      refresh = res.cookies.find((c) => c.name === 'herald_refresh')!.value;
    }
    expectLimited(await from('10.0.5.200', '/auth/refresh', { refresh }));

    // Another family is not affected by the first one's budget.
    const other = await from('10.0.5.2', '/auth/login', { body: { email: 'refresher@example.com', password } });
    const otherRefresh = other.cookies.find((c) => c.name === 'herald_refresh')!.value;
    expect((await from('10.0.5.201', '/auth/refresh', { refresh: otherRefresh })).status).toBe(200);

    // Per address: 15 refreshes (page loads behind one office address), then 429.
    for (let i = 0; i < 15; i++) expect((await from('10.0.6.1', '/auth/refresh')).status).toBe(401);
    expectLimited(await from('10.0.6.1', '/auth/refresh'));
  });

  it('limits password reset requests', async () => {
    for (const ip of ['10.0.7.1', '10.0.7.2', '10.0.7.3']) {
      expect((await from(ip, '/auth/password-reset', { body: { email: 'someone@example.com' } })).status).toBe(202);
    }
    expectLimited(await from('10.0.7.4', '/auth/password-reset', { body: { email: 'Someone@Example.com' } }));
  });
});
