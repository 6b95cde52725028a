import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { posts } from '../src/db/schema.js';
import { jobHandlers } from '../src/jobs/handlers.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { eventually, ownerWithWorkspace } from './helpers/workspace.js';

/**
 * The calendar's columns on `posts` (calendar_at, platforms, in_flight) stay true through every move
 * of the state machine, with a real worker publishing to the sandbox; and the calendar answers from them.
 */
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;

let t: TestApp;
let s: Owner;
/** A Herald whose sandbox always fails for a while: its targets wait in `retrying`. */
let flaky: TestApp;
let f: Owner;

beforeAll(async () => {
  t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '100000', HERALD_PUBLISH_RETRY_BASE_MS: '100' });
  await t.runtime.queue.work(jobHandlers(t.runtime));
  s = await ownerWithWorkspace(t.app, { sandboxChannels: 2 });
  flaky = await createTestApp({ HERALD_SANDBOX_FAILURE_RATE: '1', HERALD_PUBLISH_RETRY_BASE_MS: '600000', HERALD_PUBLISH_MAX_ATTEMPTS: '5' });
  await flaky.runtime.queue.work(jobHandlers(flaky.runtime));
  f = await ownerWithWorkspace(flaky.app, { sandboxChannels: 1 });
});
afterAll(async () => {
  await t?.close();
  await flaky?.close();
});

const api = (app: TestApp, o: Owner, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>) =>
  call(app.app, method, `/api/v1${url}`, { token: o.token, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });

async function columns(app: TestApp, postId: string) {
  const [row] = await app.runtime.db
    .select({ status: posts.status, calendarAt: posts.calendarAt, platforms: posts.platforms, inFlight: posts.inFlight })
    .from(posts)
    .where(eq(posts.id, postId));
  return row;
}

/** The calendar cell of a post, looking across [from, to]; undefined when the calendar does not show it. */
async function cell(app: TestApp, o: Owner, postId: string, from: string, to: string) {
  const res = await api(app, o, 'GET', `/workspaces/${o.workspaceId}/calendar?from=${from}&to=${to}`);
  expect(res.status).toBe(200);
  for (const day of res.body.days) {
    const post = day.posts.find((p: any) => p.id === postId);
    if (post) return { date: day.date as string, ...post };
  }
  return undefined;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const inDays = (n: number, hour = 10) => {
  const d = new Date(Date.now() + n * 86_400_000);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
};

describe('calendar columns kept by the state machine', { timeout: 60_000 }, () => {
  it('schedule, reschedule, cancel and delete move the post on the calendar', async () => {
    const from = isoDay(inDays(0));
    const to = isoDay(inDays(20));
    const draft = await api(t, s, 'POST', `/workspaces/${s.workspaceId}/posts`, { text: '  \nSpring menu\nsecond line', channelIds: s.channelIds });
    expect(await columns(t, draft.body.id)).toEqual({ status: 'draft', calendarAt: null, platforms: ['sandbox'], inFlight: false });
    expect(await cell(t, s, draft.body.id, from, to)).toBeUndefined();

    const first = inDays(3);
    expect((await api(t, s, 'POST', `/posts/${draft.body.id}/schedule`, { scheduledAt: first.toISOString() })).status).toBe(200);
    expect(await columns(t, draft.body.id)).toEqual({ status: 'scheduled', calendarAt: first, platforms: ['sandbox'], inFlight: false });
    expect(await cell(t, s, draft.body.id, from, to)).toEqual({
      date: isoDay(first),
      id: draft.body.id,
      status: 'scheduled',
      at: first.toISOString(),
      firstLine: 'Spring menu',
      platforms: ['sandbox'],
      draggable: true,
      live: false,
    });

    const second = inDays(7, 16);
    expect((await api(t, s, 'POST', `/posts/${draft.body.id}/schedule`, { scheduledAt: second.toISOString() })).status).toBe(200);
    expect((await columns(t, draft.body.id))?.calendarAt).toEqual(second);
    expect(await cell(t, s, draft.body.id, from, to)).toMatchObject({ date: isoDay(second), at: second.toISOString() });

    expect((await api(t, s, 'POST', `/posts/${draft.body.id}/cancel`)).status).toBe(200);
    expect(await columns(t, draft.body.id)).toEqual({ status: 'draft', calendarAt: null, platforms: ['sandbox'], inFlight: false });
    expect(await cell(t, s, draft.body.id, from, to)).toBeUndefined();

    // Editing away a channel re-derives the platforms; scheduling again brings it back, deleting removes it.
    expect((await api(t, s, 'PATCH', `/posts/${draft.body.id}`, { channelIds: [s.channelIds[1]] })).status).toBe(200);
    expect((await columns(t, draft.body.id))?.platforms).toEqual(['sandbox']);
    expect((await api(t, s, 'POST', `/posts/${draft.body.id}/schedule`, { scheduledAt: first.toISOString() })).status).toBe(200);
    expect(await cell(t, s, draft.body.id, from, to)).toMatchObject({ date: isoDay(first) });
    expect((await api(t, s, 'DELETE', `/posts/${draft.body.id}`)).status).toBe(204);
    expect(await cell(t, s, draft.body.id, from, to)).toBeUndefined();
  });

  it('a published post sits at its publish time, no longer draggable or live', async () => {
    const created = await api(t, s, 'POST', `/workspaces/${s.workspaceId}/posts`, { text: 'Out now', channelIds: s.channelIds, publishNow: true });
    expect(created.status).toBe(201);
    const published = await eventually(async () => {
      const res = await api(t, s, 'GET', `/posts/${created.body.id}`);
      return res.body.status === 'published' ? res.body : undefined;
    });
    const row = await columns(t, created.body.id);
    expect(row).toEqual({ status: 'published', calendarAt: new Date(published.publishedAt), platforms: ['sandbox'], inFlight: false });
    const day = isoDay(new Date(published.publishedAt));
    expect(await cell(t, s, created.body.id, day, day)).toMatchObject({ status: 'published', at: published.publishedAt, draggable: false, live: false });
  });

  it('a target waiting for a retry makes the post live until it is cancelled', async () => {
    const created = await api(flaky, f, 'POST', `/workspaces/${f.workspaceId}/posts`, { text: 'Try again', channelIds: f.channelIds, publishNow: true });
    expect(created.status).toBe(201);
    await eventually(async () => ((await api(flaky, f, 'GET', `/posts/${created.body.id}`)).body.targets[0].status === 'retrying' ? true : undefined));
    expect(await columns(flaky, created.body.id)).toMatchObject({ status: 'publishing', inFlight: true });
    const day = isoDay(new Date(created.body.scheduledAt));
    expect(await cell(flaky, f, created.body.id, day, day)).toMatchObject({ status: 'publishing', live: true, draggable: false });

    expect((await api(flaky, f, 'POST', `/posts/${created.body.id}/cancel`)).status).toBe(200);
    expect(await columns(flaky, created.body.id)).toEqual({ status: 'draft', calendarAt: null, platforms: ['sandbox'], inFlight: false });
  });
});

describe('calendar answers', () => {
  it('keeps the earliest perDay posts of each day and gives every day its total', async () => {
    const ws = await api(t, s, 'POST', `/orgs/${s.orgId}/workspaces`, { name: 'Busy', timezone: 'UTC' });
    const ch = await api(t, s, 'POST', `/workspaces/${ws.body.id}/channels/sandbox`, { name: 'Busy' });
    const busy = { ...s, workspaceId: ws.body.id as string };
    const day = inDays(5);
    const ids: string[] = [];
    for (const minute of [50, 10, 40, 0, 30, 20]) {
      const at = new Date(day.getTime() + minute * 60_000).toISOString();
      ids[minute / 10] = (await api(t, busy, 'POST', `/workspaces/${busy.workspaceId}/posts`, { text: `at ${minute}`, channelIds: [ch.body.id], scheduledAt: at })).body.id;
    }
    const next = isoDay(inDays(6));
    const limited = await api(t, busy, 'GET', `/workspaces/${busy.workspaceId}/calendar?from=${isoDay(day)}&to=${next}&perDay=4`);
    expect(limited.body.days.map((d: any) => [d.date, d.total, d.posts.map((p: any) => p.id)])).toEqual([
      [isoDay(day), 6, ids.slice(0, 4)],
      [next, 0, []],
    ]);
    const all = await api(t, busy, 'GET', `/workspaces/${busy.workspaceId}/calendar?from=${isoDay(day)}&to=${isoDay(day)}`);
    expect(all.body.days[0].posts.map((p: any) => p.id)).toEqual(ids);
    expect(all.body.days[0].total).toBe(6);
    for (const bad of ['0', '-1', 'x', '1001']) {
      expect((await api(t, busy, 'GET', `/workspaces/${busy.workspaceId}/calendar?from=${isoDay(day)}&to=${isoDay(day)}&perDay=${bad}`)).status).toBe(400);
    }
  });

  it('sends an unchanged range again from its rendered answer (the digest is read, not the rows); a change renders anew', async () => {
    const ws = await api(t, s, 'POST', `/orgs/${s.orgId}/workspaces`, { name: 'Rendered', timezone: 'Europe/Paris' });
    const ch = await api(t, s, 'POST', `/workspaces/${ws.body.id}/channels/sandbox`, { name: 'R' });
    const o = { ...s, workspaceId: ws.body.id as string };
    const month = `/workspaces/${o.workspaceId}/calendar?from=2031-05-01&to=2031-05-31`;
    const post = await api(t, o, 'POST', `/workspaces/${o.workspaceId}/posts`, { text: 'May', channelIds: [ch.body.id], scheduledAt: '2031-05-10T09:00:00Z' });
    const statementsOf = async () => {
      const before = t.runtime.database.statements();
      const res = await api(t, o, 'GET', month);
      expect(res.status).toBe(200);
      return { res, statements: t.runtime.database.statements() - before };
    };
    const first = await statementsOf();
    expect(first.statements).toBe(2);
    const again = await statementsOf();
    expect(again.statements).toBe(1);
    expect(again.res.headers.etag).toBe(first.res.headers.etag);
    expect(again.res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(again.res.body).toEqual(first.res.body);
    expect(again.res.body.days[9].posts[0].firstLine).toBe('May');

    expect((await api(t, o, 'PATCH', `/posts/${post.body.id}`, { text: 'May, edited' })).status).toBe(200);
    const edited = await statementsOf();
    expect(edited.statements).toBe(2);
    expect(edited.res.headers.etag).not.toBe(first.res.headers.etag);
    expect(edited.res.body.days[9].posts[0].firstLine).toBe('May, edited');
  });

  it('answers 304 to If-None-Match while nothing in the range changed, and a new ETag when something did', async () => {
    const ws = await api(t, s, 'POST', `/orgs/${s.orgId}/workspaces`, { name: 'Etag', timezone: 'Asia/Kolkata' });
    const ch = await api(t, s, 'POST', `/workspaces/${ws.body.id}/channels/sandbox`, { name: 'E' });
    const o = { ...s, workspaceId: ws.body.id as string };
    const month = `/workspaces/${o.workspaceId}/calendar?from=2031-03-01&to=2031-03-31&perDay=4`;
    const post = await api(t, o, 'POST', `/workspaces/${o.workspaceId}/posts`, { text: 'March', channelIds: [ch.body.id], scheduledAt: '2031-03-10T09:00:00Z' });

    const first = await api(t, o, 'GET', month);
    expect(first.status).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    const again = await api(t, o, 'GET', month, undefined, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect((await api(t, o, 'GET', month, undefined, { 'if-none-match': `"other", W/${etag}` })).status).toBe(304);
    expect((await api(t, o, 'GET', `/workspaces/${o.workspaceId}/calendar?from=2031-03-01&to=2031-03-31`, undefined, { 'if-none-match': etag })).status).toBe(200);

    // A post outside the range changes nothing; an edit, a new post or a deletion inside it does.
    await api(t, o, 'POST', `/workspaces/${o.workspaceId}/posts`, { text: 'April', channelIds: [ch.body.id], scheduledAt: '2031-04-10T09:00:00Z' });
    expect((await api(t, o, 'GET', month, undefined, { 'if-none-match': etag })).status).toBe(304);
    expect((await api(t, o, 'PATCH', `/posts/${post.body.id}`, { text: 'March, edited' })).status).toBe(200);
    const edited = await api(t, o, 'GET', month, undefined, { 'if-none-match': etag });
    expect(edited.status).toBe(200);
    expect(edited.body.days[9].posts[0].firstLine).toBe('March, edited');
    const etag2 = edited.headers.etag as string;
    expect(etag2).not.toBe(etag);
    const added = await api(t, o, 'POST', `/workspaces/${o.workspaceId}/posts`, { text: 'More March', channelIds: [ch.body.id], scheduledAt: '2031-03-20T09:00:00Z' });
    const withAdded = await api(t, o, 'GET', month, undefined, { 'if-none-match': etag2 });
    expect(withAdded.status).toBe(200);
    expect((await api(t, o, 'DELETE', `/posts/${added.body.id}`)).status).toBe(204);
    const afterDelete = await api(t, o, 'GET', month, undefined, { 'if-none-match': withAdded.headers.etag as string });
    expect(afterDelete.status).toBe(200);
    // Back to the same posts in the same versions: the same ETag as before the addition.
    expect(afterDelete.headers.etag).toBe(etag2);

    // A new time zone regroups the days: a new ETag.
    expect((await api(t, o, 'PATCH', `/workspaces/${o.workspaceId}`, { timezone: 'UTC' })).status).toBe(200);
    expect((await api(t, o, 'GET', month, undefined, { 'if-none-match': etag2 })).status).toBe(200);
  });
});
