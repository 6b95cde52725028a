import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.js';
import { jobHandlers } from '../src/jobs/handlers.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { Outbox, tokenIn } from './helpers/outbox.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '10000' });
  await t.runtime.queue.work(jobHandlers(t.runtime));
  box = new Outbox(t.dataDir);
});
afterAll(async () => t?.close());

let box: Outbox;
const password = 'my original passphrase';
const RESET = 'Reset your Herald password';

async function requestReset(email: string): Promise<string> {
  const res = await call(t.app, 'POST', '/api/v1/auth/password-reset', { body: { email } });
  expect(res.status).toBe(202);
  return tokenIn(await box.next({ to: email, subject: RESET }), '/reset-password');
}

describe('password reset', () => {
  it('answers the same for unknown emails and sends nothing', async () => {
    const res = await call(t.app, 'POST', '/api/v1/auth/password-reset', { body: { email: 'nobody@example.com' } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({});
    const queued = await t.runtime.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'send-password-reset-email'`);
    expect(rowsOf<{ n: number }>(queued)[0]!.n).toBe(0);
    const invalid = await call(t.app, 'POST', '/api/v1/auth/password-reset', { body: { email: 'nope' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.fields.email).toBeTruthy();
  });

  it('resets the password end to end and ends every session', async () => {
    const reg = await call(t.app, 'POST', '/api/v1/auth/register', { body: { email: 'Reset.Me@example.com', password, name: 'Rita' } });
    expect(reg.status).toBe(201);
    const sessionA = reg.cookies.find((c) => c.name === 'herald_refresh')!.value;
    const login = await call(t.app, 'POST', '/api/v1/auth/login', { body: { email: 'reset.me@example.com', password } });
    const sessionB = login.cookies.find((c) => c.name === 'herald_refresh')!.value;

    const res = await call(t.app, 'POST', '/api/v1/auth/password-reset', { body: { email: ' RESET.ME@example.com ' } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({});
    const mail = await box.next({ subject: RESET });
    expect(mail).toContain('To: Reset.Me@example.com');
    const token = tokenIn(mail, '/reset-password');

    const weak = await call(t.app, 'POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'short' } });
    expect(weak.status).toBe(400);
    expect(Object.keys(weak.body.error.details.fields)).toEqual(['password']);

    const wrong = await call(t.app, 'POST', '/api/v1/auth/password-reset/confirm', { body: { token: `${token}x`, password: 'a fresh new passphrase' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('invalid_reset_token');

    const done = await call(t.app, 'POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'a fresh new passphrase' } });
    expect(done.status).toBe(204);

    for (const refresh of [sessionA, sessionB]) {
      const r = await call(t.app, 'POST', '/api/v1/auth/refresh', { cookies: { herald_refresh: refresh } });
      expect(r.status).toBe(401);
    }
    expect((await call(t.app, 'POST', '/api/v1/auth/login', { body: { email: 'reset.me@example.com', password } })).status).toBe(401);
    expect((await call(t.app, 'POST', '/api/v1/auth/login', { body: { email: 'reset.me@example.com', password: 'a fresh new passphrase' } })).status).toBe(200);

    const reused = await call(t.app, 'POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'yet another passphrase' } });
    expect(reused.status).toBe(400);
    expect(reused.body.error.code).toBe('invalid_reset_token');
  });

  it('refuses expired links and links older than a password change', async () => {
    const reg = await call(t.app, 'POST', '/api/v1/auth/register', { body: { email: 'late@example.com', password, name: 'Late' } });
    const expiredToken = await requestReset('late@example.com');
    await t.runtime.db.execute(sql`update password_resets set expires_at = now() - interval '1 second' where user_id = ${reg.body.user.id}`);
    const expired = await call(t.app, 'POST', '/api/v1/auth/password-reset/confirm', { body: { token: expiredToken, password: 'a fresh new passphrase' } });
    expect(expired.status).toBe(400);
    expect(expired.body.error.code).toBe('invalid_reset_token');

    const staleToken = await requestReset('late@example.com');
    const change = await call(t.app, 'POST', '/api/v1/me/password', {
      token: reg.body.accessToken,
      body: { currentPassword: password, newPassword: 'changed in the meantime' },
    });
    expect(change.status).toBe(204);
    const stale = await call(t.app, 'POST', '/api/v1/auth/password-reset/confirm', { body: { token: staleToken, password: 'a fresh new passphrase' } });
    expect(stale.status).toBe(400);
    expect(stale.body.error.code).toBe('invalid_reset_token');
  });

  it('validates the confirm body', async () => {
    const res = await call(t.app, 'POST', '/api/v1/auth/password-reset/confirm', { body: { password: 'long enough password' } });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.details.fields)).toEqual(['token']);
  });
});
