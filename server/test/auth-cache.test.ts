import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../src/db/schema.js';
import { createPostgresDatabase, createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { orgKit, type Person } from './helpers/orgs.js';
import { eventually } from './helpers/workspace.js';

/**
 * Per-request authentication reads (session family, membership, resource → organization) are cached
 * for HERALD_AUTH_CACHE_SECONDS. An announced change (logout, refresh reuse, password change, role
 * change, removal, organization deletion) drops them at once, in every process on the database; an
 * unannounced one (a row changed behind Herald's back) is seen within the TTL.
 */
let t: TestApp;
const kit = orgKit(() => t);

beforeAll(async () => {
  // A long TTL: anything refused below was dropped by an announcement, not by expiry.
  t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '100000', HERALD_AUTH_CACHE_SECONDS: '60' });
});
afterAll(async () => t?.close());

const me = (token: string, app = t) => call(app.app, 'GET', '/api/v1/me', { token });
/** Revokes a user's sessions in the database without telling Herald (as another tool would). */
const revokeBehindHeraldsBack = (app: TestApp, userId: string) => app.runtime.db.update(sessions).set({ revokedAt: sql`now()` }).where(eq(sessions.userId, userId));

describe('in one process', () => {
  it('answers a warm GET /me with one statement: the user and their organizations, no authentication query', async () => {
    const p = await kit.person();
    const beta = await kit.createOrg(p, 'beta');
    const alpha = await kit.createOrg(p, 'Alpha');
    expect((await me(p.token)).status).toBe(200);
    const before = t.runtime.database.statements();
    const res = await me(p.token);
    expect(t.runtime.database.statements() - before).toBe(1);
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ id: p.id, email: p.email, name: p.name, hasPassword: true, emailVerified: false, createdAt: expect.any(String) });
    expect(res.body.memberships).toEqual([
      { organization: { id: alpha, name: 'Alpha' }, role: 'owner' },
      { organization: { id: beta, name: 'beta' }, role: 'owner' },
    ]);
  });

  it('keeps serving a cached session, but a logout ends it at once', async () => {
    const p = await kit.person();
    expect((await me(p.token)).status).toBe(200);
    const other = await kit.person();
    expect((await me(other.token)).status).toBe(200);
    // Unannounced: the cache still answers (for up to the TTL).
    await revokeBehindHeraldsBack(t, other.id);
    expect((await me(other.token)).status).toBe(200);
    // Announced: refused on the next request.
    expect((await call(t.app, 'POST', '/api/v1/auth/logout', { token: p.token })).status).toBe(204);
    const after = await me(p.token);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('invalid_token');
  });

  it('a role change or a removal applies to the next request', async () => {
    const owner = await kit.person();
    const orgId = await kit.createOrg(owner);
    const admin = await kit.member(owner, orgId, 'admin');
    const audit = () => call(t.app, 'GET', `/api/v1/orgs/${orgId}/audit`, { token: admin.token });
    expect((await audit()).status).toBe(200);
    expect((await call(t.app, 'PATCH', `/api/v1/orgs/${orgId}/members/${admin.id}`, { token: owner.token, body: { role: 'viewer' } })).status).toBe(200);
    expect((await audit()).status).toBe(403);
    expect((await call(t.app, 'DELETE', `/api/v1/orgs/${orgId}/members/${admin.id}`, { token: owner.token })).status).toBe(204);
    expect((await audit()).status).toBe(404);
  });

  it('a password change ends the other sessions at once', async () => {
    const p = await kit.person();
    const second = await call(t.app, 'POST', '/api/v1/auth/login', { body: { email: p.email, password: 'correct horse battery staple' } });
    expect(second.status).toBe(200);
    expect((await me(second.body.accessToken)).status).toBe(200);
    const changed = await call(t.app, 'POST', '/api/v1/me/password', { token: p.token, body: { currentPassword: 'correct horse battery staple', newPassword: 'another long passphrase here' } });
    expect(changed.status).toBe(204);
    expect((await me(second.body.accessToken)).status).toBe(401);
    expect((await me(p.token)).status).toBe(200);
  });

  it('an unannounced revocation is refused within the TTL', async () => {
    const short = await createTestApp({ AUTH_RATE_LIMIT_MAX: '100000', HERALD_AUTH_CACHE_SECONDS: '1' });
    try {
      const p: Person = await kit.person(short.app);
      expect((await me(p.token, short)).status).toBe(200);
      await revokeBehindHeraldsBack(short, p.id);
      const refusedAt = await eventually(async () => ((await me(p.token, short)).status === 401 ? Date.now() : undefined), 15_000, 100);
      expect(refusedAt).toBeGreaterThan(0);
    } finally {
      await short.close();
    }
  });
});

describe.runIf(process.env.HERALD_TEST_DB === 'postgres')('across two API processes on one PostgreSQL database', () => {
  it('a logout, a role change and a removal on one reach the other through NOTIFY', async () => {
    const database = await createPostgresDatabase();
    const env = { AUTH_RATE_LIMIT_MAX: '100000', HERALD_AUTH_CACHE_SECONDS: '60', DATABASE_URL: database.url, HERALD_SECRET_KEYS: `shared:${randomBytes(32).toString('base64')}` };
    const a = await createTestApp(env);
    const b = await createTestApp(env);
    try {
      const p = await kit.person(a.app);
      const q = await kit.person(a.app);
      const bystander = await kit.person(a.app);
      const orgId = await kit.createOrg(p, 'Shared', a.app);
      const inv = await kit.invite(p, orgId, q.email, 'admin', a.app);
      expect((await call(a.app, 'POST', `/api/v1/invitations/${kit.tokenOf(inv.body.acceptUrl)}/accept`, { token: q.token })).status).toBe(200);
      const viaB = (token: string, url: string) => call(b.app, 'GET', `/api/v1${url}`, { token });
      // B caches the sessions and q's membership.
      expect((await viaB(p.token, '/me')).status).toBe(200);
      expect((await viaB(bystander.token, '/me')).status).toBe(200);
      expect((await viaB(q.token, `/orgs/${orgId}/audit`)).status).toBe(200);

      // Behind Herald's back: nothing is announced, and B keeps its cached answer (the TTL is a minute).
      await revokeBehindHeraldsBack(a, bystander.id);
      expect((await viaB(bystander.token, '/me')).status).toBe(200);

      // Changes made on A reach B well within the TTL.
      expect((await call(a.app, 'PATCH', `/api/v1/orgs/${orgId}/members/${q.id}`, { token: p.token, body: { role: 'viewer' } })).status).toBe(200);
      await eventually(async () => ((await viaB(q.token, `/orgs/${orgId}/audit`)).status === 403 ? true : undefined), 10_000, 50);
      expect((await call(a.app, 'DELETE', `/api/v1/orgs/${orgId}/members/${q.id}`, { token: p.token })).status).toBe(204);
      await eventually(async () => ((await viaB(q.token, `/orgs/${orgId}/audit`)).status === 404 ? true : undefined), 10_000, 50);
      expect((await call(a.app, 'POST', '/api/v1/auth/logout', { token: p.token })).status).toBe(204);
      await eventually(async () => ((await viaB(p.token, '/me')).status === 401 ? true : undefined), 10_000, 50);
      // Still cached on B: only what was announced was dropped.
      expect((await viaB(bystander.token, '/me')).status).toBe(200);
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  });
});
