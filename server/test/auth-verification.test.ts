import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.js';
import { jobHandlers } from '../src/jobs/handlers.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call, signUp } from './helpers/http.js';
import { Outbox, tokenIn } from './helpers/outbox.js';

/** Email verification: a link mailed at registration, resent on request, usable only by its account. */
let t: TestApp;
let box: Outbox;
const SUBJECT = 'Confirm your email';
const RESENDS = 3;

beforeAll(async () => {
  t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '1000' });
  await t.runtime.queue.work(jobHandlers(t.runtime));
  box = new Outbox(t.dataDir);
});
afterAll(async () => t?.close());

const confirm = (accessToken: string | undefined, token: string) =>
  call(t.app, 'POST', '/api/v1/me/email-verification/confirm', { ...(accessToken ? { token: accessToken } : {}), body: { token } });

describe('email verification', () => {
  it('mails a link at registration that verifies the account it was sent for, once signed in', async () => {
    const owner = await signUp(t.app, { email: 'Vera@Example.com' });
    const other = await signUp(t.app, { email: 'someone.else@example.com' });
    expect(owner.user).toMatchObject({ emailVerified: false });
    const mail = await box.next({ to: 'Vera@Example.com', subject: SUBJECT });
    const token = tokenIn(mail, '/verify-email');

    // Nobody else can use it: not anonymously, not from another account.
    expect((await confirm(undefined, token)).status).toBe(401);
    const foreign = await confirm(other.accessToken, token);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('invalid_verification_token');
    expect((await call(t.app, 'GET', '/api/v1/me', { token: other.accessToken })).body.user.emailVerified).toBe(false);

    const wrong = await confirm(owner.accessToken, `${token}x`);
    expect(wrong.status).toBe(400);

    const done = await confirm(owner.accessToken, token);
    expect(done.status).toBe(200);
    expect(done.body.user).toMatchObject({ email: 'Vera@Example.com', emailVerified: true });
    expect((await call(t.app, 'GET', '/api/v1/me', { token: owner.accessToken })).body.user.emailVerified).toBe(true);
    // Opening the link again is harmless; asking for another link now is pointless.
    expect((await confirm(owner.accessToken, token)).status).toBe(200);
    const resend = await call(t.app, 'POST', '/api/v1/me/email-verification', { token: owner.accessToken });
    expect(resend.status).toBe(409);
    expect(resend.body.error.code).toBe('email_already_verified');
  });

  it('resends on request, only the newest link works', async () => {
    const user = await signUp(t.app, { email: 'resend@example.com' });
    const first = tokenIn(await box.next({ to: user.email, subject: SUBJECT }), '/verify-email');
    const second = await call(t.app, 'POST', '/api/v1/me/email-verification', { token: user.accessToken });
    expect(second.status).toBe(202);
    const latest = tokenIn(await box.next({ to: user.email, subject: SUBJECT }), '/verify-email');
    expect(latest).not.toBe(first);
    // An older link stops working once a newer one is issued.
    const stale = await confirm(user.accessToken, first);
    expect(stale.status).toBe(400);
    expect((await confirm(user.accessToken, latest)).status).toBe(200);
    expect((await call(t.app, 'GET', '/api/v1/me', { token: user.accessToken })).body.user.emailVerified).toBe(true);
  });

  it('writes development mail only readable by Herald’s user', async () => {
    const files = await box.files();
    expect(files.length).toBeGreaterThan(0);
    expect((await stat(box.dir)).mode & 0o777).toBe(0o700);
    for (const file of files) expect((await stat(join(box.dir, file))).mode & 0o777).toBe(0o600);
  });
});

describe('resend budget', () => {
  it('is rate limited per account', async () => {
    const limited = await createTestApp({ AUTH_RATE_LIMIT_MAX: String(RESENDS) });
    try {
      const user = await signUp(limited.app, { email: 'eager@example.com' });
      for (let i = 0; i < RESENDS; i += 1) {
        expect((await call(limited.app, 'POST', '/api/v1/me/email-verification', { token: user.accessToken })).status).toBe(202);
      }
      const over = await call(limited.app, 'POST', '/api/v1/me/email-verification', { token: user.accessToken });
      expect(over.status).toBe(429);
      expect(over.headers['retry-after']).toBeDefined();
    } finally {
      await limited.close();
    }
  }, 120_000);
});

describe('production without SMTP', () => {
  it('writes no outbox at all', async () => {
    const prod = await createTestApp({ NODE_ENV: 'production', AUTH_RATE_LIMIT_MAX: '100' });
    try {
      await prod.runtime.queue.work(jobHandlers(prod.runtime));
      await signUp(prod.app, { email: 'prod@example.com' });
      const reset = await call(prod.app, 'POST', '/api/v1/auth/password-reset', { body: { email: 'prod@example.com' } });
      expect(reset.status).toBe(202);
      // Give the worker time to run both mail jobs, then check nothing was written.
      const deadline = Date.now() + 20_000;
      let done = false;
      while (!done && Date.now() < deadline) {
        const jobs = await prod.runtime.db.execute(sql`select count(*)::int as n from pgboss.job where name like 'send-%' and state = 'completed'`);
        done = rowsOf<{ n: number }>(jobs)[0]?.n === 2;
        if (!done) await new Promise((r) => setTimeout(r, 100));
      }
      expect(done).toBe(true);
      expect(await new Outbox(prod.dataDir).files()).toEqual([]);
    } finally {
      await prod.close();
    }
  }, 120_000);
});
