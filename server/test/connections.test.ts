import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthConnections, notifications } from '../src/db/schema-connections.js';
import { channels } from '../src/db/schema.js';
import { jobHandlers } from '../src/jobs/handlers.js';
import { refreshExpiringTokens } from '../src/modules/channels/token-refresh.js';
import { syncMetrics } from '../src/modules/metrics/sync.js';
import { FakeX } from './fakes/x.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call, signUp } from './helpers/http.js';
import { eventually, ownerWithWorkspace } from './helpers/workspace.js';

/**
 * Connecting a real platform end to end, with X's contract fake as the platform: connect → consent →
 * callback → pick → channel; publishing through the pipeline; token refresh and its failure; the
 * re-authorisation that releases held posts; metrics. The same flow serves every OAuth platform.
 */
const PUBLIC_URL = 'http://herald.test';
const CLIENT = { clientId: 'herald-x-app', clientSecret: 'herald-x-secret', redirectUris: [`${PUBLIC_URL}/api/v1/oauth/x/callback`] };

let fake: FakeX;
let t: TestApp;
let s: Awaited<ReturnType<typeof ownerWithWorkspace>>;

beforeAll(async () => {
  fake = await FakeX.start(CLIENT);
  t = await createTestApp({
    AUTH_RATE_LIMIT_MAX: '100000',
    X_CLIENT_ID: CLIENT.clientId,
    X_CLIENT_SECRET: CLIENT.clientSecret,
    HERALD_X_AUTH_URL: fake.authorizeUrl,
    HERALD_X_API_URL: fake.url,
    HERALD_PUBLISH_RETRY_BASE_MS: '100',
  });
  await t.runtime.queue.work(jobHandlers(t.runtime));
  s = await ownerWithWorkspace(t.app, { sandboxChannels: 0 });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const api = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, token = s.token) =>
  call(t.app, method, `/api/v1${url}`, { token, ...(body === undefined ? {} : { body }) });

/** The cookies a browser keeps from a response (the connect start sets one binding the attempt to it). */
const jar = (res: { cookies: { name: string; value: string }[] }): Record<string, string> => Object.fromEntries(res.cookies.filter((c) => c.value !== '').map((c) => [c.name, c.value]));

/** The user's browser: follows the consent URL at the fake, then the platform's redirect back to Herald. */
async function consentAndReturn(authorizeUrl: string, cookies: Record<string, string> = {}): Promise<{ location: string; callbackUrl: URL }> {
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const callbackUrl = new URL(consent.headers.get('location')!);
  expect(`${callbackUrl.origin}${callbackUrl.pathname}`).toBe(CLIENT.redirectUris[0]);
  const back = await callback(callbackUrl, cookies);
  return { location: back, callbackUrl };
}

async function callback(url: URL, cookies: Record<string, string> = {}): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: `${url.pathname}${url.search}`, cookies });
  expect(res.statusCode).toBe(302);
  return res.headers.location as string;
}

async function connectX(): Promise<{ connectionId: string; channelId: string }> {
  const started = await api('POST', `/workspaces/${s.workspaceId}/channels/connect/x`);
  expect(started.status).toBe(201);
  const { location } = await consentAndReturn(started.body.authorizeUrl, jar(started));
  expect(location).toBe(`${PUBLIC_URL}/connections/${started.body.id}`);
  const view = await api('GET', `/connections/${started.body.id}`);
  const account = view.body.accounts[0];
  const done = await api('POST', `/connections/${started.body.id}/complete`, { externalIds: [account.externalId] });
  expect(done.status).toBe(201);
  return { connectionId: started.body.id, channelId: done.body.items[0].id };
}

describe('connecting a platform', () => {
  it('lists which platforms this server can connect, and why not', async () => {
    const res = await api('GET', '/platforms');
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(res.body.items.map((p: any) => [p.platform, p]));
    expect(byName.x).toMatchObject({ connectable: true, displayName: 'X' });
    expect(byName.linkedin.connectable).toBe(false);
    expect(byName.linkedin.reason).toMatch(/LINKEDIN_CLIENT_ID/);
    expect(byName.sandbox.connectable).toBe(true);
  });

  it('refuses platforms it cannot connect, clearly', async () => {
    const linkedin = await api('POST', `/workspaces/${s.workspaceId}/channels/connect/linkedin`);
    expect(linkedin.status).toBe(409);
    expect(linkedin.body.error.code).toBe('platform_not_configured');
    const unknown = await api('POST', `/workspaces/${s.workspaceId}/channels/connect/myspace`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('unknown_platform');
    const sandbox = await api('POST', `/workspaces/${s.workspaceId}/channels/connect/sandbox`);
    expect(sandbox.body.error.code).toBe('use_sandbox_endpoint');
  });

  it('goes from consent to a channel, with PKCE and a single-use state', async () => {
    const started = await api('POST', `/workspaces/${s.workspaceId}/channels/connect/x`);
    expect(started.status).toBe(201);
    const authorize = new URL(started.body.authorizeUrl);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(CLIENT.redirectUris[0]);
    const state = authorize.searchParams.get('state')!;
    expect(state.length).toBeGreaterThanOrEqual(32);
    // Stored hashed: the state itself is nowhere in the database.
    const [row] = await t.runtime.db.select().from(oauthConnections).where(eq(oauthConnections.id, started.body.id));
    expect(JSON.stringify(row)).not.toContain(state);

    const tokenCalls = fake.routeCount('POST /2/oauth2/token');
    const { location, callbackUrl } = await consentAndReturn(started.body.authorizeUrl, jar(started));
    expect(location).toBe(`${PUBLIC_URL}/connections/${started.body.id}`);
    expect(fake.routeCount('POST /2/oauth2/token')).toBe(tokenCalls + 1);

    const view = await api('GET', `/connections/${started.body.id}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ status: 'authorized', platform: 'x', error: null });
    expect(view.body.accounts).toEqual([
      expect.objectContaining({ externalId: '1500000000000000001', name: 'Acme Coffee', username: 'acmecoffee', kind: 'profile', channelId: null }),
    ]);
    expect(JSON.stringify(view.body)).not.toMatch(/accessToken|refreshToken/);

    // Replaying the callback exchanges nothing and changes nothing.
    expect(await callback(callbackUrl, jar(started))).toBe(`${PUBLIC_URL}/connections/${started.body.id}`);
    expect(fake.routeCount('POST /2/oauth2/token')).toBe(tokenCalls + 1);

    const chosen = await api('POST', `/connections/${started.body.id}/complete`, { externalIds: ['1500000000000000001'] });
    expect(chosen.status).toBe(201);
    expect(chosen.body.items[0]).toMatchObject({ platform: 'x', name: 'Acme Coffee', username: 'acmecoffee', status: 'active', isSandbox: false });
    expect(JSON.stringify(chosen.body)).not.toMatch(/accessToken|refreshToken/);
    const again = await api('POST', `/connections/${started.body.id}/complete`, { externalIds: ['1500000000000000001'] });
    expect(again.status).toBe(409);

    const health = await api('GET', `/workspaces/${s.workspaceId}/channels/health`);
    const mine = health.body.items.find((h: any) => h.channelId === chosen.body.items[0].id);
    // X access tokens last two hours: "expiring", and Herald can renew them itself.
    expect(mine).toMatchObject({ platform: 'x', status: 'active', tokenState: 'expiring', canRefresh: true });
    expect(Date.parse(mine.tokenExpiresAt) - Date.now()).toBeGreaterThan(60 * 60_000);
  });

  it('explains a refused consent, an unknown state and an expired attempt', async () => {
    const started = await api('POST', `/workspaces/${s.workspaceId}/channels/connect/x`);
    fake.denyNext();
    const { location } = await consentAndReturn(started.body.authorizeUrl, jar(started));
    expect(location).toBe(`${PUBLIC_URL}/connections/${started.body.id}`);
    const refused = await api('GET', `/connections/${started.body.id}`);
    expect(refused.body).toMatchObject({ status: 'failed', accounts: [] });
    expect(refused.body.error).toMatch(/did not grant Herald access/);

    expect(await callback(new URL(`${PUBLIC_URL}/api/v1/oauth/x/callback?code=abc&state=never-issued`))).toBe(`${PUBLIC_URL}/connections/failed?reason=invalid_state`);
    expect(await callback(new URL(`${PUBLIC_URL}/api/v1/oauth/x/callback?code=abc`))).toBe(`${PUBLIC_URL}/connections/failed?reason=missing_state`);

    const late = await api('POST', `/workspaces/${s.workspaceId}/channels/connect/x`);
    await t.runtime.db.update(oauthConnections).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(oauthConnections.id, late.body.id));
    const tokenCalls = fake.routeCount('POST /2/oauth2/token');
    await consentAndReturn(late.body.authorizeUrl, jar(late));
    expect(fake.routeCount('POST /2/oauth2/token')).toBe(tokenCalls);
    const expired = await api('GET', `/connections/${late.body.id}`);
    expect(expired.body.status).toBe('failed');
    expect(expired.body.error).toMatch(/expired|10 minutes/);
  });

  it('sets an httpOnly, SameSite=Lax cookie for the callback only, and stores just its hash', async () => {
    const started = await api('POST', `/workspaces/${s.workspaceId}/channels/connect/x`);
    const cookie = started.cookies.find((c) => c.name.startsWith('herald_connect_'))!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/v1/oauth/' });
    expect(cookie.value.length).toBeGreaterThanOrEqual(32);
    expect(JSON.stringify(started.body)).not.toContain(cookie.value);
    const [row] = await t.runtime.db.select().from(oauthConnections).where(eq(oauthConnections.id, started.body.id));
    expect(row!.browserHash).not.toBe('');
    expect(JSON.stringify(row)).not.toContain(cookie.value);
  });

  it('refuses a consent completed in a browser that did not start it: nothing lands in the starter\'s workspace', async () => {
    // The attacker starts a connection in their own workspace and sends the consent URL to a victim.
    const attacker = await ownerWithWorkspace(t.app, { sandboxChannels: 0 });
    const started = await call(t.app, 'POST', `/api/v1/workspaces/${attacker.workspaceId}/channels/connect/x`, { token: attacker.token });
    expect(started.status).toBe(201);
    const attackerCookies = jar(started);
    const tokenCalls = fake.routeCount('POST /2/oauth2/token');
    // The victim consents at the platform; their browser (without the attacker's cookie, or with a cookie of
    // their own attempt) comes back to Herald.
    const victim = await api('POST', `/workspaces/${s.workspaceId}/channels/connect/x`);
    const consent = await fetch(started.body.authorizeUrl, { redirect: 'manual' });
    const callbackUrl = new URL(consent.headers.get('location')!);
    const failed = `${PUBLIC_URL}/connections/failed?reason=other_browser`;
    expect(await callback(callbackUrl)).toBe(failed);
    expect(await callback(callbackUrl, jar(victim))).toBe(failed);
    const [name] = Object.keys(attackerCookies);
    expect(await callback(callbackUrl, { [name!]: 'forged-nonce-of-the-right-name' })).toBe(failed);
    // Nothing was exchanged or consumed; the attacker's attempt holds no accounts and no channel appeared.
    expect(fake.routeCount('POST /2/oauth2/token')).toBe(tokenCalls);
    const [row] = await t.runtime.db.select().from(oauthConnections).where(eq(oauthConnections.id, started.body.id));
    expect(row!.status).toBe('pending');
    const view = await call(t.app, 'GET', `/api/v1/connections/${started.body.id}`, { token: attacker.token });
    expect(view.body).toMatchObject({ status: 'pending', accounts: [] });
    const theirChannels = await call(t.app, 'GET', `/api/v1/workspaces/${attacker.workspaceId}/channels`, { token: attacker.token });
    expect(theirChannels.body.items).toEqual([]);
    // The browser that started it (the attacker's own) still finishes its own consent normally.
    expect((await consentAndReturn(started.body.authorizeUrl, attackerCookies)).location).toBe(`${PUBLIC_URL}/connections/${started.body.id}`);
  });

  it('keeps an attempt to the person who started it', async () => {
    const started = await api('POST', `/workspaces/${s.workspaceId}/channels/connect/x`);
    const admin = await signUp(t.app);
    const invite = await api('POST', `/orgs/${s.orgId}/invitations`, { email: admin.user.email, role: 'admin' });
    await call(t.app, 'POST', `/api/v1/invitations/${invite.body.acceptUrl.split('/').pop()}/accept`, { token: admin.accessToken });
    const peek = await api('GET', `/connections/${started.body.id}`, undefined, admin.accessToken);
    expect(peek.status).toBe(404);
  });
});

describe('a connected X channel', () => {
  it('publishes through the pipeline and stores the post id and permalink', async () => {
    const { channelId } = await connectX();
    const text = `Hello from Herald ${randomUUID()}`;
    const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text, channelIds: [channelId], publishNow: true });
    expect(created.status).toBe(201);
    const post = await eventually(async () => {
      const p = (await api('GET', `/posts/${created.body.id}`)).body;
      return p.status === 'published' ? p : undefined;
    });
    const tweet = [...fake.tweets.values()].find((x) => x.sentText === text)!;
    expect(tweet).toBeDefined();
    expect(post.targets[0]).toMatchObject({ platformPostId: tweet.id, permalink: `https://x.com/acmecoffee/status/${tweet.id}` });

    // Metrics: the hourly job stores what X reports, and the API sums it up.
    tweet.publicMetrics = { ...tweet.publicMetrics, like_count: 7, reply_count: 2, retweet_count: 3, quote_count: 1, bookmark_count: 4, impression_count: 120 };
    tweet.nonPublicMetrics = { ...tweet.nonPublicMetrics, impression_count: 150 };
    const synced = await syncMetrics(t.runtime);
    expect(synced.readings).toBeGreaterThanOrEqual(1);
    const metrics = await api('GET', `/posts/${created.body.id}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body.items[0].latest).toMatchObject({ likes: 7, comments: 2, shares: 4, saves: 4, reach: null });
    expect(metrics.body.items[0].latest.impressions).toBeGreaterThanOrEqual(120);
    expect(metrics.body.totals.likes).toBe(7);
  });

  it('refreshes tokens that are about to expire, spending each refresh token once', async () => {
    const { channelId } = await connectX();
    const before = await t.runtime.db.select({ credentials: channels.credentials }).from(channels).where(eq(channels.id, channelId));
    const refreshes = fake.requests.filter((r) => r.route === 'POST /2/oauth2/token').length;
    const counts = await refreshExpiringTokens(t.runtime);
    expect(counts.refreshed).toBeGreaterThanOrEqual(1);
    expect(fake.requests.filter((r) => r.route === 'POST /2/oauth2/token').length).toBeGreaterThan(refreshes);
    const after = await t.runtime.db.select({ credentials: channels.credentials, refreshedAt: channels.tokenRefreshedAt }).from(channels).where(eq(channels.id, channelId));
    expect(after[0]!.credentials).not.toBe(before[0]!.credentials);
    expect(after[0]!.refreshedAt).not.toBeNull();
  });

  it('holds posts of a channel whose access ended, tells the admins, and releases them on reconnect', async () => {
    const { channelId } = await connectX();
    // The platform revokes Herald's access: the token stops working and the refresh is refused.
    fake.expireAccessTokens();
    await t.runtime.db.update(channels).set({ tokenExpiresAt: new Date(Date.now() - 1000) }).where(eq(channels.id, channelId));
    fake.failNext('POST /2/oauth2/token', { kind: 'answer', status: 400, body: { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' } });
    const text = `Held ${randomUUID()}`;
    const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text, channelIds: [channelId], publishNow: true });
    const held = await eventually(async () => {
      const p = (await api('GET', `/posts/${created.body.id}`)).body;
      return p.targets[0].status === 'needs_reauth' ? p : undefined;
    });
    expect(held.targets[0].lastError.kind).toBe('auth_expired');
    const channel = (await api('GET', `/channels/${channelId}`)).body;
    expect(channel.status).toBe('needs_reauth');

    const inbox = await api('GET', '/notifications');
    expect(inbox.status).toBe(200);
    const notice = inbox.body.items.find((n: any) => n.kind === 'channel_needs_reauth' && n.link === `/orgs/${s.orgId}/workspaces/${s.workspaceId}/channels`);
    expect(notice).toBeDefined();
    expect(inbox.body.unreadCount).toBeGreaterThanOrEqual(1);
    const stored = await t.runtime.db.select().from(notifications).where(eq(notifications.userId, s.owner.user.id));
    expect(stored.length).toBeGreaterThanOrEqual(1);
    expect((await api('POST', '/notifications/read', {})).body.updated).toBeGreaterThanOrEqual(1);
    expect((await api('GET', '/notifications?unreadOnly=true')).body.items).toEqual([]);

    // Reconnecting the same account revives the channel and sends the held post.
    const started = await api('POST', `/workspaces/${s.workspaceId}/channels/connect/x`);
    await consentAndReturn(started.body.authorizeUrl, jar(started));
    const view = await api('GET', `/connections/${started.body.id}`);
    expect(view.body.accounts[0]).toMatchObject({ channelId, channelStatus: 'needs_reauth' });
    const done = await api('POST', `/connections/${started.body.id}/complete`, { externalIds: [view.body.accounts[0].externalId] });
    expect(done.body.items[0]).toMatchObject({ id: channelId, status: 'active' });
    const published = await eventually(async () => {
      const p = (await api('GET', `/posts/${created.body.id}`)).body;
      return p.status === 'published' ? p : undefined;
    });
    expect([...fake.tweets.values()].filter((x) => x.sentText === text)).toHaveLength(1);
    expect(published.targets[0].platformPostId).toBeTruthy();
  });
});
