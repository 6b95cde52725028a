import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberships, organizations } from '../src/db/schema.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call, signUp, type ApiResponse } from './helpers/http.js';

let t: TestApp;
/** Every response of this file, checked at the end for leaked secrets. */
const seen: ApiResponse[] = [];
const refreshTokensIssued = new Set<string>();

beforeAll(async () => {
  // The rate limits have their own test file; here they must not get in the way.
  t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '10000' });
});
afterAll(async () => t?.close());

type Method = 'GET' | 'POST' | 'PATCH';
async function api(method: Method, url: string, opts: Parameters<typeof call>[3] = {}): Promise<ApiResponse> {
  const res = await call(t.app, method, `/api/v1${url}`, opts);
  seen.push(res);
  const refresh = refreshCookie(res);
  if (refresh?.value) refreshTokensIssued.add(refresh.value);
  return res;
}

const refreshCookie = (res: ApiResponse) => res.cookies.find((c) => c.name === 'herald_refresh');
const refreshWith = (token: string | undefined) => api('POST', '/auth/refresh', token === undefined ? {} : { cookies: { herald_refresh: token } });
const password = 'correct horse battery staple';

async function register(email: string, name = 'Ada Lovelace') {
  const res = await api('POST', '/auth/register', { body: { email, password, name } });
  expect(res.status).toBe(201);
  return { user: res.body.user, accessToken: res.body.accessToken as string, refreshToken: refreshCookie(res)!.value };
}

describe('register and login', () => {
  it('registers, answers the public user shape and sets the refresh cookie', async () => {
    const res = await api('POST', '/auth/register', { body: { email: '  Ada@Example.com ', password, name: '  Ada  ' } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['accessToken', 'user']);
    expect(Object.keys(res.body.user).sort()).toEqual(['createdAt', 'email', 'emailVerified', 'hasPassword', 'id', 'name']);
    expect(res.body.user).toMatchObject({ email: 'Ada@Example.com', name: 'Ada', hasPassword: true });
    expect(typeof res.body.accessToken).toBe('string');
    expect(refreshCookie(res)?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const me = await api('GET', '/me', { token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user: res.body.user, memberships: [] });
  });

  it('refuses a second account with the same email, whatever its case', async () => {
    const res = await api('POST', '/auth/register', { body: { email: 'ADA@example.COM', password, name: 'Other' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('email_taken');
    expect(res.body.error.details.fields.email).toBeTruthy();
  });

  it('names every invalid field', async () => {
    const res = await api('POST', '/auth/register', { body: { email: 'not-an-email', password: 'short', name: '   ' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(Object.keys(res.body.error.details.fields).sort()).toEqual(['email', 'name', 'password']);
    expect(res.body.error.details.fields.password).toBe('Password must be 10 to 200 characters long');

    const missing = await api('POST', '/auth/register', { body: {} });
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.body.error.details.fields).sort()).toEqual(['email', 'name', 'password']);

    const long = await api('POST', '/auth/register', { body: { email: 'long@example.com', password: 'x'.repeat(201), name: 'Long' } });
    expect(long.status).toBe(400);
    expect(Object.keys(long.body.error.details.fields)).toEqual(['password']);

    const wrongTypes = await api('POST', '/auth/login', { body: { email: 42, password: ['x'] } });
    expect(wrongTypes.status).toBe(400);
    expect(Object.keys(wrongTypes.body.error.details.fields).sort()).toEqual(['email', 'password']);
  });

  it('answers malformed bodies with 4xx, never 500', async () => {
    const json = await api('POST', '/auth/login', { raw: '{"email": "a@b.co",' });
    expect(json.status).toBe(400);
    expect(json.body.error.message).toBe('The request body is not valid JSON');
    const notObject = await api('POST', '/auth/register', { raw: '"hello"' });
    expect(notObject.status).toBe(400);
    const form = await api('POST', '/auth/login', { raw: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
  });

  it('signs in with any case of the email', async () => {
    const res = await api('POST', '/auth/login', { body: { email: 'ada@EXAMPLE.com', password } });
    expect(res.status).toBe(200);
    expect(res.body.user.email).toBe('Ada@Example.com');
    expect(refreshCookie(res)?.value).toBeTruthy();
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const wrong = await api('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'wrong password!' } });
    const unknown = await api('POST', '/auth/login', { body: { email: 'nobody@example.com', password: 'wrong password!' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(refreshCookie(wrong)).toBeUndefined();
  });
});

describe('auth config', () => {
  it('reports what the login page needs', async () => {
    const res = await api('GET', '/auth/config');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ needsSetup: false, googleEnabled: false, mailConfigured: false, publicUrlExplicit: true });
  });

  it('answers 404 google_not_configured for Google sign-in', async () => {
    const res = await api('GET', '/auth/google/start?returnTo=/posts');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('google_not_configured');
  });

  it('documents every auth route under the auth tag', async () => {
    const doc = await call(t.app, 'GET', '/api/openapi.json');
    const paths = doc.body.paths as Record<string, Record<string, { tags?: string[]; summary?: string }>>;
    for (const path of ['/api/v1/auth/login', '/api/v1/auth/register', '/api/v1/auth/refresh', '/api/v1/setup', '/api/v1/me', '/api/v1/auth/google/callback']) {
      for (const op of Object.values(paths[path] ?? {})) {
        expect(op.tags).toEqual(['auth']);
        expect(op.summary).toBeTruthy();
      }
    }
    expect(Object.keys(paths['/api/v1/me'] ?? {}).sort()).toEqual(['get', 'patch']);
  });
});

describe('/me', () => {
  it('requires a valid access token', async () => {
    expect((await api('GET', '/me')).status).toBe(401);
    const bad = await api('GET', '/me', { token: 'not.a.jwt' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('invalid_token');
  });

  it('lists memberships by organization name', async () => {
    const { user, accessToken } = await register('grace@example.com', 'Grace');
    const orgs = await t.runtime.db.insert(organizations).values([{ name: 'zeta agency' }, { name: 'Acme' }, { name: 'beta Co' }]).returning();
    const roles = ['viewer', 'owner', 'editor'] as const;
    await t.runtime.db.insert(memberships).values(orgs.map((o, i) => ({ organizationId: o.id, userId: user.id, role: roles[i]! })));

    const me = await api('GET', '/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.body.memberships.map((m: { organization: { name: string }; role: string }) => [m.organization.name, m.role])).toEqual([
      ['Acme', 'owner'],
      ['beta Co', 'editor'],
      ['zeta agency', 'viewer'],
    ]);
    expect(Object.keys(me.body.memberships[0].organization).sort()).toEqual(['id', 'name']);
  });

  it('changes the name', async () => {
    const { accessToken } = await register('hopper@example.com', 'Grace H');
    const res = await api('PATCH', '/me', { token: accessToken, body: { name: '  Grace Hopper ' } });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ name: 'Grace Hopper', email: 'hopper@example.com', hasPassword: true });
    expect((await api('GET', '/me', { token: accessToken })).body.user.name).toBe('Grace Hopper');

    const empty = await api('PATCH', '/me', { token: accessToken, body: { name: ' ' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details.fields.name).toBe('Name is required');
    expect((await api('PATCH', '/me', { body: { name: 'X' } })).status).toBe(401);
  });
});

describe('refresh tokens', () => {
  it('sets the refresh cookie with strict attributes', async () => {
    const res = await api('POST', '/auth/register', { body: { email: 'cookie@example.com', password, name: 'Cookie' } });
    const cookie = refreshCookie(res)!;
    expect(cookie).toMatchObject({ path: '/api/v1/auth', httpOnly: true, sameSite: 'Strict', maxAge: 30 * 86_400 });
    expect(cookie.secure).toBeFalsy();
    const header = [res.headers['set-cookie']].flat().join('\n');
    expect(header).toMatch(/herald_refresh=[^;]+; Max-Age=2592000; Path=\/api\/v1\/auth; HttpOnly; SameSite=Strict/);
  });

  it('rotates the cookie and issues a working access token', async () => {
    const { refreshToken } = await register('rotate@example.com', 'Rotate');
    const res = await refreshWith(refreshToken);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['accessToken']);
    const next = refreshCookie(res)!;
    expect(next.value).toBeTruthy();
    expect(next.value).not.toBe(refreshToken);
    expect(next).toMatchObject({ path: '/api/v1/auth', httpOnly: true, sameSite: 'Strict', maxAge: 30 * 86_400 });
    const me = await api('GET', '/me', { token: res.body.accessToken });
    expect(me.body.user.email).toBe('rotate@example.com');

    const again = await refreshWith(next.value);
    expect(again.status).toBe(200);
  });

  it('revokes the whole family when a rotated token comes back', async () => {
    const { refreshToken: first } = await register('reuse@example.com', 'Reuse');
    const second = refreshCookie(await refreshWith(first))!.value;

    const replay = await refreshWith(first);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('refresh_token_reused');
    expect(refreshCookie(replay)).toMatchObject({ value: '', maxAge: 0, path: '/api/v1/auth' });

    const newer = await refreshWith(second);
    expect(newer.status).toBe(401);
    expect(newer.body.error.code).toBe('invalid_refresh_token');
  });

  it('lets only one of two concurrent refreshes with the same token succeed', async () => {
    const { refreshToken } = await register('race@example.com', 'Race');
    const results = await Promise.all([refreshWith(refreshToken), refreshWith(refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('refuses missing, unknown and expired tokens and clears the cookie', async () => {
    const missing = await refreshWith(undefined);
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('invalid_refresh_token');
    expect(refreshCookie(missing)).toMatchObject({ value: '', maxAge: 0 });

    const unknown = await refreshWith('x'.repeat(43));
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalid_refresh_token');

    const { user, refreshToken } = await register('expired@example.com', 'Expired');
    await t.runtime.db.execute(sql`update sessions set expires_at = now() - interval '1 minute' where user_id = ${user.id}`);
    const expired = await refreshWith(refreshToken);
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('invalid_refresh_token');
  });

  it('logs out: ends the session and clears the cookie', async () => {
    const { refreshToken, accessToken } = await register('logout@example.com', 'Logout');
    expect((await api('GET', '/me', { token: accessToken })).status).toBe(200);
    const res = await api('POST', '/auth/logout', { cookies: { herald_refresh: refreshToken } });
    expect(res.status).toBe(204);
    // Access tokens of an ended session stop working at once, not when they expire.
    const me = await api('GET', '/me', { token: accessToken });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('invalid_token');
    expect(refreshCookie(res)).toMatchObject({ value: '', maxAge: 0, path: '/api/v1/auth' });
    const after = await refreshWith(refreshToken);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('invalid_refresh_token');

    expect((await api('POST', '/auth/logout')).status).toBe(204);
    expect((await api('POST', '/auth/logout', { cookies: { herald_refresh: 'garbage' } })).status).toBe(204);
  });
});

describe('password change', () => {
  it('changes the password, ends other sessions and keeps the caller signed in', async () => {
    const mine = await register('change@example.com', 'Change');
    const other = await api('POST', '/auth/login', { body: { email: 'change@example.com', password } });
    const otherRefresh = refreshCookie(other)!.value;

    const res = await api('POST', '/me/password', { token: mine.accessToken, body: { currentPassword: password, newPassword: 'a brand new passphrase' } });
    expect(res.status).toBe(204);

    expect((await refreshWith(otherRefresh)).status).toBe(401);
    expect((await refreshWith(mine.refreshToken)).status).toBe(200);
    expect((await api('POST', '/auth/login', { body: { email: 'change@example.com', password } })).status).toBe(401);
    expect((await api('POST', '/auth/login', { body: { email: 'change@example.com', password: 'a brand new passphrase' } })).status).toBe(200);
  });

  it('requires the right current password', async () => {
    const { accessToken } = await register('guard@example.com', 'Guard');
    const wrong = await api('POST', '/me/password', { token: accessToken, body: { currentPassword: 'not my password', newPassword: 'another long passphrase' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('invalid_current_password');
    expect(wrong.body.error.details.fields.currentPassword).toBeTruthy();

    const missing = await api('POST', '/me/password', { token: accessToken, body: { newPassword: 'another long passphrase' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('validation_failed');
    expect(missing.body.error.details.fields.currentPassword).toBeTruthy();

    const weak = await api('POST', '/me/password', { token: accessToken, body: { currentPassword: password, newPassword: 'short' } });
    expect(weak.status).toBe(400);
    expect(Object.keys(weak.body.error.details.fields)).toEqual(['newPassword']);

    expect((await api('POST', '/me/password', { body: { newPassword: 'another long passphrase' } })).status).toBe(401);
  });
});

describe('signUp helper', () => {
  it('works against the real endpoint', async () => {
    const s = await signUp(t.app);
    expect(s.refreshToken).toBeTruthy();
    expect(s.user.email).toBe(s.email);
  });
});

describe('secrets', () => {
  it('never appear in a response body', () => {
    expect(seen.length).toBeGreaterThan(30);
    expect(refreshTokensIssued.size).toBeGreaterThan(5);
    for (const res of seen) {
      const body = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      expect(body).not.toMatch(/passwordHash|password_hash|\$argon2/);
      for (const token of refreshTokensIssued) expect(body).not.toContain(token);
    }
  });
});
