import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSmtp } from './fakes/smtp.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { orgKit } from './helpers/orgs.js';

/** An owner hands a member a one-time reset link when the server has no mail (issue 7, item 15). */
const ENV = { AUTH_RATE_LIMIT_MAX: '100000' };
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(ENV);
});
afterAll(async () => t?.close());

const { person, createOrg, member, auditActions, query } = orgKit(() => t);
const resetLink = (by: { token: string }, orgId: string, userId: string, app = t.app) =>
  call(app, 'POST', `/api/v1/orgs/${orgId}/members/${userId}/password-reset`, { token: by.token });

describe('reset link for a member', () => {
  it('gives the owner a one-time link (never a password) that ends the member’s sessions when used', async () => {
    const owner = await person();
    const orgId = await createOrg(owner, 'Forgetful Co');
    const mia = await member(owner, orgId, 'editor');

    const res = await resetLink(owner, orgId, mia.id);
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'resetUrl']);
    const token = /^http:\/\/herald\.test\/reset-password\?token=([A-Za-z0-9_-]{40,})$/.exec(res.body.resetUrl)?.[1];
    expect(token).toBeDefined();
    const stored = await query<Record<string, unknown>>(sql`select * from password_resets where user_id = ${mia.id}`);
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored[0]).toMatchObject({ mailed: false, token_sealed: null });
    expect(await auditActions(owner, orgId)).toContain('member.password_reset_link_created');
    // Issuing changes nothing yet: Mia is still signed in.
    expect((await call(t.app, 'GET', '/api/v1/me', { token: mia.token })).status).toBe(200);

    const done = await call(t.app, 'POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'mia chose this one' } });
    expect(done.status).toBe(204);
    expect((await call(t.app, 'GET', '/api/v1/me', { token: mia.token })).status).toBe(401);
    const login = await call(t.app, 'POST', '/api/v1/auth/login', { body: { email: mia.email, password: 'mia chose this one' } });
    expect(login.status).toBe(200);
    // A link handed over by someone else proves nothing about Mia's mailbox.
    expect(login.body.user.emailVerified).toBe(false);
    expect((await call(t.app, 'POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'second use of it' } })).status).toBe(400);
  });

  it('is for owners only, for members only, and not for one’s own account', async () => {
    const owner = await person();
    const orgId = await createOrg(owner, 'Rules Co');
    const admin = await member(owner, orgId, 'admin');
    const editor = await member(owner, orgId, 'editor');
    const forbidden = await resetLink(admin, orgId, editor.id);
    expect(forbidden.status).toBe(403);
    const own = await resetLink(owner, orgId, owner.id);
    expect(own.status).toBe(400);
    expect(own.body.error.code).toBe('own_account');
    const stranger = await person();
    expect((await resetLink(owner, orgId, stranger.id)).status).toBe(404);
  });

  it('refuses a member who also belongs to an organization the owner does not own', async () => {
    const owner = await person();
    const orgId = await createOrg(owner, 'Mine');
    const shared = await member(owner, orgId, 'editor');
    const elsewhere = await person();
    const otherOrg = await createOrg(elsewhere, 'Not Mine');
    const inv = await call(t.app, 'POST', `/api/v1/orgs/${otherOrg}/invitations`, { token: elsewhere.token, body: { email: shared.email, role: 'owner' } });
    const token = (inv.body.acceptUrl as string).split('/invite/')[1]!;
    expect((await call(t.app, 'POST', `/api/v1/invitations/${token}/accept`, { token: shared.token })).status).toBe(200);

    const res = await resetLink(owner, orgId, shared.id);
    expect(res.status).toBe(403);
    expect(res.body.error.details.rule).toBe('other_organizations');
    expect(await query(sql`select id from password_resets where user_id = ${shared.id}`)).toEqual([]);
  });

  it('is refused where mail works: members reset their own password', async () => {
    const smtp = await FakeSmtp.start();
    const mailing = await createTestApp({ ...ENV, SMTP_URL: smtp.url });
    try {
      const owner = await person(mailing.app);
      const orgId = await createOrg(owner, 'Mail Co', mailing.app);
      const res = await resetLink(owner, orgId, owner.id, mailing.app);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('mail_configured');
      expect((await call(mailing.app, 'GET', '/api/v1/auth/config')).body.mailConfigured).toBe(true);
    } finally {
      await mailing.close();
      await smtp.close();
    }
  }, 120_000);
});
