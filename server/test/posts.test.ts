import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { ownerWithWorkspace } from './helpers/workspace.js';

/** Composing, validating, listing, the calendar and the queue (no worker runs in this file). */
let t: TestApp;
let s: Awaited<ReturnType<typeof ownerWithWorkspace>>;

beforeAll(async () => {
  t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '100000' });
  s = await ownerWithWorkspace(t.app, { timezone: 'Asia/Kolkata', sandboxChannels: 2 });
});
afterAll(async () => t?.close());

const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, token = s.token) =>
  call(t.app, method, `/api/v1${url}`, { token, ...(body === undefined ? {} : { body }) });

describe('composing', () => {
  it('creates a draft with one target per channel and per-channel text', async () => {
    const res = await api('POST', `/workspaces/${s.workspaceId}/posts`, {
      text: 'Weekend brunch is back',
      channelIds: s.channelIds,
      targets: [{ channelId: s.channelIds[1], text: 'Brunch! 🥞' }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'draft', scheduledAt: null, text: 'Weekend brunch is back' });
    expect(res.body.targets.map((x: any) => [x.channelId, x.text, x.textOverride, x.status])).toEqual([
      [s.channelIds[0], 'Weekend brunch is back', null, 'draft'],
      [s.channelIds[1], 'Brunch! 🥞', 'Brunch! 🥞', 'draft'],
    ]);
    expect(res.body.checks).toHaveLength(2);
    expect(res.body.checks[1]).toMatchObject({ textLength: 9, textMax: 5000, errors: [] });
  });

  it('names the channel and the rule when a post scheduled with text past a channel’s limit', async () => {
    const scheduledAt = new Date(Date.now() + 3_600_000).toISOString();
    const res = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: 'ok', channelIds: s.channelIds, scheduledAt, targets: [{ channelId: s.channelIds[0], text: 'x'.repeat(5001) }] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('content_rules_violated');
    expect(res.body.error.message).toContain('Practice 1');
    expect(res.body.error.details.violations).toEqual([expect.objectContaining({ channelId: s.channelIds[0], rule: 'text_too_long', platform: 'sandbox' })]);
  });

  it('saves a draft past a channel’s limit with the checks as warnings, but schedules, queues or publishes it only once it fits', async () => {
    const long = 'z'.repeat(5001);
    const draft = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: 'fits', channelIds: s.channelIds, targets: [{ channelId: s.channelIds[1], text: long }] });
    expect(draft.status).toBe(201);
    expect(draft.body.status).toBe('draft');
    expect(draft.body.checks[1]).toMatchObject({ channelId: s.channelIds[1], textLength: 5001, errors: [expect.objectContaining({ rule: 'text_too_long' })] });
    const postId = draft.body.id as string;
    // Editing the draft keeps it over the limit: still accepted.
    const edited = await api('PATCH', `/posts/${postId}`, { text: 'fits too' });
    expect(edited.status).toBe(200);

    await api('PUT', `/channels/${s.channelIds[1]}/slots`, { slots: [{ weekday: 1, time: '09:00' }] });
    for (const [action, body] of [['schedule', { scheduledAt: new Date(Date.now() + 3_600_000).toISOString() }], ['publish-now', undefined], ['queue', undefined]] as const) {
      const refused = await api('POST', `/posts/${postId}/${action}`, body);
      expect(refused.status, action).toBe(400);
      expect(refused.body.error.code).toBe('content_rules_violated');
      expect(refused.body.error.details.violations).toEqual([expect.objectContaining({ channelId: s.channelIds[1], rule: 'text_too_long' })]);
    }
    const still = await api('GET', `/posts/${postId}`);
    expect(still.body.status).toBe('draft');
    expect(still.body.targets.map((x: any) => x.status)).toEqual(['draft', 'draft']);

    // Fixed, it schedules; a scheduled post cannot be edited back over the limit.
    expect((await api('PATCH', `/posts/${postId}`, { targets: [] })).status).toBe(200);
    expect((await api('POST', `/posts/${postId}/schedule`, { scheduledAt: new Date(Date.now() + 3_600_000).toISOString() })).status).toBe(200);
    const overAgain = await api('PATCH', `/posts/${postId}`, { targets: [{ channelId: s.channelIds[1], text: long }] });
    expect(overAgain.status).toBe(400);
    expect(overAgain.body.error.code).toBe('content_rules_violated');
    expect((await api('GET', `/posts/${postId}`)).body.targets.map((x: any) => x.textOverride)).toEqual([null, null]);
    await api('POST', `/posts/${postId}/cancel`);
  });

  it('previews rule checks without saving', async () => {
    const res = await api('POST', `/workspaces/${s.workspaceId}/posts/preview`, { text: 'y'.repeat(5003), channelIds: [s.channelIds[0]] });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.checks[0]).toMatchObject({ textLength: 5003, textMax: 5000 });
  });

  it('refuses unknown channels, unknown media and malformed input with 400s', async () => {
    const other = '00000000-0000-4000-8000-000000000000';
    expect((await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: 'a', channelIds: [other] })).body.error.code).toBe('channel_not_found');
    expect((await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: 'a', channelIds: s.channelIds, mediaIds: [other] })).body.error.code).toBe('media_not_found');
    const bad = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: 5, channelIds: [], scheduledAt: 'tomorrow' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details.fields).sort()).toEqual(['channelIds', 'scheduledAt', 'text']);
    const both = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: 'a', channelIds: s.channelIds, publishNow: true, scheduledAt: new Date(Date.now() + 60_000).toISOString() });
    expect(both.status).toBe(400);
  });

  it('takes scheduledAt with or without seconds, with Z or an offset, and refuses anything else', async () => {
    // A workspace of its own, so these posts stay out of the other tests' lists and calendars.
    const own = await ownerWithWorkspace(t.app);
    const api = (method: 'GET' | 'POST', url: string, body?: unknown) => call(t.app, method, `/api/v1${url}`, { token: own.token, ...(body === undefined ? {} : { body }) });
    const accepted: [string, string][] = [
      ['2030-12-01T09:30+05:30', '2030-12-01T04:00:00.000Z'],
      ['2030-12-01T04:00Z', '2030-12-01T04:00:00.000Z'],
      ['2030-12-01T09:30:15+05:30', '2030-12-01T04:00:15.000Z'],
      ['2030-12-01T04:00:15.250Z', '2030-12-01T04:00:15.250Z'],
      ['2030-12-01T04:00:00-03:00', '2030-12-01T07:00:00.000Z'],
    ];
    for (const [given, instant] of accepted) {
      const created = await api('POST', `/workspaces/${own.workspaceId}/posts`, { text: given, channelIds: [own.channelIds[0]], scheduledAt: given });
      expect(created.status, given).toBe(201);
      expect(created.body.scheduledAt).toBe(instant);
      const draft = await api('POST', `/workspaces/${own.workspaceId}/posts`, { text: given, channelIds: [own.channelIds[0]] });
      const scheduled = await api('POST', `/posts/${draft.body.id}/schedule`, { scheduledAt: given });
      expect(scheduled.status, given).toBe(200);
      expect(scheduled.body.scheduledAt).toBe(instant);
    }
    const refused = ['2030-12-01T09:30', '2030-12-01 09:30Z', '2030-12-01', '2030-12-01T9:30Z', '2030-12-01T09Z', '2030-12-01T09:30+0530', '2030-02-30T09:30Z', '2030-12-01T24:00Z', 'tomorrow', ''];
    const draft = await api('POST', `/workspaces/${own.workspaceId}/posts`, { text: 'never', channelIds: [own.channelIds[0]] });
    for (const given of [...refused, 1_900_000_000_000]) {
      for (const res of [
        await api('POST', `/workspaces/${own.workspaceId}/posts`, { text: 'never', channelIds: [own.channelIds[0]], scheduledAt: given }),
        await api('POST', `/posts/${draft.body.id}/schedule`, { scheduledAt: given }),
      ]) {
        expect(res.status, String(given)).toBe(400);
        expect(res.body.error.code).toBe('validation_failed');
        expect(res.body.error.details.fields.scheduledAt).toMatch(/ISO 8601 date-time with a time zone/);
      }
    }
    expect((await api('GET', `/posts/${draft.body.id}`)).body.status).toBe('draft');
  });

  it('edits a draft: text, channels and overrides', async () => {
    const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: 'v1', channelIds: s.channelIds });
    const edited = await api('PATCH', `/posts/${created.body.id}`, { text: 'v2', channelIds: [s.channelIds[1]], targets: [{ channelId: s.channelIds[1], text: 'v2 short' }] });
    expect(edited.status).toBe(200);
    expect(edited.body.text).toBe('v2');
    expect(edited.body.targets.map((x: any) => [x.channelId, x.text])).toEqual([[s.channelIds[1], 'v2 short']]);
    expect((await api('PATCH', `/posts/${created.body.id}`, {})).status).toBe(400);
  });

  it('deletes drafts and scheduled posts', async () => {
    const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: 'bye', channelIds: s.channelIds, scheduledAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await api('DELETE', `/posts/${created.body.id}`)).status).toBe(204);
    expect((await api('GET', `/posts/${created.body.id}`)).status).toBe(404);
  });
});

describe('lists, calendar and queue', () => {
  it('lists with filters and cursor paging', async () => {
    const ws = await api('POST', `/orgs/${s.orgId}/workspaces`, { name: 'List brand', timezone: 'UTC' });
    const ch = await api('POST', `/workspaces/${ws.body.id}/channels/sandbox`, { name: 'L' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api('POST', `/workspaces/${ws.body.id}/posts`, { text: `p${i}`, channelIds: [ch.body.id] })).body.id);
    const scheduled = await api('POST', `/workspaces/${ws.body.id}/posts`, { text: 'later', channelIds: [ch.body.id], scheduledAt: new Date(Date.now() + 86_400_000).toISOString() });
    const page1 = await api('GET', `/workspaces/${ws.body.id}/posts?limit=4`);
    expect(page1.body.items).toHaveLength(4);
    expect(page1.body.items[0].id).toBe(scheduled.body.id);
    const page2 = await api('GET', `/workspaces/${ws.body.id}/posts?limit=4&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items).toHaveLength(2);
    expect(page2.body.nextCursor).toBeNull();
    expect(new Set([...page1.body.items, ...page2.body.items].map((p: any) => p.id)).size).toBe(6);
    const drafts = await api('GET', `/workspaces/${ws.body.id}/posts?status=draft&limit=100`);
    expect(drafts.body.items.map((p: any) => p.id).sort()).toEqual([...ids].sort());
    expect((await api('GET', `/workspaces/${ws.body.id}/posts?cursor=bogus`)).body.error.code).toBe('invalid_cursor');
  });

  it('groups the calendar by local day in the workspace time zone (Asia/Kolkata, +05:30)', async () => {
    // 20:00 UTC on Dec 1 is 01:30 on Dec 2 in Kolkata.
    const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: 'midnight snack', channelIds: [s.channelIds[0]], scheduledAt: '2030-12-01T20:00:00Z' });
    const cal = await api('GET', `/workspaces/${s.workspaceId}/calendar?from=2030-12-01&to=2030-12-02`);
    expect(cal.status).toBe(200);
    expect(cal.body.timezone).toBe('Asia/Kolkata');
    expect(cal.body.days.map((d: any) => [d.date, d.posts.map((p: any) => p.id)])).toEqual([
      ['2030-12-01', []],
      ['2030-12-02', [created.body.id]],
    ]);
    expect((await api('GET', `/workspaces/${s.workspaceId}/calendar?from=2030-01-01&to=2030-06-01`)).body.error.code).toBe('range_too_long');
    expect((await api('GET', `/workspaces/${s.workspaceId}/calendar?from=2030-13-01&to=2030-12-02`)).status).toBe(400);
  });

  it('keeps calendar days right across a DST change (Europe/Berlin, 2030-03-31)', async () => {
    const ws = await api('POST', `/orgs/${s.orgId}/workspaces`, { name: 'Berlin', timezone: 'Europe/Berlin' });
    const ch = await api('POST', `/workspaces/${ws.body.id}/channels/sandbox`, { name: 'B' });
    // 23:30 UTC on Mar 30 is 00:30 CET on Mar 31; 22:30 UTC on Mar 31 is 00:30 CEST on Apr 1.
    const a = await api('POST', `/workspaces/${ws.body.id}/posts`, { text: 'a', channelIds: [ch.body.id], scheduledAt: '2030-03-30T23:30:00Z' });
    const b = await api('POST', `/workspaces/${ws.body.id}/posts`, { text: 'b', channelIds: [ch.body.id], scheduledAt: '2030-03-31T22:30:00Z' });
    const cal = await api('GET', `/workspaces/${ws.body.id}/calendar?from=2030-03-30&to=2030-04-01`);
    expect(cal.body.days.map((d: any) => [d.date, d.posts.map((p: any) => p.id)])).toEqual([
      ['2030-03-30', []],
      ['2030-03-31', [a.body.id]],
      ['2030-04-01', [b.body.id]],
    ]);
  });

  it('queues posts into the next free posting slots', async () => {
    const ws = await api('POST', `/orgs/${s.orgId}/workspaces`, { name: 'Queue', timezone: 'Asia/Kolkata' });
    const ch = await api('POST', `/workspaces/${ws.body.id}/channels/sandbox`, { name: 'Q' });
    const allWeek = [1, 2, 3, 4, 5, 6, 7].flatMap((weekday) => [{ weekday, time: '09:30' }, { weekday, time: '17:00' }]);
    expect((await api('PUT', `/channels/${ch.body.id}/slots`, { slots: allWeek })).status).toBe(200);
    const first = await api('POST', `/workspaces/${ws.body.id}/posts`, { text: 'one', channelIds: [ch.body.id] });
    const second = await api('POST', `/workspaces/${ws.body.id}/posts`, { text: 'two', channelIds: [ch.body.id] });
    const q1 = await api('POST', `/posts/${first.body.id}/queue`);
    const q2 = await api('POST', `/posts/${second.body.id}/queue`);
    expect(q1.status).toBe(200);
    expect(q1.body.status).toBe('scheduled');
    const at1 = new Date(q1.body.scheduledAt);
    const at2 = new Date(q2.body.scheduledAt);
    expect(at2.getTime()).toBeGreaterThan(at1.getTime());
    for (const at of [at1, at2]) {
      const local = at.toLocaleTimeString('en-GB', { timeZone: 'Asia/Kolkata', hour: '2-digit', minute: '2-digit' });
      expect(['09:30', '17:00']).toContain(local);
    }
    const noSlots = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: 'x', channelIds: [s.channelIds[0]] });
    expect((await api('POST', `/posts/${noSlots.body.id}/queue`)).body.error.code).toBe('no_free_slot');
  });
});
