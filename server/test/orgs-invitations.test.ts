import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/lib/crypto.js';
import { jobHandlers } from '../src/jobs/handlers.js';
import { FakeSmtp } from './fakes/smtp.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { orgKit } from './helpers/orgs.js';
import { call } from './helpers/http.js';

/** Invitations through the HTTP API: issue, list, preview, accept, resend, revoke, expiry and the queued email. */

/** Registration is rate limited per IP; these tests sign many people up from one. */
const ENV = { AUTH_RATE_LIMIT_MAX: '100000' };

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(ENV);
});
afterAll(async () => t?.close());

const { person, createOrg, tokenOf, invite, member, auditActions, query } = orgKit(() => t);

describe('invitations', () => {
  it('issues a link whose token is stored only as a hash', async () => {
    const owner = await person();
    const orgId = await createOrg(owner, 'Invite Co');
    const before = Date.now();
    const res = await invite(owner, orgId, '  New.Person@Example.COM ', 'editor');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      email: 'new.person@example.com',
      role: 'editor',
      expiresAt: expect.any(String),
      acceptUrl: expect.stringMatching(/^http:\/\/herald\.test\/invite\/[A-Za-z0-9_-]{40,}$/),
      emailSent: false,
    });
    const ttl = new Date(res.body.expiresAt).getTime() - before;
    expect(Math.abs(ttl - t.config.auth.invitationTtlDays * 86_400_000)).toBeLessThan(60_000);

    const token = tokenOf(res.body.acceptUrl);
    const rows = await query<Record<string, unknown>>(sql`select * from invitations where id = ${res.body.id}`);
    expect(rows[0]!.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    const audit = await query<{ data: unknown }>(sql`select data from audit_log where organization_id = ${orgId}`);
    expect(JSON.stringify(audit)).not.toContain(token);
    expect(await auditActions(owner, orgId)).toContain('invitation.created');

    const list = await call(t.app, 'GET', `/api/v1/orgs/${orgId}/invitations`, { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      { id: res.body.id, email: 'new.person@example.com', role: 'editor', invitedBy: { id: owner.id, name: owner.name }, expiresAt: res.body.expiresAt, createdAt: expect.any(String) },
    ]);

    const preview = await call(t.app, 'GET', `/api/v1/invitations/${token}`);
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({ organization: { id: orgId, name: 'Invite Co' }, email: 'new.person@example.com', role: 'editor', invitedBy: { name: owner.name }, expiresAt: res.body.expiresAt });
  });

  it('lets the invited person join once, matching the email case-insensitively', async () => {
    const owner = await person();
    const orgId = await createOrg(owner, 'Joinable');
    const invitee = await person(t.app, `Mixed.Case.${Date.now()}@Example.com`);
    const inv = await invite(owner, orgId, invitee.email.toLowerCase(), 'analyst');
    const token = tokenOf(inv.body.acceptUrl);

    expect((await call(t.app, 'POST', `/api/v1/invitations/${token}/accept`)).status).toBe(401);
    const res = await call(t.app, 'POST', `/api/v1/invitations/${token}/accept`, { token: invitee.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ organization: { id: orgId, name: 'Joinable' }, role: 'analyst' });
    const orgs = await call(t.app, 'GET', '/api/v1/orgs', { token: invitee.token });
    expect(orgs.body.items).toEqual([expect.objectContaining({ id: orgId, role: 'analyst' })]);

    const again = await call(t.app, 'POST', `/api/v1/invitations/${token}/accept`, { token: invitee.token });
    expect(again.status).toBe(404);
    expect((await call(t.app, 'GET', `/api/v1/invitations/${token}`)).status).toBe(404);
    expect((await call(t.app, 'GET', `/api/v1/orgs/${orgId}/invitations`, { token: owner.token })).body.items).toEqual([]);
    const audit = await call(t.app, 'GET', `/api/v1/orgs/${orgId}/audit`, { token: owner.token });
    expect(audit.body.items[0]).toMatchObject({ action: 'invitation.accepted', actor: { id: invitee.id }, data: { role: 'analyst' } });
  });

  it('refuses someone signed in with another email, naming the invited address', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const intruder = await person();
    const inv = await invite(owner, orgId, 'the.invitee@example.com', 'viewer');
    const res = await call(t.app, 'POST', `/api/v1/invitations/${tokenOf(inv.body.acceptUrl)}/accept`, { token: intruder.token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('invitation_email_mismatch');
    expect(res.body.error.message).toContain('the.invitee@example.com');
    expect((await call(t.app, 'GET', `/api/v1/orgs/${orgId}`, { token: intruder.token })).status).toBe(404);
    expect((await call(t.app, 'GET', `/api/v1/invitations/${tokenOf(inv.body.acceptUrl)}`)).status).toBe(200);
  });

  it('accepts exactly once when the same link is used twice at the same moment', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const invitee = await person();
    const inv = await invite(owner, orgId, invitee.email, 'editor');
    const url = `/api/v1/invitations/${tokenOf(inv.body.acceptUrl)}/accept`;
    const results = await Promise.all([call(t.app, 'POST', url, { token: invitee.token }), call(t.app, 'POST', url, { token: invitee.token })]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([404, 409]).toContain(statuses[1]);
    const accepted = await query<{ n: number }>(sql`select count(*)::int as n from audit_log where organization_id = ${orgId} and action = 'invitation.accepted'`);
    expect(Number(accepted[0]!.n)).toBe(1);
  });

  it('refuses to invite a member, and to accept when already a member', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const m = await member(owner, orgId, 'viewer');
    const res = await invite(owner, orgId, m.email.toUpperCase(), 'editor');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('already_member');

    // Someone who joined by other means while an invitation to them was pending.
    const late = await person();
    const inv = await invite(owner, orgId, late.email, 'editor');
    await t.runtime.db.execute(sql`insert into memberships (organization_id, user_id, role) values (${orgId}, ${late.id}, 'viewer')`);
    const accept = await call(t.app, 'POST', `/api/v1/invitations/${tokenOf(inv.body.acceptUrl)}/accept`, { token: late.token });
    expect(accept.status).toBe(409);
    expect(accept.body.error.code).toBe('already_member');
    const resend = await call(t.app, 'POST', `/api/v1/orgs/${orgId}/invitations/${inv.body.id}/resend`, { token: owner.token });
    expect(resend.status).toBe(409);
  });

  it('lets only owners invite owners', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const admin = await member(owner, orgId, 'admin');
    const refused = await invite(admin, orgId, 'boss@example.com', 'owner');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await invite(admin, orgId, 'helper@example.com', 'admin')).status).toBe(201);
    const byOwner = await invite(owner, orgId, 'boss@example.com', 'owner');
    expect(byOwner.status).toBe(201);
    // Nor may an admin re-issue the owner's invitation.
    expect((await call(t.app, 'POST', `/api/v1/orgs/${orgId}/invitations/${byOwner.body.id}/resend`, { token: admin.token })).status).toBe(403);
    const editor = await member(owner, orgId, 'editor');
    expect((await invite(editor, orgId, 'x@example.com', 'viewer')).status).toBe(403);
  });

  it('replaces a pending invitation for the same email', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const first = await invite(owner, orgId, 'twice@example.com', 'viewer');
    const second = await invite(owner, orgId, 'Twice@Example.com', 'editor');
    expect(second.status).toBe(201);
    expect((await call(t.app, 'GET', `/api/v1/invitations/${tokenOf(first.body.acceptUrl)}`)).status).toBe(404);
    expect((await call(t.app, 'GET', `/api/v1/invitations/${tokenOf(second.body.acceptUrl)}`)).body.role).toBe('editor');
    const list = await call(t.app, 'GET', `/api/v1/orgs/${orgId}/invitations`, { token: owner.token });
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([second.body.id]);
  });

  it('refuses malformed invitations', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    for (const body of [{}, { email: 'not-an-email', role: 'viewer' }, { email: 'a@example.com', role: 'king' }, { email: 'a@example.com' }, { role: 'viewer' }]) {
      const res = await call(t.app, 'POST', `/api/v1/orgs/${orgId}/invitations`, { token: owner.token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    // The router caps path parameters at 100 characters before the route runs.
    expect((await call(t.app, 'GET', `/api/v1/invitations/${'x'.repeat(600)}`)).status).toBe(414);
    expect((await call(t.app, 'GET', '/api/v1/invitations/no-such-token')).status).toBe(404);
    expect((await call(t.app, 'POST', `/api/v1/orgs/${orgId}/invitations/nope/resend`, { token: owner.token })).status).toBe(400);
    expect((await call(t.app, 'DELETE', `/api/v1/orgs/${orgId}/invitations/00000000-0000-4000-8000-000000000000`, { token: owner.token })).status).toBe(404);
  });

  it('revokes: the link stops working', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const admin = await member(owner, orgId, 'admin');
    const invitee = await person();
    const inv = await invite(owner, orgId, invitee.email, 'viewer');
    const token = tokenOf(inv.body.acceptUrl);
    const url = `/api/v1/orgs/${orgId}/invitations/${inv.body.id}`;
    expect((await call(t.app, 'DELETE', url, { token: admin.token })).status).toBe(204);
    expect((await call(t.app, 'DELETE', url, { token: admin.token })).status).toBe(404);
    expect((await call(t.app, 'GET', `/api/v1/invitations/${token}`)).status).toBe(404);
    expect((await call(t.app, 'POST', `/api/v1/invitations/${token}/accept`, { token: invitee.token })).status).toBe(404);
    expect((await call(t.app, 'POST', `${url}/resend`, { token: owner.token })).status).toBe(404);
    expect((await call(t.app, 'GET', `/api/v1/orgs/${orgId}/invitations`, { token: owner.token })).body.items).toEqual([]);
    expect(await auditActions(owner, orgId)).toContain('invitation.revoked');
  });

  it('expires: 410 until resent', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const invitee = await person();
    const inv = await invite(owner, orgId, invitee.email, 'editor');
    await t.runtime.db.execute(sql`update invitations set expires_at = now() - interval '1 minute' where id = ${inv.body.id}`);
    const token = tokenOf(inv.body.acceptUrl);
    const preview = await call(t.app, 'GET', `/api/v1/invitations/${token}`);
    expect(preview.status).toBe(410);
    expect(preview.body.error.code).toBe('invitation_expired');
    const accept = await call(t.app, 'POST', `/api/v1/invitations/${token}/accept`, { token: invitee.token });
    expect(accept.status).toBe(410);
    expect((await call(t.app, 'GET', `/api/v1/orgs/${orgId}/invitations`, { token: owner.token })).body.items).toEqual([]);

    const resent = await call(t.app, 'POST', `/api/v1/orgs/${orgId}/invitations/${inv.body.id}/resend`, { token: owner.token });
    expect(resent.status).toBe(200);
    expect(new Date(resent.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect((await call(t.app, 'POST', `/api/v1/invitations/${tokenOf(resent.body.acceptUrl)}/accept`, { token: invitee.token })).status).toBe(200);
  });

  it('resends under a new link; the old one stops working', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const invitee = await person();
    const inv = await invite(owner, orgId, invitee.email, 'viewer');
    const res = await call(t.app, 'POST', `/api/v1/orgs/${orgId}/invitations/${inv.body.id}/resend`, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...inv.body, expiresAt: expect.any(String), acceptUrl: expect.stringMatching(/^http:\/\/herald\.test\/invite\//) });
    expect(res.body.acceptUrl).not.toBe(inv.body.acceptUrl);
    expect(new Date(res.body.expiresAt).getTime()).toBeGreaterThanOrEqual(new Date(inv.body.expiresAt).getTime());
    expect((await call(t.app, 'GET', `/api/v1/invitations/${tokenOf(inv.body.acceptUrl)}`)).status).toBe(404);
    expect((await call(t.app, 'POST', `/api/v1/invitations/${tokenOf(inv.body.acceptUrl)}/accept`, { token: invitee.token })).status).toBe(404);
    expect((await call(t.app, 'POST', `/api/v1/invitations/${tokenOf(res.body.acceptUrl)}/accept`, { token: invitee.token })).status).toBe(200);
    expect((await call(t.app, 'POST', `/api/v1/orgs/${orgId}/invitations/${inv.body.id}/resend`, { token: owner.token })).status).toBe(404);
  });
});

describe('create account and join (one step)', () => {
  const join = (token: string, body: unknown, app = t.app) => call(app, 'POST', `/api/v1/invitations/${token}/register`, { body });

  it('creates the account with the invited email, joins and signs in', async () => {
    const owner = await person();
    const orgId = await createOrg(owner, 'One Step');
    const inv = await invite(owner, orgId, 'Newcomer@Example.com', 'editor');
    const token = tokenOf(inv.body.acceptUrl);

    const weak = await join(token, { name: 'Nina', password: 'short' });
    expect(weak.status).toBe(400);
    expect((await query(sql`select id from users where lower(email) = 'newcomer@example.com'`)).length).toBe(0);

    const res = await join(token, { name: 'Nina Newcomer', password: 'a good long password' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ organization: { id: orgId, name: 'One Step' }, role: 'editor', user: { email: 'newcomer@example.com', name: 'Nina Newcomer' } });
    // A link handed over by the inviter proves no mailbox: the address is still to be verified.
    expect(res.body.user.emailVerified).toBe(false);
    expect(res.cookies.find((c) => c.name === 'herald_refresh')).toBeDefined();
    const me = await call(t.app, 'GET', '/api/v1/me', { token: res.body.accessToken });
    expect(me.body.memberships).toEqual([{ organization: { id: orgId, name: 'One Step' }, role: 'editor' }]);
    const jobs = await query<{ n: number }>(sql`select count(*)::int as n from pgboss.job where name = 'send-verification-email'`);
    expect(jobs[0]!.n).toBeGreaterThan(0);

    // Used up: the link is gone.
    expect((await join(token, { name: 'Again', password: 'a good long password' })).status).toBe(404);
  });

  it('creates nothing when the email already has an account, or the link is expired', async () => {
    const owner = await person();
    const orgId = await createOrg(owner, 'Taken Co');
    const existing = await person();
    const inv = await invite(owner, orgId, existing.email, 'viewer');
    const taken = await join(tokenOf(inv.body.acceptUrl), { name: 'Imposter', password: 'a good long password' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('email_taken');
    expect((await call(t.app, 'GET', `/api/v1/invitations/${tokenOf(inv.body.acceptUrl)}`)).status).toBe(200);

    const late = await invite(owner, orgId, 'late.joiner@example.com', 'viewer');
    await t.runtime.db.execute(sql`update invitations set expires_at = now() - interval '1 minute' where id = ${late.body.id}`);
    const expired = await join(tokenOf(late.body.acceptUrl), { name: 'Late', password: 'a good long password' });
    expect(expired.status).toBe(410);
    expect((await query(sql`select id from users where email = 'late.joiner@example.com'`)).length).toBe(0);
  });
});

describe('invitation email', () => {
  let mail: TestApp;
  let smtp: FakeSmtp;
  beforeAll(async () => {
    smtp = await FakeSmtp.start();
    mail = await createTestApp({ ...ENV, SMTP_URL: smtp.url });
  });
  afterAll(async () => {
    await mail?.close();
    await smtp?.close();
  });

  async function emailJobs(): Promise<unknown[]> {
    const rows = await query<{ data: unknown }>(sql`select data from pgboss.job where name = 'send-invitation-email' order by created_on`, mail.runtime.db);
    return rows.map((r) => (typeof r.data === 'string' ? JSON.parse(r.data) : r.data));
  }
  const mailedToken = async (to: string, nth = 0) => {
    await smtp.waitFor({ to, contains: '/invite/' });
    // Only invitation mails: a verification mail to the same person may arrive first (job order varies).
    const text = smtp.delivered.filter((m) => m.to.includes(to) && m.text.includes('/invite/'))[nth]!.text;
    return /\/invite\/([A-Za-z0-9_-]+)/.exec(text)![1]!;
  };

  it('mails the link to the invitee only, from a job that carries the invitation id', async () => {
    const owner = await person(mail.app);
    const orgId = await createOrg(owner, 'Mail <Co>', mail.app);
    const res = await invite(owner, orgId, 'mailed@example.com', 'editor', mail.app);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ emailSent: true, acceptUrl: null });
    expect(await emailJobs()).toEqual([{ invitationId: res.body.id }]);

    await mail.runtime.queue.work(jobHandlers(mail.runtime));
    const delivered = await smtp.waitFor({ to: 'mailed@example.com', contains: '/invite/' });
    expect(delivered.text).toContain('Subject: Person');
    expect(delivered.text).toContain('Mail &lt;Co&gt;');
    expect(delivered.text).toMatch(/http:\/\/herald\.test\/invite\/[A-Za-z0-9_-]{40,}/);

    const resent = await call(mail.app, 'POST', `/api/v1/orgs/${orgId}/invitations/${res.body.id}/resend`, { token: owner.token });
    expect(resent.body).toMatchObject({ emailSent: true, acceptUrl: null });
    expect(await emailJobs()).toHaveLength(2);

    // A refused invitation queues nothing.
    expect((await invite(owner, orgId, owner.email, 'viewer', mail.app)).status).toBe(409);
    expect(await emailJobs()).toHaveLength(2);
  });

  it('verifies the email of whoever accepts a mailed link (it proves the mailbox)', async () => {
    const owner = await person(mail.app);
    const orgId = await createOrg(owner, 'Proof Co', mail.app);
    const invitee = await person(mail.app, 'proof@example.com');
    await invite(owner, orgId, invitee.email, 'viewer', mail.app);
    const token = await mailedToken(invitee.email);
    const accepted = await call(mail.app, 'POST', `/api/v1/invitations/${token}/accept`, { token: invitee.token });
    expect(accepted.status).toBe(200);
    expect((await call(mail.app, 'GET', '/api/v1/me', { token: invitee.token })).body.user.emailVerified).toBe(true);

    // "Create account and join" from a mailed link starts verified.
    await invite(owner, orgId, 'fresh.mailed@example.com', 'editor', mail.app);
    const joined = await call(mail.app, 'POST', `/api/v1/invitations/${await mailedToken('fresh.mailed@example.com')}/register`, {
      body: { name: 'Fresh', password: 'a good long password' },
    });
    expect(joined.status).toBe(201);
    expect(joined.body.user.emailVerified).toBe(true);
  });

  it('needs a verified email for a link that did not travel by mail, while mail works', async () => {
    const owner = await person(mail.app);
    const orgId = await createOrg(owner, 'Handed Co', mail.app);
    const invitee = await person(mail.app, 'handed@example.com');
    const inv = await invite(owner, orgId, invitee.email, 'viewer', mail.app);
    const token = await mailedToken(invitee.email);
    // As if the link had been handed over (issued before this server had SMTP).
    await mail.runtime.db.execute(sql`update invitations set mailed = false where id = ${inv.body.id}`);
    const refused = await call(mail.app, 'POST', `/api/v1/invitations/${token}/accept`, { token: invitee.token });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('email_unverified');

    const verification = await smtp.waitFor({ to: invitee.email, contains: '/verify-email?token=' });
    const vToken = /\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(verification.text)![1]!;
    expect((await call(mail.app, 'POST', '/api/v1/me/email-verification/confirm', { token: invitee.token, body: { token: vToken } })).status).toBe(200);
    expect((await call(mail.app, 'POST', `/api/v1/invitations/${token}/accept`, { token: invitee.token })).status).toBe(200);
  });
});
