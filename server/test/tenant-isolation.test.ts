import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/http/permissions.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call, signUp } from './helpers/http.js';
import { multipart } from './media-fixtures.js';

const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');


/**
 * Two organizations, A and B, each with an owner, a member, a workspace, a pending invitation and an
 * audit trail. A's owner calls every scoped route the app registers with B's ids (and, where a route
 * names a resource inside an organization, with A's organization and B's resource): every call is a
 * 404, and B reads exactly the same afterwards. A's lists never show B's rows.
 */

const ENV = { AUTH_RATE_LIMIT_MAX: '100000', X_CLIENT_ID: 'iso-x', X_CLIENT_SECRET: 'iso-x-secret' };

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface Person {
  id: string;
  email: string;
  token: string;
}

interface Tenant {
  owner: Person;
  member: Person;
  orgId: string;
  workspaceId: string;
  invitationId: string;
  channelId: string;
  postId: string;
  mediaId: string;
  connectionId: string;
}

interface Probe {
  url: string;
  /** An endless event stream on success: a leak must fail the test, not hang it. */
  stream?: boolean;
  body?: unknown;
  raw?: Buffer;
  headers?: Record<string, string>;
}

const pixelUpload = () => {
  const m = multipart([{ name: 'file', data: TINY_PNG, filename: 'pixel.png', contentType: 'image/png' }]);
  return { raw: m.payload, headers: m.headers };
};

/** Route (`METHOD url` as registered) → requests by A's owner that reach for B's data. */
const ROUTES: Record<string, (a: Tenant, b: Tenant) => Probe[]> = {
  'GET /api/v1/orgs/:orgId': (_a, b) => [{ url: `/api/v1/orgs/${b.orgId}` }],
  'PATCH /api/v1/orgs/:orgId': (_a, b) => [{ url: `/api/v1/orgs/${b.orgId}`, body: { name: 'Taken over' } }],
  'DELETE /api/v1/orgs/:orgId': (_a, b) => [{ url: `/api/v1/orgs/${b.orgId}` }],
  'GET /api/v1/orgs/:orgId/members': (_a, b) => [{ url: `/api/v1/orgs/${b.orgId}/members` }],
  'DELETE /api/v1/orgs/:orgId/members/me': (_a, b) => [{ url: `/api/v1/orgs/${b.orgId}/members/me` }],
  'PATCH /api/v1/orgs/:orgId/members/:userId': (a, b) => [
    { url: `/api/v1/orgs/${b.orgId}/members/${b.member.id}`, body: { role: 'owner' } },
    { url: `/api/v1/orgs/${a.orgId}/members/${b.member.id}`, body: { role: 'owner' } },
    { url: `/api/v1/orgs/${a.orgId}/members/${b.owner.id}`, body: { role: 'viewer' } },
  ],
  'DELETE /api/v1/orgs/:orgId/members/:userId': (a, b) => [
    { url: `/api/v1/orgs/${b.orgId}/members/${b.member.id}` },
    { url: `/api/v1/orgs/${a.orgId}/members/${b.member.id}` },
    { url: `/api/v1/orgs/${a.orgId}/members/${b.owner.id}` },
  ],
  'POST /api/v1/orgs/:orgId/members/:userId/password-reset': (a, b) => [
    { url: `/api/v1/orgs/${b.orgId}/members/${b.member.id}/password-reset` },
    { url: `/api/v1/orgs/${a.orgId}/members/${b.member.id}/password-reset` },
    { url: `/api/v1/orgs/${a.orgId}/members/${b.owner.id}/password-reset` },
  ],
  'POST /api/v1/orgs/:orgId/invitations': (_a, b) => [{ url: `/api/v1/orgs/${b.orgId}/invitations`, body: { email: 'spy@example.com', role: 'owner' } }],
  'GET /api/v1/orgs/:orgId/invitations': (_a, b) => [{ url: `/api/v1/orgs/${b.orgId}/invitations` }],
  'POST /api/v1/orgs/:orgId/invitations/:invitationId/resend': (a, b) => [
    { url: `/api/v1/orgs/${b.orgId}/invitations/${b.invitationId}/resend` },
    { url: `/api/v1/orgs/${a.orgId}/invitations/${b.invitationId}/resend` },
  ],
  'DELETE /api/v1/orgs/:orgId/invitations/:invitationId': (a, b) => [
    { url: `/api/v1/orgs/${b.orgId}/invitations/${b.invitationId}` },
    { url: `/api/v1/orgs/${a.orgId}/invitations/${b.invitationId}` },
  ],
  'GET /api/v1/orgs/:orgId/audit': (_a, b) => [{ url: `/api/v1/orgs/${b.orgId}/audit` }],
  'POST /api/v1/orgs/:orgId/workspaces': (_a, b) => [{ url: `/api/v1/orgs/${b.orgId}/workspaces`, body: { name: 'Planted' } }],
  'GET /api/v1/orgs/:orgId/workspaces': (_a, b) => [{ url: `/api/v1/orgs/${b.orgId}/workspaces` }],
  'GET /api/v1/workspaces/:workspaceId': (_a, b) => [{ url: `/api/v1/workspaces/${b.workspaceId}` }],
  'PATCH /api/v1/workspaces/:workspaceId': (_a, b) => [{ url: `/api/v1/workspaces/${b.workspaceId}`, body: { name: 'Defaced' } }],
  'DELETE /api/v1/workspaces/:workspaceId': (_a, b) => [{ url: `/api/v1/workspaces/${b.workspaceId}` }],
  'GET /api/v1/workspaces/:workspaceId/channels': (_a, b) => [{ url: `/api/v1/workspaces/${b.workspaceId}/channels` }],
  'POST /api/v1/workspaces/:workspaceId/channels/sandbox': (_a, b) => [{ url: `/api/v1/workspaces/${b.workspaceId}/channels/sandbox`, body: { name: 'Planted' } }],
  'GET /api/v1/channels/:channelId': (_a, b) => [{ url: `/api/v1/channels/${b.channelId}` }],
  'PATCH /api/v1/channels/:channelId': (_a, b) => [{ url: `/api/v1/channels/${b.channelId}`, body: { name: 'Defaced' } }],
  'DELETE /api/v1/channels/:channelId': (_a, b) => [{ url: `/api/v1/channels/${b.channelId}` }],
  'PUT /api/v1/channels/:channelId/slots': (_a, b) => [{ url: `/api/v1/channels/${b.channelId}/slots`, body: { slots: [] } }],
  'GET /api/v1/channels/:channelId/sandbox/feed': (_a, b) => [{ url: `/api/v1/channels/${b.channelId}/sandbox/feed` }],
  'POST /api/v1/workspaces/:workspaceId/posts': (a, b) => [
    { url: `/api/v1/workspaces/${b.workspaceId}/posts`, body: { text: 'Planted', channelIds: [b.channelId] } },
    { url: `/api/v1/workspaces/${b.workspaceId}/posts`, body: { text: 'Planted', channelIds: [a.channelId] } },
  ],
  'POST /api/v1/workspaces/:workspaceId/posts/preview': (_a, b) => [{ url: `/api/v1/workspaces/${b.workspaceId}/posts/preview`, body: { text: 'x', channelIds: [b.channelId] } }],
  'GET /api/v1/workspaces/:workspaceId/posts': (_a, b) => [{ url: `/api/v1/workspaces/${b.workspaceId}/posts` }],
  'GET /api/v1/workspaces/:workspaceId/events': (_a, b) => [{ url: `/api/v1/workspaces/${b.workspaceId}/events`, stream: true }],
  'GET /api/v1/workspaces/:workspaceId/calendar': (_a, b) => [{ url: `/api/v1/workspaces/${b.workspaceId}/calendar?from=2030-01-01&to=2030-01-31` }],
  'GET /api/v1/posts/:postId': (_a, b) => [{ url: `/api/v1/posts/${b.postId}` }],
  'PATCH /api/v1/posts/:postId': (_a, b) => [{ url: `/api/v1/posts/${b.postId}`, body: { text: 'Defaced' } }],
  'DELETE /api/v1/posts/:postId': (_a, b) => [{ url: `/api/v1/posts/${b.postId}` }],
  'POST /api/v1/posts/:postId/duplicate': (_a, b) => [{ url: `/api/v1/posts/${b.postId}/duplicate` }],
  'POST /api/v1/posts/:postId/schedule': (_a, b) => [{ url: `/api/v1/posts/${b.postId}/schedule`, body: { scheduledAt: '2030-06-01T09:30:00Z' } }],
  'POST /api/v1/posts/:postId/publish-now': (_a, b) => [{ url: `/api/v1/posts/${b.postId}/publish-now` }],
  'POST /api/v1/posts/:postId/queue': (_a, b) => [{ url: `/api/v1/posts/${b.postId}/queue` }],
  'POST /api/v1/posts/:postId/cancel': (_a, b) => [{ url: `/api/v1/posts/${b.postId}/cancel` }],
  'POST /api/v1/workspaces/:workspaceId/media': (_a, b) => [{ url: `/api/v1/workspaces/${b.workspaceId}/media`, ...pixelUpload() }],
  'GET /api/v1/workspaces/:workspaceId/media': (_a, b) => [{ url: `/api/v1/workspaces/${b.workspaceId}/media` }],
  'GET /api/v1/media/:mediaId': (_a, b) => [{ url: `/api/v1/media/${b.mediaId}` }],
  'PATCH /api/v1/media/:mediaId': (_a, b) => [{ url: `/api/v1/media/${b.mediaId}`, body: { altText: 'Defaced' } }],
  'DELETE /api/v1/media/:mediaId': (_a, b) => [{ url: `/api/v1/media/${b.mediaId}` }],
  'POST /api/v1/workspaces/:workspaceId/channels/connect/:platform': (_a, b) => [{ url: `/api/v1/workspaces/${b.workspaceId}/channels/connect/x` }],
  'GET /api/v1/workspaces/:workspaceId/channels/health': (_a, b) => [{ url: `/api/v1/workspaces/${b.workspaceId}/channels/health` }],
  'GET /api/v1/connections/:connectionId': (_a, b) => [{ url: `/api/v1/connections/${b.connectionId}` }],
  'POST /api/v1/connections/:connectionId/complete': (_a, b) => [{ url: `/api/v1/connections/${b.connectionId}/complete`, body: { externalIds: ['1'] } }],
  'GET /api/v1/posts/:postId/metrics': (_a, b) => [{ url: `/api/v1/posts/${b.postId}/metrics` }],
  'POST /api/v1/posts/:postId/unpublish': (_a, b) => [{ url: `/api/v1/posts/${b.postId}/unpublish`, body: {} }],
};

let t: TestApp;
let a: Tenant;
let b: Tenant;

async function person(): Promise<Person> {
  const s = await signUp(t.app);
  return { id: s.user.id, email: s.email, token: s.accessToken };
}

async function ok<T = any>(method: Method, url: string, token: string, body?: unknown, status = 200): Promise<T> {
  const res = await call<T>(t.app, method, url, { token, ...(body === undefined ? {} : { body }) });
  if (res.status !== status) throw new Error(`fixture ${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function tenant(name: string): Promise<Tenant> {
  const owner = await person();
  const member = await person();
  const orgId = (await ok<{ id: string }>('POST', '/api/v1/orgs', owner.token, { name }, 201)).id;
  const join = await ok<{ acceptUrl: string }>('POST', `/api/v1/orgs/${orgId}/invitations`, owner.token, { email: member.email, role: 'editor' satisfies Role }, 201);
  await ok('POST', `/api/v1/invitations/${join.acceptUrl.slice(join.acceptUrl.lastIndexOf('/') + 1)}/accept`, member.token);
  const workspaceId = (await ok<{ id: string }>('POST', `/api/v1/orgs/${orgId}/workspaces`, owner.token, { name: `${name} brand` }, 201)).id;
  const invitationId = (await ok<{ id: string }>('POST', `/api/v1/orgs/${orgId}/invitations`, owner.token, { email: `pending-${name}@example.com`, role: 'viewer' }, 201)).id;
  const channelId = (await ok<{ id: string }>('POST', `/api/v1/workspaces/${workspaceId}/channels/sandbox`, owner.token, { name: `${name} practice` }, 201)).id;
  await ok('PUT', `/api/v1/channels/${channelId}/slots`, owner.token, { slots: [{ weekday: 1, time: '09:00' }] });
  const postId = (await ok<{ id: string }>('POST', `/api/v1/workspaces/${workspaceId}/posts`, owner.token, { text: `${name} news`, channelIds: [channelId], scheduledAt: '2030-06-01T09:30:00Z' }, 201)).id;
  const upload = await call(t.app, 'POST', `/api/v1/workspaces/${workspaceId}/media`, { token: owner.token, ...pixelUpload() });
  if (upload.status !== 201) throw new Error(`fixture upload: ${upload.status}`);
  const mediaId = upload.body.id as string;
  const connectionId = (await ok<{ id: string }>('POST', `/api/v1/workspaces/${workspaceId}/channels/connect/x`, owner.token, undefined, 201)).id;
  return { owner, member, orgId, workspaceId, invitationId, channelId, postId, mediaId, connectionId };
}

/** Everything B's owner can read about B. */
async function snapshot(x: Tenant) {
  const read = (url: string) => ok('GET', url, x.owner.token);
  return {
    org: await read(`/api/v1/orgs/${x.orgId}`),
    members: await read(`/api/v1/orgs/${x.orgId}/members`),
    invitations: await read(`/api/v1/orgs/${x.orgId}/invitations`),
    workspaces: await read(`/api/v1/orgs/${x.orgId}/workspaces`),
    workspace: await read(`/api/v1/workspaces/${x.workspaceId}`),
    audit: await read(`/api/v1/orgs/${x.orgId}/audit?limit=200`),
    channels: await read(`/api/v1/workspaces/${x.workspaceId}/channels`),
    channel: await read(`/api/v1/channels/${x.channelId}`),
    feed: await read(`/api/v1/channels/${x.channelId}/sandbox/feed`),
    posts: await read(`/api/v1/workspaces/${x.workspaceId}/posts?limit=100`),
    post: await read(`/api/v1/posts/${x.postId}`),
    media: await read(`/api/v1/workspaces/${x.workspaceId}/media`),
    health: await read(`/api/v1/workspaces/${x.workspaceId}/channels/health`),
    connection: await read(`/api/v1/connections/${x.connectionId}`),
    metrics: await read(`/api/v1/posts/${x.postId}/metrics`),
    memberOrgs: await ok('GET', '/api/v1/orgs', x.member.token),
  };
}

function scopedRoutes(): string[] {
  return t.app
    .routeAccess()
    .filter((r) => r.method !== 'HEAD' && r.access.kind === 'scoped')
    .map((r) => `${r.method} ${r.url}`);
}

beforeAll(async () => {
  t = await createTestApp(ENV);
  a = await tenant('Alpha');
  b = await tenant('Bravo');
});
afterAll(async () => t?.close());

describe('tenant isolation', () => {
  it('has probes for every scoped route the app registers, and no stale entries', () => {
    const registered = scopedRoutes().sort();
    expect(registered.filter((r) => !(r in ROUTES)), 'scoped routes missing from ROUTES').toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !registered.includes(r)), 'ROUTES entries the app does not register as scoped').toEqual([]);
  });

  it('answers 404 to every call on B’s ids, and B stays exactly as it was', async () => {
    const before = await snapshot(b);
    const leaks: string[] = [];
    for (const [key, probes] of Object.entries(ROUTES)) {
      const method = key.split(' ')[0] as Method;
      for (const probe of probes(a, b)) {
        const res = await call(t.app, method, probe.url, {
          token: a.owner.token,
          ...(probe.body === undefined ? {} : { body: probe.body }),
          ...(probe.raw === undefined ? {} : { raw: probe.raw, headers: probe.headers ?? {} }),
          ...(probe.stream ? { stream: true } : {}),
        });
        if (res.status !== 404 || res.body?.error?.code !== 'not_found') leaks.push(`${method} ${probe.url} → ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(await snapshot(b)).toEqual(before);
  });

  it('never lists B’s rows in A’s lists', async () => {
    const bData = await snapshot(b);
    const bIds = new Set<string>([
      b.orgId,
      b.workspaceId,
      b.invitationId,
      b.owner.id,
      b.member.id,
      b.owner.email,
      b.member.email,
      b.channelId,
      b.postId,
      b.mediaId,
      b.connectionId,
      ...(bData.audit.items as { id: string }[]).map((e) => e.id),
    ]);
    const lists = [
      await ok('GET', '/api/v1/orgs', a.owner.token),
      await ok('GET', `/api/v1/orgs/${a.orgId}/members`, a.owner.token),
      await ok('GET', `/api/v1/orgs/${a.orgId}/invitations`, a.owner.token),
      await ok('GET', `/api/v1/orgs/${a.orgId}/workspaces`, a.owner.token),
      await ok('GET', `/api/v1/orgs/${a.orgId}/audit?limit=200`, a.owner.token),
      await ok('GET', `/api/v1/workspaces/${a.workspaceId}/channels`, a.owner.token),
      await ok('GET', `/api/v1/workspaces/${a.workspaceId}/posts`, a.owner.token),
      await ok('GET', `/api/v1/workspaces/${a.workspaceId}/media`, a.owner.token),
      await ok('GET', `/api/v1/workspaces/${a.workspaceId}/channels/health`, a.owner.token),
    ];
    for (const list of lists) {
      expect((list as { items: unknown[] }).items.length).toBeGreaterThan(0);
      const text = JSON.stringify(list);
      expect([...bIds].filter((id) => text.includes(id))).toEqual([]);
    }
    const orgs = (lists[0] as { items: { id: string }[] }).items.map((o) => o.id);
    expect(orgs).toEqual([a.orgId]);
  });

  it('does not page A’s audit log from one of B’s entries', async () => {
    const bEntry = (await ok<{ items: { id: string }[] }>('GET', `/api/v1/orgs/${b.orgId}/audit`, b.owner.token)).items[0]!.id;
    const res = await call(t.app, 'GET', `/api/v1/orgs/${a.orgId}/audit?cursor=${bEntry}`, { token: a.owner.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_cursor');
  });

  it('lets nobody accept B’s invitation but the invited address', async () => {
    const resend = await ok<{ acceptUrl: string }>('POST', `/api/v1/orgs/${b.orgId}/invitations/${b.invitationId}/resend`, b.owner.token);
    const token = resend.acceptUrl.slice(resend.acceptUrl.lastIndexOf('/') + 1);
    const res = await call(t.app, 'POST', `/api/v1/invitations/${token}/accept`, { token: a.owner.token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('invitation_email_mismatch');
    expect((await call(t.app, 'GET', `/api/v1/orgs/${b.orgId}`, { token: a.owner.token })).status).toBe(404);
  });
});
