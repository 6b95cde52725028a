import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobHandlers } from '../src/jobs/handlers.js';
import { startPublishingWorker } from '../src/modules/publishing/worker.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { eventually, ownerWithWorkspace } from './helpers/workspace.js';

/**
 * The publishing pipeline end to end, through the API, a real worker (pg-boss on the test database)
 * and the sandbox platform, whose feed shows exactly what "went out".
 */
const ENV = { AUTH_RATE_LIMIT_MAX: '100000', HERALD_PUBLISH_RETRY_BASE_MS: '100', HERALD_PUBLISH_SWEEP_SECONDS: '1', HERALD_PUBLISH_LEASE_SECONDS: '4' };

let t: TestApp;
let stopSweeper: () => void;
let s: Awaited<ReturnType<typeof ownerWithWorkspace>>;

beforeAll(async () => {
  t = await createTestApp(ENV);
  await t.runtime.queue.work(jobHandlers(t.runtime));
  stopSweeper = await startPublishingWorker(t.runtime);
  s = await ownerWithWorkspace(t.app, { sandboxChannels: 2 });
});
afterAll(async () => {
  stopSweeper?.();
  await t?.close();
});

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
  call(t.app, method, `/api/v1${url}`, { token: s.token, ...(body === undefined ? {} : { body }) });

async function feed(channelId: string) {
  const res = await api('GET', `/channels/${channelId}/sandbox/feed?limit=100`);
  expect(res.status).toBe(200);
  return res.body.items as { id: string; text: string; idempotencyKey: string }[];
}

async function settled(postId: string, statuses = ['published', 'failed', 'partially_published', 'needs_attention']) {
  return eventually(async () => {
    const res = await api('GET', `/posts/${postId}`);
    return statuses.includes(res.body.status) ? res.body : undefined;
  });
}

describe('scheduled publishing', { timeout: 60_000 }, () => {
  it('publishes a post scheduled 2 s ahead, once per channel', async () => {
    const text = `Fresh bread at nine ${randomUUID()}`;
    const scheduledAt = new Date(Date.now() + 2000).toISOString();
    const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text, channelIds: s.channelIds, scheduledAt });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('scheduled');
    expect(created.body.targets.map((x: any) => x.status)).toEqual(['scheduled', 'scheduled']);

    const post = await settled(created.body.id);
    expect(post.status).toBe('published');
    for (const target of post.targets) {
      expect(target.status).toBe('published');
      expect(target.platformPostId).toEqual(expect.any(String));
      expect(target.permalink).toContain(target.platformPostId);
      expect(new Date(target.publishedAt).getTime()).toBeGreaterThanOrEqual(Date.parse(scheduledAt));
      const rows = (await feed(target.channelId)).filter((r) => r.text === text);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.id).toBe(target.platformPostId);
    }
    expect(post.attempts).toHaveLength(2);
    expect(post.attempts.every((a: any) => a.outcome === 'published' && a.finishedAt)).toBe(true);
  });

  it('honours a reschedule made after the job was enqueued: the old job does nothing', async () => {
    const text = `Rescheduled ${randomUUID()}`;
    const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text, channelIds: [s.channelIds[0]], scheduledAt: new Date(Date.now() + 1500).toISOString() });
    const later = new Date(Date.now() + 4000);
    const moved = await api('POST', `/posts/${created.body.id}/schedule`, { scheduledAt: later.toISOString() });
    expect(moved.status).toBe(200);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await feed(s.channelIds[0]!)).filter((r) => r.text === text)).toHaveLength(0);
    const post = await settled(created.body.id);
    expect(post.status).toBe('published');
    expect(new Date(post.publishedAt).getTime()).toBeGreaterThanOrEqual(later.getTime());
    expect((await feed(s.channelIds[0]!)).filter((r) => r.text === text)).toHaveLength(1);
  });

  it('cancelling after enqueue sends nothing and leaves a draft', async () => {
    const text = `Cancelled ${randomUUID()}`;
    const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text, channelIds: s.channelIds, scheduledAt: new Date(Date.now() + 1500).toISOString() });
    const cancelled = await api('POST', `/posts/${created.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('draft');
    await new Promise((r) => setTimeout(r, 3000));
    expect((await api('GET', `/posts/${created.body.id}`)).body.status).toBe('draft');
    for (const id of s.channelIds) expect((await feed(id)).filter((r) => r.text === text)).toHaveLength(0);
    // Cancelling again is refused clearly.
    expect((await api('POST', `/posts/${created.body.id}/cancel`)).body.error.code).toBe('not_scheduled');
  });

  it('publishes now', async () => {
    const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: `Now ${randomUUID()}`, channelIds: [s.channelIds[1]], publishNow: true });
    expect(created.status).toBe(201);
    expect((await settled(created.body.id)).status).toBe('published');
  });

  it('keeps a post’s status true when many of its targets settle at the same moment', async () => {
    const wide = await ownerWithWorkspace(t.app, { sandboxChannels: 8 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(t.app, 'POST', `/api/v1/workspaces/${wide.workspaceId}/posts`, {
        token: wide.token,
        body: { text: `Wide ${i} ${randomUUID()}`, channelIds: wide.channelIds, publishNow: true },
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    for (const id of ids) {
      const post = await eventually(async () => {
        const p = (await call(t.app, 'GET', `/api/v1/posts/${id}`, { token: wide.token })).body;
        return p.targets.every((x: { status: string }) => x.status === 'published') ? p : undefined;
      });
      // Read after every target committed: the post must agree with its targets.
      expect(post.status).toBe('published');
    }
  });

  it('deletes a published post from the platform, keeping its history', async () => {
    const text = `Gone soon ${randomUUID()}`;
    const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text, channelIds: s.channelIds, publishNow: true });
    const post = await settled(created.body.id);
    expect(post.status).toBe('published');
    const one = await api('POST', `/posts/${created.body.id}/unpublish`, { channelIds: [s.channelIds[0]] });
    expect(one.status).toBe(200);
    expect(one.body.results).toEqual([{ channelId: s.channelIds[0], outcome: 'deleted', message: null }]);
    expect((await feed(s.channelIds[0]!)).filter((r) => r.text === text)).toHaveLength(0);
    expect((await feed(s.channelIds[1]!)).filter((r) => r.text === text)).toHaveLength(1);
    // Still published on the other channel; the removed target keeps its permalink as history.
    expect(one.body.post.status).toBe('published');
    const removed = one.body.post.targets.find((x: any) => x.channelId === s.channelIds[0]);
    expect(removed).toMatchObject({ status: 'deleted', permalink: expect.any(String) });
    const all = await api('POST', `/posts/${created.body.id}/unpublish`, {});
    expect(all.body.results.map((r: any) => r.outcome)).toEqual(['deleted']);
    expect(all.body.post.status).toBe('deleted');
    expect(all.body.post.publishedAt).toBe(post.publishedAt);
    expect((await api('PATCH', `/posts/${created.body.id}`, { text: 'changed' })).body.error.code).toBe('post_locked');
    const again = await api('POST', `/posts/${created.body.id}/unpublish`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('nothing_to_delete');
  });

  it('refuses scheduling in the past', async () => {
    const res = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: 'late', channelIds: s.channelIds, scheduledAt: new Date(Date.now() - 60_000).toISOString() });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('scheduled_in_past');
  });

  it('refuses to delete or edit what went out, and duplicates it into a draft', async () => {
    const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: `Out ${randomUUID()}`, channelIds: [s.channelIds[0]], publishNow: true });
    await settled(created.body.id);
    expect((await api('DELETE', `/posts/${created.body.id}`)).body.error.code).toBe('post_not_deletable');
    expect((await api('PATCH', `/posts/${created.body.id}`, { text: 'changed' })).body.error.code).toBe('post_locked');
    const copy = await api('POST', `/posts/${created.body.id}/duplicate`);
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ status: 'draft', text: created.body.text });
  });
});
