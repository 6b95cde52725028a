import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, type Role } from '../src/http/permissions.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { orgKit, type Person } from './helpers/orgs.js';
import { call } from './helpers/http.js';

/** Organizations, members and the audit log through the HTTP API, including every refusal rule. */

/** Registration is rate limited per IP; these tests sign many people up from one. */
const ENV = { AUTH_RATE_LIMIT_MAX: '100000' };

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(ENV);
});
afterAll(async () => t?.close());

const { person, createOrg, member, auditActions, query } = orgKit(() => t);

describe('organizations', () => {
  it('creates an organization with the creator as owner', async () => {
    const owner = await person();
    const res = await call(t.app, 'POST', '/api/v1/orgs', { token: owner.token, body: { name: '  Acme Corp  ' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), name: 'Acme Corp', role: 'owner', createdAt: expect.any(String) });

    const list = await call(t.app, 'GET', '/api/v1/orgs', { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([res.body]);

    const one = await call(t.app, 'GET', `/api/v1/orgs/${res.body.id}`, { token: owner.token });
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ ...res.body, permissions: actionsOf('owner') });

    const members = await call(t.app, 'GET', `/api/v1/orgs/${res.body.id}/members`, { token: owner.token });
    expect(members.body.items).toEqual([{ user: { id: owner.id, name: owner.name, email: owner.email }, role: 'owner', joinedAt: expect.any(String) }]);
    expect(await auditActions(owner, res.body.id)).toEqual(['organization.created']);
  });

  it('lists only the caller’s organizations, by name', async () => {
    const a = await person();
    const b = await person();
    await createOrg(a, 'zeta');
    await createOrg(a, 'Alpha');
    await createOrg(b, 'Beta');
    const list = await call(t.app, 'GET', '/api/v1/orgs', { token: a.token });
    expect(list.body.items.map((o: { name: string }) => o.name)).toEqual(['Alpha', 'zeta']);
  });

  it('refuses malformed input with 4xx', async () => {
    const owner = await person();
    const cases = [
      await call(t.app, 'POST', '/api/v1/orgs', { token: owner.token, body: {} }),
      await call(t.app, 'POST', '/api/v1/orgs', { token: owner.token, body: { name: '   ' } }),
      await call(t.app, 'POST', '/api/v1/orgs', { token: owner.token, body: { name: 'x'.repeat(101) } }),
      await call(t.app, 'POST', '/api/v1/orgs', { token: owner.token, body: { name: 42 } }),
      await call(t.app, 'POST', '/api/v1/orgs', { token: owner.token, raw: '{"name":' }),
      await call(t.app, 'GET', '/api/v1/orgs/not-a-uuid', { token: owner.token }),
    ];
    for (const res of cases) {
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
    expect(cases[0]!.body.error.code).toBe('validation_failed');
    expect((await call(t.app, 'POST', '/api/v1/orgs', { body: { name: 'x' } })).status).toBe(401);
    expect((await call(t.app, 'GET', '/api/v1/orgs')).status).toBe(401);
  });

  it('answers 404 for an organization that does not exist or is not yours', async () => {
    const owner = await person();
    const stranger = await person();
    const orgId = await createOrg(owner);
    for (const [who, id] of [[owner, '00000000-0000-4000-8000-000000000000'], [stranger, orgId]] as const) {
      const res = await call(t.app, 'GET', `/api/v1/orgs/${id}`, { token: who.token });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('shows each role its own permissions', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    for (const role of ['admin', 'editor', 'analyst', 'viewer'] as const) {
      const m = await member(owner, orgId, role);
      const res = await call(t.app, 'GET', `/api/v1/orgs/${orgId}`, { token: m.token });
      expect(res.status).toBe(200);
      expect(res.body.role).toBe(role);
      expect(res.body.permissions).toEqual(actionsOf(role));
    }
  });

  it('renames (managers only) and records it', async () => {
    const owner = await person();
    const orgId = await createOrg(owner, 'Old');
    const admin = await member(owner, orgId, 'admin');
    const editor = await member(owner, orgId, 'editor');
    const refused = await call(t.app, 'PATCH', `/api/v1/orgs/${orgId}`, { token: editor.token, body: { name: 'Nope' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    const res = await call(t.app, 'PATCH', `/api/v1/orgs/${orgId}`, { token: admin.token, body: { name: 'New' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: orgId, name: 'New', role: 'admin' });
    expect((await call(t.app, 'PATCH', `/api/v1/orgs/${orgId}`, { token: admin.token, body: {} })).status).toBe(400);
    const audit = await call(t.app, 'GET', `/api/v1/orgs/${orgId}/audit`, { token: owner.token });
    expect(audit.body.items[0]).toMatchObject({ action: 'organization.renamed', data: { from: 'Old', to: 'New' }, actor: { id: admin.id } });
  });

  it('deletes (owner only) with everything in it', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const admin = await member(owner, orgId, 'admin');
    await call(t.app, 'POST', `/api/v1/orgs/${orgId}/workspaces`, { token: owner.token, body: { name: 'Brand' } });
    expect((await call(t.app, 'DELETE', `/api/v1/orgs/${orgId}`, { token: admin.token })).status).toBe(403);
    expect((await call(t.app, 'DELETE', `/api/v1/orgs/${orgId}`, { token: owner.token })).status).toBe(204);
    expect((await call(t.app, 'GET', `/api/v1/orgs/${orgId}`, { token: owner.token })).status).toBe(404);
    expect((await call(t.app, 'GET', '/api/v1/orgs', { token: admin.token })).body.items).toEqual([]);
    const left = await query<{ n: number }>(sql`select count(*)::int as n from workspaces where organization_id = ${orgId}`);
    expect(Number(left[0]!.n)).toBe(0);
  });
});

describe('members', () => {
  it('lets an owner change roles and records each change', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const m = await member(owner, orgId, 'editor');
    const res = await call(t.app, 'PATCH', `/api/v1/orgs/${orgId}/members/${m.id}`, { token: owner.token, body: { role: 'admin' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { id: m.id, name: m.name, email: m.email }, role: 'admin', joinedAt: expect.any(String) });
    const audit = await call(t.app, 'GET', `/api/v1/orgs/${orgId}/audit`, { token: owner.token });
    expect(audit.body.items[0]).toMatchObject({ action: 'member.role_changed', subjectId: m.id, data: { from: 'editor', to: 'admin' } });
    const list = await call(t.app, 'GET', `/api/v1/orgs/${orgId}/members`, { token: m.token });
    expect(list.body.items.map((i: { user: { id: string }; role: string }) => [i.user.id, i.role])).toEqual([
      [owner.id, 'owner'],
      [m.id, 'admin'],
    ]);
  });

  it('keeps the owner role in owners’ hands', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const admin = await member(owner, orgId, 'admin');
    const editor = await member(owner, orgId, 'editor');
    const patch = (by: Person, userId: string, role: Role) => call(t.app, 'PATCH', `/api/v1/orgs/${orgId}/members/${userId}`, { token: by.token, body: { role } });

    expect((await patch(admin, editor.id, 'owner')).status).toBe(403); // grant owner
    expect((await patch(admin, owner.id, 'admin')).status).toBe(403); // change an owner
    const own = await patch(admin, admin.id, 'editor'); // own role
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('forbidden');
    expect((await patch(admin, editor.id, 'viewer')).status).toBe(200);
    expect((await patch(editor, editor.id, 'admin')).status).toBe(403); // viewer now: no members.update

    expect((await patch(owner, editor.id, 'owner')).status).toBe(200);
    expect((await patch(owner, owner.id, 'admin')).status).toBe(200); // another owner remains
    const last = await patch(editor, editor.id, 'admin');
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('last_owner');
  });

  it('refuses to demote the last owner', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const res = await call(t.app, 'PATCH', `/api/v1/orgs/${orgId}/members/${owner.id}`, { token: owner.token, body: { role: 'admin' } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'last_owner', message: expect.any(String) });
  });

  it('answers 404 for someone who is not a member and 400 for bad input', async () => {
    const owner = await person();
    const outsider = await person();
    const orgId = await createOrg(owner);
    const url = (id: string) => `/api/v1/orgs/${orgId}/members/${id}`;
    expect((await call(t.app, 'PATCH', url(outsider.id), { token: owner.token, body: { role: 'viewer' } })).status).toBe(404);
    expect((await call(t.app, 'DELETE', url(outsider.id), { token: owner.token })).status).toBe(404);
    expect((await call(t.app, 'PATCH', url('00000000-0000-4000-8000-000000000000'), { token: owner.token, body: { role: 'viewer' } })).status).toBe(404);
    expect((await call(t.app, 'PATCH', url(outsider.id), { token: owner.token, body: { role: 'superuser' } })).status).toBe(400);
    expect((await call(t.app, 'PATCH', url(outsider.id), { token: owner.token, body: {} })).status).toBe(400);
    expect((await call(t.app, 'PATCH', url('bob'), { token: owner.token, body: { role: 'viewer' } })).status).toBe(400);
    expect((await call(t.app, 'DELETE', url('bob'), { token: owner.token })).status).toBe(400);
  });

  it('removes members within the rules', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const admin = await member(owner, orgId, 'admin');
    const editor = await member(owner, orgId, 'editor');
    const viewer = await member(owner, orgId, 'viewer');
    const remove = (by: Person, userId: string) => call(t.app, 'DELETE', `/api/v1/orgs/${orgId}/members/${userId}`, { token: by.token });

    expect((await remove(viewer, editor.id)).status).toBe(403);
    const ownerByAdmin = await remove(admin, owner.id);
    expect(ownerByAdmin.status).toBe(403);
    expect(ownerByAdmin.body.error.code).toBe('forbidden');
    expect((await remove(admin, editor.id)).status).toBe(204);
    expect((await call(t.app, 'GET', `/api/v1/orgs/${orgId}`, { token: editor.token })).status).toBe(404);
    expect((await remove(admin, editor.id)).status).toBe(404);

    const lastOwner = await remove(owner, owner.id);
    expect(lastOwner.status).toBe(409);
    expect(lastOwner.body.error.code).toBe('last_owner');

    expect((await remove(owner, viewer.id)).status).toBe(204);
    const actions = await auditActions(owner, orgId);
    expect(actions.filter((a) => a === 'member.removed')).toHaveLength(2);
  });

  it('lets any member leave, except the last owner', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const leave = (who: Person) => call(t.app, 'DELETE', `/api/v1/orgs/${orgId}/members/me`, { token: who.token });
    for (const role of ['viewer', 'analyst', 'editor', 'admin'] as const) {
      const m = await member(owner, orgId, role);
      expect((await leave(m)).status).toBe(204);
      expect((await call(t.app, 'GET', `/api/v1/orgs/${orgId}`, { token: m.token })).status).toBe(404);
      expect((await leave(m)).status).toBe(404);
    }
    const last = await leave(owner);
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('last_owner');

    // A second owner lets the first one go; removing yourself by id is leaving too.
    const second = await member(owner, orgId, 'owner');
    expect((await call(t.app, 'DELETE', `/api/v1/orgs/${orgId}/members/${owner.id}`, { token: owner.token })).status).toBe(204);
    expect((await leave(second)).status).toBe(409);
    const actions = await auditActions(second, orgId);
    expect(actions.filter((a) => a === 'member.left')).toHaveLength(5);
  });

  it('never leaves an organization without an owner when two owners demote each other at once', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const other = await member(owner, orgId, 'owner');
    const [a, b] = await Promise.all([
      call(t.app, 'PATCH', `/api/v1/orgs/${orgId}/members/${other.id}`, { token: owner.token, body: { role: 'admin' } }),
      call(t.app, 'PATCH', `/api/v1/orgs/${orgId}/members/${owner.id}`, { token: other.token, body: { role: 'admin' } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 403]);
    const owners = await query<{ n: number }>(sql`select count(*)::int as n from memberships where organization_id = ${orgId} and role = 'owner'`);
    expect(Number(owners[0]!.n)).toBe(1);
  });
});

describe('audit log', () => {
  it('pages newest first without skipping or repeating entries', async () => {
    const owner = await person();
    const orgId = await createOrg(owner, 'Audited');
    for (let i = 0; i < 6; i += 1) await call(t.app, 'PATCH', `/api/v1/orgs/${orgId}`, { token: owner.token, body: { name: `Audited ${i}` } });
    const all = await call(t.app, 'GET', `/api/v1/orgs/${orgId}/audit`, { token: owner.token });
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(7);
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.items[0]).toMatchObject({ action: 'organization.renamed', subjectType: 'organization', subjectId: orgId, actor: { id: owner.id, name: owner.name, email: owner.email } });
    expect(all.body.items.at(-1).action).toBe('organization.created');

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await call(
        t.app,
        'GET',
        `/api/v1/orgs/${orgId}/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        { token: owner.token },
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((i: { id: string }) => i.id));

    const future = await call(t.app, 'GET', `/api/v1/orgs/${orgId}/audit?before=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { token: owner.token });
    expect(future.body.items).toHaveLength(7);
    const past = await call(t.app, 'GET', `/api/v1/orgs/${orgId}/audit?before=2000-01-01T00:00:00Z`, { token: owner.token });
    expect(past.body.items).toEqual([]);
  });

  it('refuses bad paging parameters and non-managers', async () => {
    const owner = await person();
    const orgId = await createOrg(owner);
    const other = await createOrg(owner, 'Other');
    const otherEntry = (await call(t.app, 'GET', `/api/v1/orgs/${other}/audit`, { token: owner.token })).body.items[0].id;
    const base = `/api/v1/orgs/${orgId}/audit`;
    for (const q of ['limit=0', 'limit=201', 'limit=abc', 'before=yesterday', 'cursor=nope', `cursor=${otherEntry}`]) {
      const res = await call(t.app, 'GET', `${base}?${q}`, { token: owner.token });
      expect(res.status, q).toBe(400);
    }
    const editor = await member(owner, orgId, 'editor');
    expect((await call(t.app, 'GET', base, { token: editor.token })).status).toBe(403);
  });
});
