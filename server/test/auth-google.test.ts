import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGoogle } from './fakes/google-oidc.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { Outbox, tokenIn } from './helpers/outbox.js';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../src/db/client.js';
import { jobHandlers } from '../src/jobs/handlers.js';

const CLIENT_ID = '1234567890-herald.apps.googleusercontent.com';
const CLIENT_SECRET = 'GOCSPX-test-client-secret';
const CALLBACK = 'http://herald.test/api/v1/auth/google/callback';

let t: TestApp;
let google: FakeGoogle;
let box: Outbox;

beforeAll(async () => {
  google = await FakeGoogle.start({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [CALLBACK] });
  t = await createTestApp({
    GOOGLE_CLIENT_ID: CLIENT_ID,
    GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
    HERALD_GOOGLE_AUTH_URL: google.authUrl,
    HERALD_GOOGLE_TOKEN_URL: google.tokenUrl,
    HERALD_GOOGLE_JWKS_URL: google.jwksUrl,
    AUTH_RATE_LIMIT_MAX: '10000',
  });
  await t.runtime.queue.work(jobHandlers(t.runtime));
  box = new Outbox(t.dataDir);
});
afterAll(async () => {
  await t?.close();
  await google?.close();
});

interface Started {
  authorizeUrl: URL;
  flowCookie: string;
}

async function start(returnTo?: string): Promise<Started> {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/google/start', query: returnTo === undefined ? {} : { returnTo } });
  expect(res.statusCode).toBe(302);
  const flow = res.cookies.find((c) => c.name === 'herald_oidc');
  expect(flow).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/v1/auth/google', maxAge: 600 });
  return { authorizeUrl: new URL(String(res.headers.location)), flowCookie: flow!.value };
}

/** The browser at Google: follows Herald's redirect to the consent screen and returns where Google sends it back. */
async function consent(authorizeUrl: URL): Promise<URL> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
  return back;
}

async function callback(back: URL, flowCookie: string | undefined) {
  const res = await t.app.inject({
    method: 'GET',
    url: `${back.pathname}${back.search}`,
    ...(flowCookie === undefined ? {} : { cookies: { herald_oidc: flowCookie } }),
  });
  return {
    status: res.statusCode,
    location: String(res.headers.location),
    refresh: res.cookies.find((c) => c.name === 'herald_refresh'),
    flow: res.cookies.find((c) => c.name === 'herald_oidc'),
    body: res.body,
  };
}

async function signInWithGoogle(returnTo?: string) {
  const started = await start(returnTo);
  return callback(await consent(started.authorizeUrl), started.flowCookie);
}

async function meWith(refresh: string) {
  const res = await call(t.app, 'POST', '/api/v1/auth/refresh', { cookies: { herald_refresh: refresh } });
  expect(res.status).toBe(200);
  const me = await call(t.app, 'GET', '/api/v1/me', { token: res.body.accessToken });
  expect(me.status).toBe(200);
  return { me: me.body, accessToken: res.body.accessToken as string };
}

describe('Google sign-in', () => {
  it('is announced by /auth/config', async () => {
    expect((await call(t.app, 'GET', '/api/v1/auth/config')).body.googleEnabled).toBe(true);
  });

  it('sends the browser to Google with PKCE, state and nonce', async () => {
    const { authorizeUrl } = await start('/calendar');
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(google.authUrl);
    const q = authorizeUrl.searchParams;
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('redirect_uri')).toBe(CALLBACK);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('scope')).toBe('openid email profile');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('nonce')).not.toBe(q.get('state'));
  });

  it('creates an account for a new Google user and signs them in', async () => {
    google.signInAs({ sub: '111', email: 'New.Person@gmail.com', name: 'New Person' });
    const requestsBefore = google.tokenRequests.length;
    const res = await signInWithGoogle('/posts?view=week#today');
    expect(res.status).toBe(302);
    expect(res.location).toBe('/posts?view=week#today');
    expect(res.refresh).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });
    expect(res.flow).toMatchObject({ value: '', maxAge: 0 });

    const sent = google.tokenRequests[requestsBefore]!;
    expect(sent).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: CALLBACK });
    expect(sent.code_verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);

    const { me } = await meWith(res.refresh!.value);
    expect(me.user).toMatchObject({ email: 'New.Person@gmail.com', name: 'New Person', hasPassword: false });
    expect(me.memberships).toEqual([]);

    const again = await signInWithGoogle();
    expect(again.location).toBe('/');
    expect((await meWith(again.refresh!.value)).me.user.id).toBe(me.user.id);
  });

  it('links Google to an existing account whose email was verified, keeping its password', async () => {
    const reg = await call(t.app, 'POST', '/api/v1/auth/register', { body: { email: 'Linda@Example.com', password: 'linda has a password', name: 'Linda' } });
    expect(reg.status).toBe(201);
    const token = tokenIn(await box.next({ to: 'Linda@Example.com', subject: 'Confirm your email' }), '/verify-email');
    const verified = await call(t.app, 'POST', '/api/v1/me/email-verification/confirm', { token: reg.body.accessToken, body: { token } });
    expect(verified.status).toBe(200);

    google.signInAs({ sub: '222', email: 'linda@example.com', name: 'Linda From Google' });
    const res = await signInWithGoogle('/settings');
    expect(res.location).toBe('/settings');
    const { me } = await meWith(res.refresh!.value);
    expect(me.user).toMatchObject({ id: reg.body.user.id, email: 'Linda@Example.com', name: 'Linda', hasPassword: true, emailVerified: true });
    const login = await call(t.app, 'POST', '/api/v1/auth/login', { body: { email: 'linda@example.com', password: 'linda has a password' } });
    expect(login.status).toBe(200);
    // Her other session survives: nothing about her account was in doubt.
    expect((await call(t.app, 'GET', '/api/v1/me', { token: reg.body.accessToken })).status).toBe(200);

    // The identity is linked now: a changed Google email still finds the same account.
    google.signInAs({ sub: '222', email: 'linda.new@example.com', name: 'Linda' });
    expect((await meWith((await signInWithGoogle()).refresh!.value)).me.user.id).toBe(reg.body.user.id);
  });

  it('defeats account pre-takeover: the attacker’s password and sessions die when the victim signs in with Google', async () => {
    // The attacker registers the victim's address first, with a password of their own, and stays signed in.
    const attacker = await call(t.app, 'POST', '/api/v1/auth/register', { body: { email: 'victim@example.com', password: 'attacker chose this', name: 'Victim' } });
    expect(attacker.status).toBe(201);
    expect(attacker.body.user.emailVerified).toBe(false);
    const attackerRefresh = attacker.cookies.find((c) => c.name === 'herald_refresh')!.value;
    const attackerLogin = await call(t.app, 'POST', '/api/v1/auth/login', { body: { email: 'victim@example.com', password: 'attacker chose this' } });
    expect(attackerLogin.status).toBe(200);
    // The verification mail of that registration lands in the victim's mailbox.
    const stale = tokenIn(await box.next({ to: 'victim@example.com', subject: 'Confirm your email' }), '/verify-email');

    // The victim, who really owns the mailbox, signs in with Google.
    google.signInAs({ sub: 'victim-google-sub', email: 'victim@example.com', name: 'Real Victim' });
    const victim = await signInWithGoogle('/');
    expect(victim.status).toBe(302);
    expect(victim.location).toBe('/');
    const { me, accessToken } = await meWith(victim.refresh!.value);
    expect(me.user).toMatchObject({ id: attacker.body.user.id, email: 'victim@example.com', hasPassword: false, emailVerified: true });

    // The attacker's password no longer works, and every session they held has ended.
    const again = await call(t.app, 'POST', '/api/v1/auth/login', { body: { email: 'victim@example.com', password: 'attacker chose this' } });
    expect(again.status).toBe(401);
    for (const stolen of [attacker.body.accessToken, attackerLogin.body.accessToken]) {
      expect((await call(t.app, 'GET', '/api/v1/me', { token: stolen })).status).toBe(401);
    }
    for (const refresh of [attackerRefresh, attackerLogin.cookies.find((c) => c.name === 'herald_refresh')!.value]) {
      expect((await call(t.app, 'POST', '/api/v1/auth/refresh', { cookies: { herald_refresh: refresh } })).status).toBe(401);
    }
    // The link mailed at the attacker's registration is void (the address is proven by Google now).
    const open = await t.runtime.db.execute(sql`select count(*)::int as n from email_verifications where user_id = ${attacker.body.user.id} and used_at is null`);
    expect(rowsOf<{ n: number }>(open)[0]!.n).toBe(0);
    expect((await call(t.app, 'POST', '/api/v1/me/email-verification/confirm', { token: accessToken, body: { token: stale } })).body.user.emailVerified).toBe(true);
    // The victim keeps their session and can choose a password of their own.
    const set = await call(t.app, 'POST', '/api/v1/me/password', { token: accessToken, body: { newPassword: 'the victim’s own password' } });
    expect(set.status).toBe(204);
    expect((await call(t.app, 'POST', '/api/v1/auth/login', { body: { email: 'victim@example.com', password: 'the victim’s own password' } })).status).toBe(200);
  });

  it('lets a Google-only user set a password without a current one', async () => {
    google.signInAs({ sub: '333', email: 'only.google@gmail.com', name: 'Only Google' });
    const { accessToken } = await meWith((await signInWithGoogle()).refresh!.value);
    const set = await call(t.app, 'POST', '/api/v1/me/password', { token: accessToken, body: { newPassword: 'now i have one too' } });
    expect(set.status).toBe(204);
    const login = await call(t.app, 'POST', '/api/v1/auth/login', { body: { email: 'only.google@gmail.com', password: 'now i have one too' } });
    expect(login.status).toBe(200);
    expect(login.body.user.hasPassword).toBe(true);
  });

  it('refuses a callback whose state does not match the flow cookie', async () => {
    google.signInAs({ sub: '444', email: 'state@gmail.com' });
    const started = await start();
    const back = await consent(started.authorizeUrl);
    back.searchParams.set('state', 'attacker-chosen-state');
    const res = await callback(back, started.flowCookie);
    expect(res.status).toBe(302);
    expect(res.location).toBe('/login?error=google_state_mismatch');
    expect(res.refresh).toBeUndefined();

    const noCookie = await callback(await consent((await start()).authorizeUrl), undefined);
    expect(noCookie.location).toBe('/login?error=google_state_mismatch');

    const forged = await callback(await consent((await start()).authorizeUrl), 'v1.test1.forged.cookie.value');
    expect(forged.location).toBe('/login?error=google_state_mismatch');
  });

  it('reports a denied consent', async () => {
    google.denyNext();
    const res = await signInWithGoogle('/posts');
    expect(res.status).toBe(302);
    expect(res.location).toBe('/login?error=google_denied');
    expect(res.refresh).toBeUndefined();
  });

  it.each([
    ['a wrong nonce', { nonce: 'not-the-nonce-we-sent' }],
    ['a wrong audience', { aud: 'someone-else.apps.googleusercontent.com' }],
    ['a wrong issuer', { iss: 'https://evil.example.com' }],
    ['an expired token', { expiresIn: -120 }],
    ['a key not in the JWKS', { foreignKey: true }],
  ])('rejects an ID token with %s', async (_name, tampering) => {
    google.signInAs({ sub: '555', email: 'tampered@gmail.com' });
    google.tamperNextIdToken(tampering);
    const res = await signInWithGoogle();
    expect(res.status).toBe(302);
    expect(res.location).toBe('/login?error=google_failed');
    expect(res.refresh).toBeUndefined();
  });

  it('refuses an unverified Google email', async () => {
    google.signInAs({ sub: '666', email: 'unverified@example.com', emailVerified: false });
    const res = await signInWithGoogle();
    expect(res.location).toBe('/login?error=google_email_unverified');
    expect(res.refresh).toBeUndefined();
  });

  it('cannot replay a callback (the code is single-use)', async () => {
    google.signInAs({ sub: '777', email: 'replay@gmail.com' });
    const started = await start();
    const back = await consent(started.authorizeUrl);
    expect((await callback(back, started.flowCookie)).refresh).toBeDefined();
    const replay = await callback(back, started.flowCookie);
    expect(replay.location).toBe('/login?error=google_failed');
    expect(replay.refresh).toBeUndefined();
  });

  it('only returns to same-origin paths', async () => {
    google.signInAs({ sub: '888', email: 'redirect@gmail.com' });
    for (const returnTo of ['//evil.example.com/x', 'https://evil.example.com', '/\\evil.example.com', 'javascript:alert(1)', '/..//evil.example.com']) {
      const res = await signInWithGoogle(returnTo);
      expect(res.status).toBe(302);
      expect(res.location).toBe('/');
    }
  });

  it('answers malformed callback input with 4xx, never 500', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/google/callback?state=a&state=b&code=c' });
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('validation_failed');
  });
});
