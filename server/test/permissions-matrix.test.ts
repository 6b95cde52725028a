import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, ROLES, can, type Role } from '../src/http/permissions.js';
import { FakeX } from './fakes/x.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call, signUp } from './helpers/http.js';
import { eventually } from './helpers/workspace.js';
import { jobHandlers } from '../src/jobs/handlers.js';
import { multipart } from './media-fixtures.js';

const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');


/**
 * Walks the whole permission matrix: every organization- or workspace-scoped route the app registers,
 * called by each role with a valid request. Where `can(role, action)` allows it the call succeeds (2xx);
 * where it does not, the answer is exactly 403 `forbidden`. A scoped route without an entry in ROUTES
 * fails the coverage test, so a new route cannot skip the matrix.
 */

/** Registration is rate limited per IP; this file signs up a handful of people from one. */
const ENV = { AUTH_RATE_LIMIT_MAX: '100000', X_CLIENT_ID: 'matrix-x', X_CLIENT_SECRET: 'matrix-x-secret' };
const X_CLIENT = { clientId: ENV.X_CLIENT_ID, clientSecret: ENV.X_CLIENT_SECRET, redirectUris: ['http://herald.test/api/v1/oauth/x/callback'] };

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface Person {
  id: string;
  email: string;
  token: string;
}

/** A fresh organization per request: founded by `founder`, joined by the caller with the role under test. */
interface Fixture {
  orgId: string;
  /** Another member (an editor), for routes that act on a member. */
  memberId: string;
  invitationId: string;
  workspaceId: string;
  channelId: string;
  postId: string;
  mediaId: string;
  connectionId: string;
}

type Need = 'member' | 'solo-member' | 'invitation' | 'workspace' | 'channel' | 'slots' | 'post' | 'scheduled-post' | 'published-post' | 'media' | 'connection';

interface RouteCase {
  needs?: Need[];
  /** The answer is an endless event stream: judge it by its status line. */
  stream?: boolean;
  /** `raw` + `headers` send a non-JSON body (multipart uploads). */
  request(f: Fixture): { url: string; body?: unknown; raw?: Buffer; headers?: Record<string, string> };
}

const pixelUpload = () => {
  const m = multipart([{ name: 'file', data: TINY_PNG, filename: 'pixel.png', contentType: 'image/png' }]);
  return { raw: m.payload, headers: m.headers };
};

let inviteSeq = 0;
const freshEmail = () => `invitee-${++inviteSeq}-${Date.now()}@example.com`;

/** Route (`METHOD url` as registered) → a valid request for it. */
const ROUTES: Record<string, RouteCase> = {
  'GET /api/v1/orgs/:orgId': { request: (f) => ({ url: `/api/v1/orgs/${f.orgId}` }) },
  'PATCH /api/v1/orgs/:orgId': { request: (f) => ({ url: `/api/v1/orgs/${f.orgId}`, body: { name: 'Renamed' } }) },
  'DELETE /api/v1/orgs/:orgId': { request: (f) => ({ url: `/api/v1/orgs/${f.orgId}` }) },
  'GET /api/v1/orgs/:orgId/members': { request: (f) => ({ url: `/api/v1/orgs/${f.orgId}/members` }) },
  'DELETE /api/v1/orgs/:orgId/members/me': { request: (f) => ({ url: `/api/v1/orgs/${f.orgId}/members/me` }) },
  'PATCH /api/v1/orgs/:orgId/members/:userId': {
    needs: ['member'],
    request: (f) => ({ url: `/api/v1/orgs/${f.orgId}/members/${f.memberId}`, body: { role: 'viewer' } }),
  },
  'DELETE /api/v1/orgs/:orgId/members/:userId': { needs: ['member'], request: (f) => ({ url: `/api/v1/orgs/${f.orgId}/members/${f.memberId}` }) },
  // A member of this organization only: a reset link is refused for someone the caller does not fully govern.
  'POST /api/v1/orgs/:orgId/members/:userId/password-reset': {
    needs: ['solo-member'],
    request: (f) => ({ url: `/api/v1/orgs/${f.orgId}/members/${f.memberId}/password-reset` }),
  },
  'POST /api/v1/orgs/:orgId/invitations': { request: (f) => ({ url: `/api/v1/orgs/${f.orgId}/invitations`, body: { email: freshEmail(), role: 'editor' } }) },
  'GET /api/v1/orgs/:orgId/invitations': { request: (f) => ({ url: `/api/v1/orgs/${f.orgId}/invitations` }) },
  'POST /api/v1/orgs/:orgId/invitations/:invitationId/resend': {
    needs: ['invitation'],
    request: (f) => ({ url: `/api/v1/orgs/${f.orgId}/invitations/${f.invitationId}/resend` }),
  },
  'DELETE /api/v1/orgs/:orgId/invitations/:invitationId': {
    needs: ['invitation'],
    request: (f) => ({ url: `/api/v1/orgs/${f.orgId}/invitations/${f.invitationId}` }),
  },
  'GET /api/v1/orgs/:orgId/audit': { request: (f) => ({ url: `/api/v1/orgs/${f.orgId}/audit?limit=10` }) },
  'POST /api/v1/orgs/:orgId/workspaces': { request: (f) => ({ url: `/api/v1/orgs/${f.orgId}/workspaces`, body: { name: 'Brand', timezone: 'Asia/Kolkata' } }) },
  'GET /api/v1/orgs/:orgId/workspaces': { request: (f) => ({ url: `/api/v1/orgs/${f.orgId}/workspaces` }) },
  'GET /api/v1/workspaces/:workspaceId': { needs: ['workspace'], request: (f) => ({ url: `/api/v1/workspaces/${f.workspaceId}` }) },
  'PATCH /api/v1/workspaces/:workspaceId': { needs: ['workspace'], request: (f) => ({ url: `/api/v1/workspaces/${f.workspaceId}`, body: { brandVoice: 'Warm' } }) },
  'DELETE /api/v1/workspaces/:workspaceId': { needs: ['workspace'], request: (f) => ({ url: `/api/v1/workspaces/${f.workspaceId}` }) },
  'GET /api/v1/workspaces/:workspaceId/channels': { needs: ['workspace'], request: (f) => ({ url: `/api/v1/workspaces/${f.workspaceId}/channels` }) },
  'POST /api/v1/workspaces/:workspaceId/channels/sandbox': { needs: ['workspace'], request: (f) => ({ url: `/api/v1/workspaces/${f.workspaceId}/channels/sandbox`, body: { name: 'Practice' } }) },
  'GET /api/v1/channels/:channelId': { needs: ['channel'], request: (f) => ({ url: `/api/v1/channels/${f.channelId}` }) },
  'PATCH /api/v1/channels/:channelId': { needs: ['channel'], request: (f) => ({ url: `/api/v1/channels/${f.channelId}`, body: { name: 'Renamed' } }) },
  'DELETE /api/v1/channels/:channelId': { needs: ['channel'], request: (f) => ({ url: `/api/v1/channels/${f.channelId}` }) },
  'PUT /api/v1/channels/:channelId/slots': { needs: ['channel'], request: (f) => ({ url: `/api/v1/channels/${f.channelId}/slots`, body: { slots: [{ weekday: 1, time: '09:30' }] } }) },
  'GET /api/v1/channels/:channelId/sandbox/feed': { needs: ['channel'], request: (f) => ({ url: `/api/v1/channels/${f.channelId}/sandbox/feed` }) },
  'POST /api/v1/workspaces/:workspaceId/posts': { needs: ['channel'], request: (f) => ({ url: `/api/v1/workspaces/${f.workspaceId}/posts`, body: { text: 'Hello', channelIds: [f.channelId] } }) },
  'POST /api/v1/workspaces/:workspaceId/posts/preview': { needs: ['channel'], request: (f) => ({ url: `/api/v1/workspaces/${f.workspaceId}/posts/preview`, body: { text: 'Hello', channelIds: [f.channelId] } }) },
  'GET /api/v1/workspaces/:workspaceId/posts': { needs: ['workspace'], request: (f) => ({ url: `/api/v1/workspaces/${f.workspaceId}/posts` }) },
  'GET /api/v1/workspaces/:workspaceId/events': { needs: ['workspace'], stream: true, request: (f) => ({ url: `/api/v1/workspaces/${f.workspaceId}/events` }) },
  'GET /api/v1/workspaces/:workspaceId/calendar': { needs: ['workspace'], request: (f) => ({ url: `/api/v1/workspaces/${f.workspaceId}/calendar?from=2030-01-01&to=2030-01-31` }) },
  'GET /api/v1/posts/:postId': { needs: ['post'], request: (f) => ({ url: `/api/v1/posts/${f.postId}` }) },
  'PATCH /api/v1/posts/:postId': { needs: ['post'], request: (f) => ({ url: `/api/v1/posts/${f.postId}`, body: { text: 'Edited' } }) },
  'DELETE /api/v1/posts/:postId': { needs: ['post'], request: (f) => ({ url: `/api/v1/posts/${f.postId}` }) },
  'POST /api/v1/posts/:postId/duplicate': { needs: ['post'], request: (f) => ({ url: `/api/v1/posts/${f.postId}/duplicate` }) },
  'POST /api/v1/posts/:postId/schedule': { needs: ['post'], request: (f) => ({ url: `/api/v1/posts/${f.postId}/schedule`, body: { scheduledAt: '2030-06-01T09:30:00Z' } }) },
  'POST /api/v1/posts/:postId/publish-now': { needs: ['post'], request: (f) => ({ url: `/api/v1/posts/${f.postId}/publish-now` }) },
  'POST /api/v1/posts/:postId/queue': { needs: ['slots', 'post'], request: (f) => ({ url: `/api/v1/posts/${f.postId}/queue` }) },
  'POST /api/v1/posts/:postId/cancel': { needs: ['scheduled-post'], request: (f) => ({ url: `/api/v1/posts/${f.postId}/cancel` }) },
  'POST /api/v1/workspaces/:workspaceId/media': { needs: ['workspace'], request: (f) => ({ url: `/api/v1/workspaces/${f.workspaceId}/media`, ...pixelUpload() }) },
  'GET /api/v1/workspaces/:workspaceId/media': { needs: ['workspace'], request: (f) => ({ url: `/api/v1/workspaces/${f.workspaceId}/media` }) },
  'GET /api/v1/media/:mediaId': { needs: ['media'], request: (f) => ({ url: `/api/v1/media/${f.mediaId}` }) },
  'PATCH /api/v1/media/:mediaId': { needs: ['media'], request: (f) => ({ url: `/api/v1/media/${f.mediaId}`, body: { altText: 'A pixel' } }) },
  'DELETE /api/v1/media/:mediaId': { needs: ['media'], request: (f) => ({ url: `/api/v1/media/${f.mediaId}` }) },
  'POST /api/v1/workspaces/:workspaceId/channels/connect/:platform': { needs: ['workspace'], request: (f) => ({ url: `/api/v1/workspaces/${f.workspaceId}/channels/connect/x` }) },
  'GET /api/v1/workspaces/:workspaceId/channels/health': { needs: ['workspace'], request: (f) => ({ url: `/api/v1/workspaces/${f.workspaceId}/channels/health` }) },
  'GET /api/v1/connections/:connectionId': { needs: ['connection'], request: (f) => ({ url: `/api/v1/connections/${f.connectionId}` }) },
  'POST /api/v1/connections/:connectionId/complete': {
    needs: ['connection'],
    request: (f) => ({ url: `/api/v1/connections/${f.connectionId}/complete`, body: { externalIds: ['1500000000000000001'] } }),
  },
  'GET /api/v1/posts/:postId/metrics': { needs: ['post'], request: (f) => ({ url: `/api/v1/posts/${f.postId}/metrics` }) },
  'POST /api/v1/posts/:postId/unpublish': { needs: ['published-post'], request: (f) => ({ url: `/api/v1/posts/${f.postId}/unpublish`, body: {} }) },
};

let t: TestApp;
let fakeX: FakeX;
let founder: Person;
let otherMember: Person;
const callers = {} as Record<Role, Person>;

async function person(): Promise<Person> {
  const s = await signUp(t.app);
  return { id: s.user.id, email: s.email, token: s.accessToken };
}

async function ok<T = any>(method: Method, url: string, token: string, body?: unknown, status = 200): Promise<T> {
  const res = await call<T>(t.app, method, url, { token, ...(body === undefined ? {} : { body }) });
  if (res.status !== status) throw new Error(`fixture ${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function join(orgId: string, who: Person, role: Role): Promise<void> {
  const inv = await ok<{ acceptUrl: string }>('POST', `/api/v1/orgs/${orgId}/invitations`, founder.token, { email: who.email, role }, 201);
  const token = inv.acceptUrl.slice(inv.acceptUrl.lastIndexOf('/') + 1);
  await ok('POST', `/api/v1/invitations/${token}/accept`, who.token);
}

async function fixture(role: Role, needs: Need[]): Promise<Fixture> {
  const org = await ok<{ id: string }>('POST', '/api/v1/orgs', founder.token, { name: `Matrix ${role}` }, 201);
  await join(org.id, callers[role], role);
  const f: Fixture = { orgId: org.id, memberId: '', invitationId: '', workspaceId: '', channelId: '', postId: '', mediaId: '', connectionId: '' };
  if (needs.includes('member')) {
    await join(org.id, otherMember, 'editor');
    f.memberId = otherMember.id;
  }
  if (needs.includes('solo-member')) {
    const solo = await person();
    await join(org.id, solo, 'editor');
    f.memberId = solo.id;
  }
  if (needs.includes('invitation')) {
    f.invitationId = (await ok<{ id: string }>('POST', `/api/v1/orgs/${org.id}/invitations`, founder.token, { email: freshEmail(), role: 'viewer' }, 201)).id;
  }
  const needsChannel = needs.some((n) => n === 'channel' || n === 'slots' || n === 'post' || n === 'scheduled-post' || n === 'published-post');
  if (needs.includes('workspace') || needsChannel || needs.includes('media') || needs.includes('connection')) {
    f.workspaceId = (await ok<{ id: string }>('POST', `/api/v1/orgs/${org.id}/workspaces`, founder.token, { name: 'Fixture brand' }, 201)).id;
  }
  if (needsChannel) {
    f.channelId = (await ok<{ id: string }>('POST', `/api/v1/workspaces/${f.workspaceId}/channels/sandbox`, founder.token, { name: 'Fixture channel' }, 201)).id;
  }
  if (needs.includes('media')) {
    const res = await call(t.app, 'POST', `/api/v1/workspaces/${f.workspaceId}/media`, { token: founder.token, ...pixelUpload() });
    if (res.status !== 201) throw new Error(`fixture upload: ${res.status} ${JSON.stringify(res.body)}`);
    f.mediaId = res.body.id;
  }
  if (needs.includes('connection')) {
    // An attempt is its starter's own: started (and consented at the fake platform) by the caller when
    // the role may manage channels, else by the founder (the caller is then refused before anything else).
    const starter = can(role, 'channels.manage') ? callers[role] : founder;
    const start = await call(t.app, 'POST', `/api/v1/workspaces/${f.workspaceId}/channels/connect/x`, { token: starter.token });
    if (start.status !== 201) throw new Error(`fixture connect: ${start.status}`);
    const started = start.body as { id: string; authorizeUrl: string };
    const consent = await fetch(started.authorizeUrl, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    // The browser that started the attempt comes back with its binding cookie.
    const cookies = Object.fromEntries(start.cookies.map((c) => [c.name, c.value]));
    const res = await t.app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, cookies });
    if (res.statusCode !== 302) throw new Error(`fixture callback: ${res.statusCode}`);
    f.connectionId = started.id;
  }
  if (needs.includes('slots')) {
    await ok('PUT', `/api/v1/channels/${f.channelId}/slots`, founder.token, { slots: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, time: '10:00' })) });
  }
  if (needs.includes('post') || needs.includes('scheduled-post')) {
    const scheduledAt = needs.includes('scheduled-post') ? { scheduledAt: '2030-06-01T09:30:00Z' } : {};
    f.postId = (await ok<{ id: string }>('POST', `/api/v1/workspaces/${f.workspaceId}/posts`, founder.token, { text: 'Fixture post', channelIds: [f.channelId], ...scheduledAt }, 201)).id;
  }
  if (needs.includes('published-post')) {
    f.postId = (await ok<{ id: string }>('POST', `/api/v1/workspaces/${f.workspaceId}/posts`, founder.token, { text: `Out ${role}`, channelIds: [f.channelId], publishNow: true }, 201)).id;
    await eventually(async () => ((await ok<{ status: string }>('GET', `/api/v1/posts/${f.postId}`, founder.token)).status === 'published' ? true : undefined));
  }
  return f;
}

/** The scoped routes as the app registered them: `METHOD url` → the action they require. */
function scopedRoutes(): Map<string, (typeof ACTIONS)[number]> {
  const routes = new Map<string, (typeof ACTIONS)[number]>();
  for (const r of t.app.routeAccess()) {
    if (r.method === 'HEAD' || r.access.kind !== 'scoped') continue;
    routes.set(`${r.method} ${r.url}`, r.access.action);
  }
  return routes;
}

beforeAll(async () => {
  fakeX = await FakeX.start(X_CLIENT);
  t = await createTestApp({ ...ENV, HERALD_X_AUTH_URL: fakeX.authorizeUrl, HERALD_X_API_URL: fakeX.url });
  await t.runtime.queue.work(jobHandlers(t.runtime));
  founder = await person();
  otherMember = await person();
  for (const role of ROLES) callers[role] = await person();
});
afterAll(async () => {
  await t?.close();
  await fakeX?.close();
});

describe('permission matrix', () => {
  it('has a request for every scoped route the app registers, and no stale entries', () => {
    const registered = [...scopedRoutes().keys()].sort();
    expect(registered.length).toBeGreaterThan(0);
    expect(registered.filter((r) => !(r in ROUTES)), 'scoped routes missing from ROUTES').toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !registered.includes(r)), 'ROUTES entries the app does not register as scoped').toEqual([]);
  });

  it('uses every action of the matrix on some route', () => {
    const used = new Set(scopedRoutes().values());
    expect(ACTIONS.filter((a) => !used.has(a))).toEqual([]);
  });

  describe.each(Object.keys(ROUTES))('%s', (key) => {
    it.each(ROLES)('as %s', async (role) => {
      const action = scopedRoutes().get(key);
      expect(action, `${key} is not a registered scoped route`).toBeDefined();
      const [method, path] = key.split(' ') as [Method, string];
      const routeCase = ROUTES[key]!;
      const f = await fixture(role, routeCase.needs ?? []);
      const req = routeCase.request(f);
      expect(req.url.split('?')[0]!.split('/').length, 'request matches the route’s shape').toBe(path.split('/').length);
      const res = await call(t.app, method, req.url, {
        token: callers[role].token,
        ...(req.body === undefined ? {} : { body: req.body }),
        ...(req.raw === undefined ? {} : { raw: req.raw, headers: req.headers ?? {} }),
        ...(routeCase.stream ? { stream: true } : {}),
      });
      if (can(role, action!)) {
        expect(res.status, `${role} may ${action}: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(200);
        expect(res.status, `${role} may ${action}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      } else {
        expect(res.status, `${role} may not ${action}`).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    });
  });
});
