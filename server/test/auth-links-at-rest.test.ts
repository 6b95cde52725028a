import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.js';
import { jobHandlers } from '../src/jobs/handlers.js';
import { FakeSmtp } from './fakes/smtp.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { dumpSchema } from './helpers/db-dump.js';
import { call, signUp } from './helpers/http.js';

/**
 * Links that grant something (password reset, invitation, email verification) must not be readable
 * from the database: not in the job queue's tables (pending or completed jobs, their output), not in
 * Herald's own tables once the mail is out. The mails go through a fake SMTP relay, so the queue runs
 * exactly as in production.
 */
let t: TestApp;
let smtp: FakeSmtp;
beforeAll(async () => {
  smtp = await FakeSmtp.start();
  t = await createTestApp({ SMTP_URL: smtp.url, AUTH_RATE_LIMIT_MAX: '10000' });
  await t.runtime.queue.work(jobHandlers(t.runtime));
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await t.runtime.db.execute(query));
}

/** Waits until the queue has no job left to run (all sent, none retrying). */
async function queueDrained(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const [open] = await rows<{ n: number }>(sql`select count(*)::int as n from pgboss.job where state in ('created', 'retry', 'active')`);
    if (open?.n === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('jobs still pending');
}

function tokenOf(text: string, pattern: RegExp): string {
  const match = pattern.exec(text);
  if (!match?.[1]) throw new Error(`no link in:\n${text}`);
  return match[1];
}

async function expectNowhereAtRest(token: string, linkPath: string): Promise<void> {
  await queueDrained();
  const queue = await dumpSchema(t.runtime.db, 'pgboss');
  expect(queue).not.toContain(token);
  expect(queue).not.toContain(linkPath);
  const app = await dumpSchema(t.runtime.db, 'public');
  expect(app).not.toContain(token);
}

describe('secret links at rest', () => {
  it('a password reset link is mailed, but neither the job nor the database keeps it', async () => {
    const user = await signUp(t.app, { email: 'reset.rest@example.com' });
    expect((await call(t.app, 'POST', '/api/v1/auth/password-reset', { body: { email: user.email } })).status).toBe(202);
    const mail = await smtp.waitFor({ to: user.email, contains: '/reset-password?token=' });
    const token = tokenOf(mail.text, /\/reset-password\?token=([A-Za-z0-9_-]+)/);

    await expectNowhereAtRest(token, '/reset-password?token=');
    const [reset] = await rows<{ token_sealed: string | null }>(sql`select token_sealed from password_resets where user_id = ${user.user.id}`);
    expect(reset).toEqual({ token_sealed: null });

    // The mailed token is the real one.
    const done = await call(t.app, 'POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'a brand new passphrase' } });
    expect(done.status).toBe(204);
  });

  it('an invitation link is mailed only to the invitee, and kept nowhere', async () => {
    const owner = await signUp(t.app);
    const org = await call(t.app, 'POST', '/api/v1/orgs', { token: owner.accessToken, body: { name: 'Rest Co' } });
    const invited = await call(t.app, 'POST', `/api/v1/orgs/${org.body.id}/invitations`, { token: owner.accessToken, body: { email: 'invitee.rest@example.com', role: 'editor' } });
    expect(invited.status).toBe(201);
    const first = tokenOf((await smtp.waitFor({ to: 'invitee.rest@example.com', contains: '/invite/' })).text, /\/invite\/([A-Za-z0-9_-]+)/);
    const resent = await call(t.app, 'POST', `/api/v1/orgs/${org.body.id}/invitations/${invited.body.id}/resend`, { token: owner.accessToken });
    expect(resent.status).toBe(200);
    await queueDrained();
    const mails = smtp.delivered.filter((m) => m.to.includes('invitee.rest@example.com'));
    expect(mails).toHaveLength(2);
    const second = tokenOf(mails[1]!.text, /\/invite\/([A-Za-z0-9_-]+)/);

    for (const token of [first, second]) await expectNowhereAtRest(token, '/invite/');
    const [row] = await rows<{ token_sealed: string | null }>(sql`select token_sealed from invitations where id = ${invited.body.id}`);
    expect(row).toEqual({ token_sealed: null });
    expect((await call(t.app, 'GET', `/api/v1/invitations/${second}`)).status).toBe(200);
  });

  it('an email verification link is mailed, and kept nowhere', async () => {
    const user = await signUp(t.app, { email: 'verify.rest@example.com' });
    const mail = await smtp.waitFor({ to: user.email, contains: '/verify-email?token=' });
    const token = tokenOf(mail.text, /\/verify-email\?token=([A-Za-z0-9_-]+)/);
    await expectNowhereAtRest(token, '/verify-email?token=');
    const confirm = await call(t.app, 'POST', '/api/v1/me/email-verification/confirm', { token: user.accessToken, body: { token } });
    expect(confirm.status).toBe(200);
    expect(confirm.body.user.emailVerified).toBe(true);
  });

  it('mail jobs carry row ids only', async () => {
    const jobs = await rows<{ name: string; data: unknown }>(sql`select name, data from pgboss.job where name like 'send-%'`);
    expect(jobs.length).toBeGreaterThanOrEqual(5);
    for (const job of jobs) {
      const data = typeof job.data === 'string' ? JSON.parse(job.data) : job.data;
      expect(Object.keys(data as object)).toHaveLength(1);
      expect(Object.values(data as object)[0]).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
