import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.js';
import { auditLog } from '../src/db/schema.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const owner = (email: string) => ({ name: 'Olive Owner', email, password: 'the owner passphrase', organizationName: '  Olive Media ' });

describe('first-run setup', () => {
  it('needs setup on a fresh install', async () => {
    const res = await call(t.app, 'GET', '/api/v1/auth/config');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ needsSetup: true, googleEnabled: false, mailConfigured: false, publicUrlExplicit: true });
  });

  it('validates before creating anything', async () => {
    const res = await call(t.app, 'POST', '/api/v1/setup', { body: { name: 'Olive', email: 'olive@example.com', password: 'short' } });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.details.fields).sort()).toEqual(['organizationName', 'password']);
    expect((await call(t.app, 'GET', '/api/v1/auth/config')).body.needsSetup).toBe(true);
  });

  it('lets exactly one of two concurrent setups win', async () => {
    const results = await Promise.all([
      call(t.app, 'POST', '/api/v1/setup', { body: owner('olive@example.com') }),
      call(t.app, 'POST', '/api/v1/setup', { body: owner('oscar@example.com') }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const won = results.find((r) => r.status === 201)!;
    const lost = results.find((r) => r.status === 409)!;
    expect(lost.body.error.code).toBe('already_set_up');

    expect(Object.keys(won.body).sort()).toEqual(['accessToken', 'organization', 'user']);
    expect(won.body.organization).toEqual({ id: expect.any(String), name: 'Olive Media' });
    // The owner proves their mailbox by link like everyone: winning the setup race proves none.
    expect(won.body.user).toMatchObject({ name: 'Olive Owner', hasPassword: true, emailVerified: false });
    const verification = await t.runtime.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'send-verification-email'`);
    expect(rowsOf<{ n: number }>(verification)[0]!.n).toBe(1);
    expect(won.cookies.find((c) => c.name === 'herald_refresh')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });

    const me = await call(t.app, 'GET', '/api/v1/me', { token: won.body.accessToken });
    expect(me.body.memberships).toEqual([{ organization: won.body.organization, role: 'owner' }]);

    const audit = await t.runtime.db.select().from(auditLog).where(eq(auditLog.organizationId, won.body.organization.id));
    expect(audit).toEqual([
      expect.objectContaining({ actorId: won.body.user.id, action: 'organization.created', subjectType: 'organization', subjectId: won.body.organization.id }),
    ]);
  });

  it('is refused once set up', async () => {
    expect((await call(t.app, 'GET', '/api/v1/auth/config')).body.needsSetup).toBe(false);
    const again = await call(t.app, 'POST', '/api/v1/setup', { body: owner('late@example.com') });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_set_up');
    expect(again.cookies).toEqual([]);
  });

  it('signs the owner in with the setup password', async () => {
    const won = ['olive@example.com', 'oscar@example.com'];
    const logins = await Promise.all(won.map((email) => call(t.app, 'POST', '/api/v1/auth/login', { body: { email, password: 'the owner passphrase' } })));
    expect(logins.map((l) => l.status).sort()).toEqual([200, 401]);
  });
});
