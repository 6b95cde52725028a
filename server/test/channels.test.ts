import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels } from '../src/db/schema.js';
import type { Role } from '../src/http/permissions.js';
import { AuthExpiredError } from '../src/integrations/social/errors.js';
import { CREDENTIALS_PURPOSE } from '../src/modules/channels/credentials.js';
import { findChannelsForWorkspace, listSlots } from '../src/modules/channels/repo.js';
import { mediaForPublish } from '../src/modules/media/for-posts.js';
import { MEDIA_FILE_PATH, mediaUrlUntil, verifyMediaToken } from '../src/modules/media/signed-url.js';
import {
  ChannelUnavailableError,
  markChannelNeedsReauth,
  openChannel,
  saveChannelCredentials,
} from '../src/modules/channels/publishing-access.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call, signUp } from './helpers/http.js';
import { fetchMedia, jpeg, upload } from './media-fixtures.js';
import { openBytes } from './helpers/media-item.js';

/** Channels through the HTTP API (sandbox channels, slots, the sandbox feed) and the pipeline's access functions. */

const ENV = { AUTH_RATE_LIMIT_MAX: '100000' };

interface Person {
  id: string;
  email: string;
  token: string;
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(ENV);
});
afterAll(async () => t?.close());

async function person(): Promise<Person> {
  const s = await signUp(t.app);
  return { id: s.user.id, email: s.email, token: s.accessToken };
}

async function ok<T = any>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, token: string, body?: unknown, status = 200): Promise<T> {
  const res = await call<T>(t.app, method, url, { token, ...(body === undefined ? {} : { body }) });
  if (res.status !== status) throw new Error(`${method} ${url}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** An organization with one workspace, owned by a fresh person. */
async function tenant(timezone = 'Asia/Kolkata') {
  const owner = await person();
  const orgId = (await ok<{ id: string }>('POST', '/api/v1/orgs', owner.token, { name: 'Acme' }, 201)).id;
  const workspaceId = (await ok<{ id: string }>('POST', `/api/v1/orgs/${orgId}/workspaces`, owner.token, { name: 'Brand', timezone }, 201)).id;
  return { owner, orgId, workspaceId };
}

async function join(owner: Person, orgId: string, role: Role): Promise<Person> {
  const p = await person();
  const inv = await ok<{ acceptUrl: string }>('POST', `/api/v1/orgs/${orgId}/invitations`, owner.token, { email: p.email, role }, 201);
  await ok('POST', `/api/v1/invitations/${inv.acceptUrl.slice(inv.acceptUrl.lastIndexOf('/') + 1)}/accept`, p.token);
  return p;
}

async function sandbox(owner: Person, workspaceId: string, name = 'Practice') {
  return ok<any>('POST', `/api/v1/workspaces/${workspaceId}/channels/sandbox`, owner.token, { name }, 201);
}

async function storedRow(id: string) {
  const [row] = await t.runtime.db.select().from(channels).where(eq(channels.id, id));
  return row!;
}

async function auditActions(owner: Person, orgId: string): Promise<string[]> {
  const body = await ok<{ items: { action: string }[] }>('GET', `/api/v1/orgs/${orgId}/audit?limit=200`, owner.token);
  return body.items.map((e) => e.action);
}

const NO_SECRETS = /credentials|accessToken|refreshToken|sbx_|v[12]\.test1\./i;

describe('sandbox channels', () => {
  it('creates, lists, gets and renames a sandbox channel', async () => {
    const { owner, orgId, workspaceId } = await tenant();
    const created = await sandbox(owner, workspaceId, '  Practice feed  ');
    expect(created).toEqual({
      id: expect.any(String),
      workspaceId,
      platform: 'sandbox',
      kind: 'sandbox',
      name: 'Practice feed',
      username: null,
      avatarUrl: null,
      status: 'active',
      statusReason: null,
      tokenExpiresAt: null,
      isSandbox: true,
      rules: { textMax: 5000, textCounting: 'code-points', mediaRequired: false, maxImages: 10, maxVideos: 1 },
      slots: [],
      createdAt: expect.any(String),
    });

    const list = await ok('GET', `/api/v1/workspaces/${workspaceId}/channels`, owner.token);
    expect(list).toEqual({ items: [created] });
    expect(await ok('GET', `/api/v1/channels/${created.id}`, owner.token)).toEqual(created);

    const renamed = await ok('PATCH', `/api/v1/channels/${created.id}`, owner.token, { name: 'Renamed' });
    expect(renamed).toEqual({ ...created, name: 'Renamed' });
    expect(await auditActions(owner, orgId)).toEqual(expect.arrayContaining(['channel.connected', 'channel.renamed']));

    // The account id is the channel's own id: unique, and what the sandbox stores posts under.
    expect((await storedRow(created.id)).externalId).toBe(created.id);
  });

  it('lists by name and keeps workspaces apart', async () => {
    const { owner, orgId, workspaceId } = await tenant();
    const other = (await ok<{ id: string }>('POST', `/api/v1/orgs/${orgId}/workspaces`, owner.token, { name: 'Other' }, 201)).id;
    await sandbox(owner, workspaceId, 'zulu');
    await sandbox(owner, workspaceId, 'Alpha');
    await sandbox(owner, other, 'Elsewhere');
    const list = await ok<{ items: { name: string }[] }>('GET', `/api/v1/workspaces/${workspaceId}/channels`, owner.token);
    expect(list.items.map((c) => c.name)).toEqual(['Alpha', 'zulu']);
  });

  it('never returns or logs credentials, and stores them as ciphertext under the current key', async () => {
    const { owner, workspaceId } = await tenant();
    const created = await call(t.app, 'POST', `/api/v1/workspaces/${workspaceId}/channels/sandbox`, { token: owner.token, body: { name: 'Secretive' } });
    const id = created.body.id as string;
    const responses = [
      created,
      await call(t.app, 'GET', `/api/v1/workspaces/${workspaceId}/channels?includeDisconnected=true`, { token: owner.token }),
      await call(t.app, 'GET', `/api/v1/channels/${id}`, { token: owner.token }),
      await call(t.app, 'PATCH', `/api/v1/channels/${id}`, { token: owner.token, body: { name: 'Still secretive' } }),
      await call(t.app, 'PUT', `/api/v1/channels/${id}/slots`, { token: owner.token, body: { slots: [{ weekday: 1, time: '09:00' }] } }),
      await call(t.app, 'GET', `/api/v1/channels/${id}/sandbox/feed`, { token: owner.token }),
      await call(t.app, 'GET', '/api/openapi.json'),
    ];
    for (const res of responses) {
      expect(res.status).toBeLessThan(300);
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      expect(text, 'a response carries a secret').not.toMatch(/sbx_|v[12]\.test1\./);
      if (res !== responses.at(-1)) expect(text).not.toMatch(NO_SECRETS);
    }

    const row = await storedRow(id);
    expect(row.credentials).toMatch(/^v2\.test1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(row.credentialsKeyId).toBe('test1');
    const plain = JSON.parse(t.runtime.keys.decrypt(row.credentials!, CREDENTIALS_PURPOSE));
    expect(plain.accessToken).toMatch(/^sbx_[\w-]{40,}$/);
    expect(row.credentials).not.toContain(plain.accessToken);

    // Two channels never share a token.
    const second = await sandbox(owner, workspaceId, 'Second');
    expect(JSON.parse(t.runtime.keys.decrypt((await storedRow(second.id)).credentials!, CREDENTIALS_PURPOSE)).accessToken).not.toBe(plain.accessToken);
  });

  it('refuses malformed input with 4xx in the error shape', async () => {
    const { owner, workspaceId } = await tenant();
    const ch = await sandbox(owner, workspaceId);
    const cases = [
      await call(t.app, 'POST', `/api/v1/workspaces/${workspaceId}/channels/sandbox`, { token: owner.token, body: {} }),
      await call(t.app, 'POST', `/api/v1/workspaces/${workspaceId}/channels/sandbox`, { token: owner.token, body: { name: '   ' } }),
      await call(t.app, 'POST', `/api/v1/workspaces/${workspaceId}/channels/sandbox`, { token: owner.token, body: { name: 'x'.repeat(101) } }),
      await call(t.app, 'POST', `/api/v1/workspaces/${workspaceId}/channels/sandbox`, { token: owner.token, body: { name: 7 } }),
      await call(t.app, 'POST', `/api/v1/workspaces/${workspaceId}/channels/sandbox`, { token: owner.token, raw: '{"name":' }),
      await call(t.app, 'PATCH', `/api/v1/channels/${ch.id}`, { token: owner.token, body: {} }),
      await call(t.app, 'PATCH', `/api/v1/channels/${ch.id}`, { token: owner.token, body: { name: '' } }),
      await call(t.app, 'GET', '/api/v1/channels/not-a-uuid', { token: owner.token }),
      await call(t.app, 'GET', '/api/v1/workspaces/not-a-uuid/channels', { token: owner.token }),
      await call(t.app, 'GET', `/api/v1/workspaces/${workspaceId}/channels?includeDisconnected=maybe`, { token: owner.token }),
      await call(t.app, 'DELETE', '/api/v1/channels/123', { token: owner.token }),
    ];
    for (const res of cases) {
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
    expect(cases[0]!.body.error.code).toBe('validation_failed');
    expect(cases[4]!.body.error.code).toBe('invalid_json');

    expect((await call(t.app, 'GET', `/api/v1/channels/${ch.id}`)).status).toBe(401);
    expect((await call(t.app, 'POST', `/api/v1/workspaces/${workspaceId}/channels/sandbox`, { body: { name: 'x' } })).status).toBe(401);
    const missing = await call(t.app, 'GET', `/api/v1/channels/${randomUUID()}`, { token: owner.token });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });
});

describe('disconnecting', () => {
  it('wipes the credentials, keeps the row and its history, and is idempotent', async () => {
    const { owner, orgId, workspaceId } = await tenant();
    const ch = await sandbox(owner, workspaceId);
    await ok('PUT', `/api/v1/channels/${ch.id}/slots`, owner.token, { slots: [{ weekday: 2, time: '10:30' }] });
    const opened = await openChannel(t.runtime, orgId, ch.id);
    await t.runtime.social.sandbox.publish(opened.account, { text: 'before the end', media: [] }, randomUUID());

    expect((await call(t.app, 'DELETE', `/api/v1/channels/${ch.id}`, { token: owner.token })).status).toBe(204);
    const row = await storedRow(ch.id);
    expect(row).toMatchObject({ credentials: null, credentialsKeyId: null, status: 'disconnected', disconnectedAt: expect.any(Date) });

    expect((await ok<{ items: unknown[] }>('GET', `/api/v1/workspaces/${workspaceId}/channels`, owner.token)).items).toEqual([]);
    const history = await ok<{ items: any[] }>('GET', `/api/v1/workspaces/${workspaceId}/channels?includeDisconnected=true`, owner.token);
    expect(history.items).toEqual([{ ...ch, status: 'disconnected', slots: [] }]);
    expect(await ok('GET', `/api/v1/channels/${ch.id}`, owner.token)).toMatchObject({ status: 'disconnected' });
    // What the sandbox received stays readable.
    expect((await ok<{ items: { text: string }[] }>('GET', `/api/v1/channels/${ch.id}/sandbox/feed`, owner.token)).items.map((p) => p.text)).toEqual(['before the end']);

    // A second disconnect changes nothing and answers 204 again.
    expect((await call(t.app, 'DELETE', `/api/v1/channels/${ch.id}`, { token: owner.token })).status).toBe(204);
    expect((await auditActions(owner, orgId)).filter((a) => a === 'channel.disconnected')).toHaveLength(1);

    await expect(openChannel(t.runtime, orgId, ch.id)).rejects.toMatchObject({ reason: 'disconnected', statusCode: 409 });
    const slots = await call(t.app, 'PUT', `/api/v1/channels/${ch.id}/slots`, { token: owner.token, body: { slots: [] } });
    expect(slots.status).toBe(409);
    expect(slots.body.error.code).toBe('channel_disconnected');

    // The same account can be connected again as a new channel.
    const again = await sandbox(owner, workspaceId, 'Again');
    expect(again.id).not.toBe(ch.id);
  });
});

describe('roles and tenants', () => {
  it('lets every role read, and only owners and admins manage', async () => {
    const { owner, orgId, workspaceId } = await tenant();
    const ch = await sandbox(owner, workspaceId);
    for (const role of ['viewer', 'analyst', 'editor'] as const) {
      const p = await join(owner, orgId, role);
      expect((await call(t.app, 'GET', `/api/v1/workspaces/${workspaceId}/channels`, { token: p.token })).status).toBe(200);
      expect((await call(t.app, 'GET', `/api/v1/channels/${ch.id}`, { token: p.token })).status).toBe(200);
      expect((await call(t.app, 'GET', `/api/v1/channels/${ch.id}/sandbox/feed`, { token: p.token })).status).toBe(200);
      const refused = [
        await call(t.app, 'POST', `/api/v1/workspaces/${workspaceId}/channels/sandbox`, { token: p.token, body: { name: 'Mine' } }),
        await call(t.app, 'PATCH', `/api/v1/channels/${ch.id}`, { token: p.token, body: { name: 'Mine' } }),
        await call(t.app, 'PUT', `/api/v1/channels/${ch.id}/slots`, { token: p.token, body: { slots: [] } }),
        await call(t.app, 'DELETE', `/api/v1/channels/${ch.id}`, { token: p.token }),
      ];
      for (const res of refused) {
        expect(res.status, `${role}: ${JSON.stringify(res.body)}`).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    }
    const admin = await join(owner, orgId, 'admin');
    expect((await call(t.app, 'PATCH', `/api/v1/channels/${ch.id}`, { token: admin.token, body: { name: 'By admin' } })).status).toBe(200);
    expect((await storedRow(ch.id)).status).toBe('active');
  });

  it('answers 404 for another organization’s channels and workspaces, and changes nothing', async () => {
    const a = await tenant();
    const b = await tenant();
    const bChannel = await sandbox(b.owner, b.workspaceId, 'B channel');
    await ok('PUT', `/api/v1/channels/${bChannel.id}/slots`, b.owner.token, { slots: [{ weekday: 1, time: '08:00' }] });
    const probes: [string, string, unknown?][] = [
      ['GET', `/api/v1/workspaces/${b.workspaceId}/channels`],
      ['POST', `/api/v1/workspaces/${b.workspaceId}/channels/sandbox`, { name: 'Planted' }],
      ['GET', `/api/v1/channels/${bChannel.id}`],
      ['PATCH', `/api/v1/channels/${bChannel.id}`, { name: 'Defaced' }],
      ['PUT', `/api/v1/channels/${bChannel.id}/slots`, { slots: [] }],
      ['GET', `/api/v1/channels/${bChannel.id}/sandbox/feed`],
      ['DELETE', `/api/v1/channels/${bChannel.id}`],
    ];
    for (const [method, url, body] of probes) {
      const res = await call(t.app, method as 'GET', url, { token: a.owner.token, ...(body === undefined ? {} : { body }) });
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect(await ok('GET', `/api/v1/channels/${bChannel.id}`, b.owner.token)).toEqual({ ...bChannel, slots: [{ weekday: 1, time: '08:00' }] });
    expect((await ok<{ items: unknown[] }>('GET', `/api/v1/workspaces/${b.workspaceId}/channels`, b.owner.token)).items).toHaveLength(1);

    // The pipeline's access functions are scoped by organization too.
    await expect(openChannel(t.runtime, a.orgId, bChannel.id)).rejects.toMatchObject({ reason: 'not_found' });
    expect(await findChannelsForWorkspace(t.runtime.db, a.orgId, b.workspaceId, [bChannel.id])).toEqual([]);
    expect(await listSlots(t.runtime.db, a.orgId, [bChannel.id])).toEqual([]);
  });
});

describe('posting slots', () => {
  it('replaces all slots, merging duplicates and sorting by weekday and time', async () => {
    const { owner, orgId, workspaceId } = await tenant();
    const ch = await sandbox(owner, workspaceId);
    const first = await ok('PUT', `/api/v1/channels/${ch.id}/slots`, owner.token, {
      slots: [
        { weekday: 7, time: '23:59' },
        { weekday: 1, time: '09:30' },
        { weekday: 1, time: '00:00' },
        { weekday: 1, time: '09:30' },
      ],
    });
    expect(first).toEqual({ slots: [{ weekday: 1, time: '00:00' }, { weekday: 1, time: '09:30' }, { weekday: 7, time: '23:59' }] });
    expect((await ok<any>('GET', `/api/v1/channels/${ch.id}`, owner.token)).slots).toEqual(first.slots);
    expect((await ok<any>('GET', `/api/v1/workspaces/${workspaceId}/channels`, owner.token)).items[0].slots).toEqual(first.slots);
    expect(await listSlots(t.runtime.db, orgId, [ch.id])).toEqual([
      { channelId: ch.id, weekday: 1, minuteOfDay: 0 },
      { channelId: ch.id, weekday: 1, minuteOfDay: 570 },
      { channelId: ch.id, weekday: 7, minuteOfDay: 1439 },
    ]);

    const second = await ok('PUT', `/api/v1/channels/${ch.id}/slots`, owner.token, { slots: [{ weekday: 3, time: '12:15' }] });
    expect(second).toEqual({ slots: [{ weekday: 3, time: '12:15' }] });
    expect(await ok('PUT', `/api/v1/channels/${ch.id}/slots`, owner.token, { slots: [] })).toEqual({ slots: [] });
    expect((await ok<any>('GET', `/api/v1/channels/${ch.id}`, owner.token)).slots).toEqual([]);

    // 100 distinct slots are accepted; the 101st is refused.
    const many = Array.from({ length: 100 }, (_, i) => ({ weekday: (i % 7) + 1, time: `${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}` }));
    expect((await ok<any>('PUT', `/api/v1/channels/${ch.id}/slots`, owner.token, { slots: many })).slots.length).toBeGreaterThan(0);
    const tooMany = await call(t.app, 'PUT', `/api/v1/channels/${ch.id}/slots`, { token: owner.token, body: { slots: [...many, { weekday: 1, time: '05:05' }] } });
    expect(tooMany.status).toBe(400);
  });

  it('refuses weekdays outside 1..7 and times that are not HH:MM', async () => {
    const { owner, workspaceId } = await tenant();
    const ch = await sandbox(owner, workspaceId);
    await ok('PUT', `/api/v1/channels/${ch.id}/slots`, owner.token, { slots: [{ weekday: 5, time: '17:00' }] });
    const bad: unknown[] = [
      {},
      { slots: 'daily' },
      { slots: [{ weekday: 0, time: '09:00' }] },
      { slots: [{ weekday: 8, time: '09:00' }] },
      { slots: [{ weekday: 1.5, time: '09:00' }] },
      { slots: [{ weekday: '1', time: '09:00' }] },
      { slots: [{ weekday: 1, time: '24:00' }] },
      { slots: [{ weekday: 1, time: '9:00' }] },
      { slots: [{ weekday: 1, time: '12:60' }] },
      { slots: [{ weekday: 1, time: '12:00:00' }] },
      { slots: [{ weekday: 1 }] },
      { slots: [null] },
    ];
    for (const body of bad) {
      const res = await call(t.app, 'PUT', `/api/v1/channels/${ch.id}/slots`, { token: owner.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    // Nothing was replaced by a refused request.
    expect((await ok<any>('GET', `/api/v1/channels/${ch.id}`, owner.token)).slots).toEqual([{ weekday: 5, time: '17:00' }]);
  });

  it('documents that slot times are in the workspace time zone', async () => {
    const doc = await ok<any>('GET', '/api/openapi.json', '');
    const put = doc.paths['/api/v1/channels/{channelId}/slots'].put;
    expect(JSON.stringify(put)).toMatch(/workspace'?s time zone/i);
  });
});

describe('sandbox feed', () => {
  it('shows what the sandbox received, newest first, a page at a time', async () => {
    const { owner, orgId, workspaceId } = await tenant();
    const ch = await sandbox(owner, workspaceId);
    const other = await sandbox(owner, workspaceId, 'Other');
    const { account, channel } = await openChannel(t.runtime, orgId, ch.id);
    expect(channel).toMatchObject({ id: ch.id, platform: 'sandbox', status: 'active' });
    expect(account.externalId).toBe(ch.id);
    expect(account.credentials.accessToken).toMatch(/^sbx_/);

    const keys = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, key] of keys.entries()) {
      const media = i === 0 ? [{ kind: 'image' as const, mime: 'image/png', sizeBytes: 10, url: 'http://herald.test/m/1.png', open: openBytes(Buffer.alloc(0)) }] : [];
      await t.runtime.social.sandbox.publish(account, { text: `post ${i}`, media }, key);
    }
    const otherAccount = (await openChannel(t.runtime, orgId, other.id)).account;
    await t.runtime.social.sandbox.publish(otherAccount, { text: 'elsewhere', media: [] }, randomUUID());

    const page1 = await ok<any>('GET', `/api/v1/channels/${ch.id}/sandbox/feed?limit=2`, owner.token);
    expect(page1.items.map((p: any) => p.text)).toEqual(['post 2', 'post 1']);
    expect(page1.items[0]).toEqual({ id: expect.any(String), text: 'post 2', media: [], idempotencyKey: keys[2], createdAt: expect.any(String) });
    expect(page1.nextCursor).toBe(page1.items[1].id);
    const page2 = await ok<any>('GET', `/api/v1/channels/${ch.id}/sandbox/feed?limit=2&cursor=${page1.nextCursor}`, owner.token);
    expect(page2.items.map((p: any) => p.text)).toEqual(['post 0']);
    expect(page2.items[0].media).toEqual([{ kind: 'image', mime: 'image/png', url: 'http://herald.test/m/1.png', sizeBytes: 10 }]);
    expect(page2.nextCursor).toBeNull();
    const all = await ok<any>('GET', `/api/v1/channels/${ch.id}/sandbox/feed`, owner.token);
    expect(all.items).toHaveLength(3);
    expect(all.nextCursor).toBeNull();

    // A cursor from another channel's feed is refused, not followed.
    const otherPost = (await ok<any>('GET', `/api/v1/channels/${other.id}/sandbox/feed`, owner.token)).items[0].id;
    const foreign = await call(t.app, 'GET', `/api/v1/channels/${ch.id}/sandbox/feed?cursor=${otherPost}`, { token: owner.token });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('invalid_cursor');
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'limit=1.5', 'cursor=nope']) {
      const res = await call(t.app, 'GET', `/api/v1/channels/${ch.id}/sandbox/feed?${q}`, { token: owner.token });
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it('serves media under freshly signed URLs, however long ago the sandbox took the post', async () => {
    const { owner, orgId, workspaceId } = await tenant();
    const ch = await sandbox(owner, workspaceId);
    const bytes = await jpeg(320, 240);
    const uploaded = await upload(t.app, owner.token, workspaceId, { data: bytes, filename: 'old.jpg' });
    expect(uploaded.status).toBe(201);
    const { account } = await openChannel(t.runtime, orgId, ch.id);

    // What the publisher hands the sandbox, aged: its URL expired an hour ago, as one from two days ago would have.
    const [item] = await mediaForPublish(t.runtime, orgId, [uploaded.body.id], 'sandbox');
    const storageKey = verifyMediaToken(t.runtime.keys, item!.url.slice(item!.url.indexOf(MEDIA_FILE_PATH) + MEDIA_FILE_PATH.length)).storageKey;
    const stale = mediaUrlUntil(t.runtime, storageKey, Math.floor(Date.now() / 1000) - 3600);
    expect((await fetchMedia(t.app, stale)).json().error.code).toBe('media_url_expired');
    // A file of another organization's storage is left as it was (never signed for this feed).
    const foreign = mediaUrlUntil(t.runtime, `${randomUUID()}/${randomUUID()}/original.jpg`, Math.floor(Date.now() / 1000) - 3600);
    await t.runtime.social.sandbox.publish(account, { text: 'last year', media: [{ ...item!, url: stale }, { ...item!, url: foreign }] }, randomUUID());

    const [shown] = (await ok<any>('GET', `/api/v1/channels/${ch.id}/sandbox/feed`, owner.token)).items;
    expect(shown.media).toHaveLength(2);
    const fresh = shown.media[0].url as string;
    expect(fresh).not.toBe(stale);
    expect(fresh.startsWith(`http://herald.test${MEDIA_FILE_PATH}`)).toBe(true);
    const token = fresh.slice(fresh.indexOf(MEDIA_FILE_PATH) + MEDIA_FILE_PATH.length);
    const granted = verifyMediaToken(t.runtime.keys, token);
    expect(granted.storageKey).toBe(storageKey);
    expect(granted.expiresAt).toBeGreaterThan(Date.now() / 1000 + 3600);
    const res = await fetchMedia(t.app, fresh);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.raw).toEqual(bytes);
    expect(shown.media[1].url).toBe(foreign);
  });

  it('answers 400 not_sandbox for a channel of another platform', async () => {
    const { owner, orgId, workspaceId } = await tenant();
    const id = randomUUID();
    await t.runtime.db.insert(channels).values({ id, organizationId: orgId, workspaceId, platform: 'x', externalId: '12345', kind: 'profile', name: 'On X', username: 'acme' });
    const view = await ok<any>('GET', `/api/v1/channels/${id}`, owner.token);
    expect(view).toMatchObject({ platform: 'x', isSandbox: false, username: 'acme', rules: { textMax: 280, textCounting: 'x-weighted', maxImages: 4 } });
    const res = await call(t.app, 'GET', `/api/v1/channels/${id}/sandbox/feed`, { token: owner.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('not_sandbox');
  });
});

describe('publishing access', () => {
  it('opens a channel, marks it needing re-authorisation, and saves fresh credentials', async () => {
    const { owner, orgId, workspaceId } = await tenant();
    const ch = await sandbox(owner, workspaceId);

    await markChannelNeedsReauth(t.runtime.db, ch.id, 'The token was revoked by the platform');
    expect(await ok('GET', `/api/v1/channels/${ch.id}`, owner.token)).toMatchObject({ status: 'needs_reauth', statusReason: 'The token was revoked by the platform' });
    const err = await openChannel(t.runtime, orgId, ch.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelUnavailableError);
    expect(err).toMatchObject({ reason: 'needs_reauth', channelId: ch.id, message: 'The token was revoked by the platform' });
    // Still a live channel: listed, and a valid post target.
    expect((await ok<{ items: unknown[] }>('GET', `/api/v1/workspaces/${workspaceId}/channels`, owner.token)).items).toHaveLength(1);

    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    await saveChannelCredentials(t.runtime.db, t.runtime.keys, ch.id, { accessToken: 'sbx_fresh', refreshToken: 'r1', expiresAt });
    const view = await ok<any>('GET', `/api/v1/channels/${ch.id}`, owner.token);
    expect(view).toMatchObject({ status: 'active', statusReason: null, tokenExpiresAt: expiresAt });
    expect(JSON.stringify(view)).not.toMatch(/sbx_fresh|r1"/);
    const opened = await openChannel(t.runtime, orgId, ch.id);
    expect(opened.account.credentials).toEqual({ accessToken: 'sbx_fresh', refreshToken: 'r1', expiresAt });
    expect((await storedRow(ch.id)).credentials).toMatch(/^v2\.test1\./);

    // A token past its expiry is refused by the sandbox as a real platform would.
    await saveChannelCredentials(t.runtime.db, t.runtime.keys, ch.id, { accessToken: 'sbx_stale', expiresAt: new Date(Date.now() - 1000).toISOString() });
    const stale = await openChannel(t.runtime, orgId, ch.id);
    await expect(t.runtime.social.sandbox.publish(stale.account, { text: 'hi', media: [] }, randomUUID())).rejects.toBeInstanceOf(AuthExpiredError);

    // A disconnected channel is neither revived nor re-flagged.
    await ok('DELETE', `/api/v1/channels/${ch.id}`, owner.token, undefined, 204);
    await expect(saveChannelCredentials(t.runtime.db, t.runtime.keys, ch.id, { accessToken: 'sbx_late' })).rejects.toMatchObject({ reason: 'disconnected' });
    await markChannelNeedsReauth(t.runtime.db, ch.id, 'late');
    expect(await storedRow(ch.id)).toMatchObject({ status: 'disconnected', credentials: null });

    const missing = randomUUID();
    await expect(saveChannelCredentials(t.runtime.db, t.runtime.keys, missing, { accessToken: 'x' })).rejects.toMatchObject({ reason: 'not_found' });
    await expect(markChannelNeedsReauth(t.runtime.db, missing, 'x')).rejects.toMatchObject({ reason: 'not_found' });
    await expect(openChannel(t.runtime, orgId, missing)).rejects.toMatchObject({ reason: 'not_found', statusCode: 404 });
  });

  it('treats credentials it cannot read as needing re-authorisation, and logs no secret', async () => {
    const { owner, orgId, workspaceId } = await tenant();
    const ch = await sandbox(owner, workspaceId);
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const ctx = { db: t.runtime.db, keys: t.runtime.keys, logger };

    // Written under a key this ring does not hold (it was removed).
    await t.runtime.db.update(channels).set({ credentials: 'v1.gone.AAAA.BBBB.CCCC', credentialsKeyId: 'gone' }).where(eq(channels.id, ch.id));
    await expect(openChannel(ctx, orgId, ch.id)).rejects.toMatchObject({ reason: 'needs_reauth' });
    // Readable, but not credentials: JSON.parse would quote the plaintext in its message.
    const garbage = t.runtime.keys.encrypt('sbx_SECRET_not_json', CREDENTIALS_PURPOSE);
    await t.runtime.db.update(channels).set({ credentials: garbage, credentialsKeyId: 'test1' }).where(eq(channels.id, ch.id));
    await expect(openChannel(ctx, orgId, ch.id)).rejects.toMatchObject({ reason: 'needs_reauth' });
    await t.runtime.db.update(channels).set({ credentials: t.runtime.keys.encrypt('{"token":"sbx_SECRET_shape"}', CREDENTIALS_PURPOSE) }).where(eq(channels.id, ch.id));
    await expect(openChannel(ctx, orgId, ch.id)).rejects.toMatchObject({ reason: 'needs_reauth' });

    expect(lines).toHaveLength(3);
    expect(lines.join('')).toContain(ch.id);
    expect(lines.join('')).not.toMatch(/SECRET|v[12]\.test1\.|v[12]\.gone/);
  });

  it('finds the live channels of a workspace among post targets', async () => {
    const { owner, orgId, workspaceId } = await tenant();
    const other = (await ok<{ id: string }>('POST', `/api/v1/orgs/${orgId}/workspaces`, owner.token, { name: 'Other' }, 201)).id;
    const live = await sandbox(owner, workspaceId, 'Live');
    const gone = await sandbox(owner, workspaceId, 'Gone');
    const elsewhere = await sandbox(owner, other, 'Elsewhere');
    await ok('DELETE', `/api/v1/channels/${gone.id}`, owner.token, undefined, 204);
    await markChannelNeedsReauth(t.runtime.db, live.id, 'expired');

    const found = await findChannelsForWorkspace(t.runtime.db, orgId, workspaceId, [live.id, gone.id, elsewhere.id, randomUUID(), live.id]);
    expect(found).toEqual([expect.objectContaining({ id: live.id, platform: 'sandbox', status: 'needs_reauth', name: 'Live', workspaceId })]);
    expect(found[0]).not.toHaveProperty('credentials');
    expect(await findChannelsForWorkspace(t.runtime.db, orgId, workspaceId, [])).toEqual([]);
  });
});

