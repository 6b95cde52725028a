import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { jobHandlers } from '../src/jobs/handlers.js';
import { startPublishingWorker } from '../src/modules/publishing/worker.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { eventually, ownerWithWorkspace } from './helpers/workspace.js';

const apps: TestApp[] = [];
const stops: (() => void)[] = [];
afterAll(async () => {
  for (const stop of stops) stop();
  await Promise.all(apps.map((a) => a.close()));
});

async function start(env: Record<string, string>) {
  const t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '100000', HERALD_PUBLISH_RETRY_BASE_MS: '50', ...env });
  apps.push(t);
  await t.runtime.queue.work(jobHandlers(t.runtime));
  return t;
}

describe('platform failures', () => {
  it('retries injected transient failures until the post goes out, exactly once', async () => {
    const t = await start({ HERALD_SANDBOX_FAILURE_RATE: '0.4', HERALD_PUBLISH_MAX_ATTEMPTS: '30' });
    const s = await ownerWithWorkspace(t.app, { sandboxChannels: 3 });
    const api = (method: 'GET' | 'POST', url: string, body?: unknown) => call(t.app, method, `/api/v1${url}`, { token: s.token, ...(body === undefined ? {} : { body }) });
    const texts: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const text = `Retry me ${i} ${randomUUID()}`;
      texts.push(text);
      const res = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text, channelIds: s.channelIds, publishNow: true });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const posts = await eventually(async () => {
      const all = await Promise.all(ids.map(async (id) => (await api('GET', `/posts/${id}`)).body));
      return all.every((p) => p.status === 'published') ? all : undefined;
    }, 80_000);
    const outcomes = posts.flatMap((p) => p.attempts.map((a: any) => a.outcome));
    // 12 targets at a 40 % failure rate: some attempts failed, and were retried.
    expect(outcomes.filter((o: string) => o === 'transient').length).toBeGreaterThan(0);
    expect(outcomes.filter((o: string) => o === 'published')).toHaveLength(12);
    for (const channelId of s.channelIds) {
      const feed = (await api('GET', `/channels/${channelId}/sandbox/feed?limit=100`)).body.items as { text: string }[];
      for (const text of texts) expect(feed.filter((r) => r.text === text)).toHaveLength(1);
    }
  }, 90_000);

  it('gives up after the attempt limit with the platform’s message', async () => {
    const t = await start({ HERALD_SANDBOX_FAILURE_RATE: '1', HERALD_PUBLISH_MAX_ATTEMPTS: '3' });
    const s = await ownerWithWorkspace(t.app);
    const created = await call(t.app, 'POST', `/api/v1/workspaces/${s.workspaceId}/posts`, { token: s.token, body: { text: 'doomed', channelIds: s.channelIds, publishNow: true } });
    const post = await eventually(async () => {
      const p = (await call(t.app, 'GET', `/api/v1/posts/${created.body.id}`, { token: s.token })).body;
      return p.status === 'failed' ? p : undefined;
    });
    expect(post.targets[0].lastError.message).toMatch(/Gave up after 3 attempts: The sandbox simulated a temporary outage/);
    expect(post.attempts.map((a: any) => a.outcome)).toEqual(['transient', 'transient', 'transient']);
  }, 60_000);

  it('aborts a call that outlives its deadline: a slow platform answering after the lease never gets the post twice', async () => {
    // Calls take 2–6 s; the deadline is half the 4 s lease. Without aborting, calls still running at
    // the lease's end land after the reconciler found nothing and retried: a double post.
    const t = await start({ HERALD_SANDBOX_LATENCY_MS: '4000', HERALD_PUBLISH_LEASE_SECONDS: '4', HERALD_PUBLISH_SWEEP_SECONDS: '1', HERALD_PUBLISH_MAX_ATTEMPTS: '2' });
    stops.push(await startPublishingWorker(t.runtime));
    const s = await ownerWithWorkspace(t.app, { sandboxChannels: 3 });
    const api = (method: 'GET' | 'POST', url: string, body?: unknown) => call(t.app, method, `/api/v1${url}`, { token: s.token, ...(body === undefined ? {} : { body }) });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      ids.push((await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: `Slow ${i} ${randomUUID()}`, channelIds: s.channelIds, publishNow: true })).body.id);
    }
    const posts = await eventually(async () => {
      const all = await Promise.all(ids.map(async (id) => (await api('GET', `/posts/${id}`)).body));
      return all.every((p) => p.targets.every((x: { status: string }) => ['published', 'failed', 'needs_review'].includes(x.status))) ? all : undefined;
    }, 60_000);
    // Leave time for any abandoned call to land (the slowest takes 6 s).
    await new Promise((r) => setTimeout(r, 6500));
    for (const post of posts) {
      for (const target of post.targets) {
        const feed = (await api('GET', `/channels/${target.channelId}/sandbox/feed?limit=100`)).body.items as { id: string; text: string }[];
        const copies = feed.filter((r) => r.text === post.text);
        expect(copies.length, `${post.text} on ${target.channelId}`).toBe(target.status === 'published' ? 1 : 0);
      }
      // Every call was cut at the deadline and ended as an unknown outcome, then checked: none went out.
      expect(post.attempts.map((a: any) => a.outcome)).toContain('unknown_outcome');
    }
  }, 90_000);

  it('does not send a call whose wait for a platform slot used up its deadline', async () => {
    // One call at a time, 0.5–1.5 s each, 8 targets claimed at once: the last ones wait longer than the
    // 4 s lease. Sent anyway, they would land after the reconciler had found nothing and retried.
    const t = await start({ HERALD_SANDBOX_CONCURRENCY: '1', HERALD_SANDBOX_LATENCY_MS: '1000', HERALD_PUBLISH_LEASE_SECONDS: '4', HERALD_PUBLISH_SWEEP_SECONDS: '1', HERALD_PUBLISH_MAX_ATTEMPTS: '30' });
    stops.push(await startPublishingWorker(t.runtime));
    const s = await ownerWithWorkspace(t.app, { sandboxChannels: 4 });
    const api = (method: 'GET' | 'POST', url: string, body?: unknown) => call(t.app, method, `/api/v1${url}`, { token: s.token, ...(body === undefined ? {} : { body }) });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      ids.push((await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: `Queued ${i} ${randomUUID()}`, channelIds: s.channelIds, publishNow: true })).body.id);
    }
    const posts = await eventually(async () => {
      const all = await Promise.all(ids.map(async (id) => (await api('GET', `/posts/${id}`)).body));
      return all.every((p) => p.targets.every((x: { status: string }) => x.status === 'published')) ? all : undefined;
    }, 80_000);
    await new Promise((r) => setTimeout(r, 2000));
    for (const post of posts) {
      for (const target of post.targets) {
        const feed = (await api('GET', `/channels/${target.channelId}/sandbox/feed?limit=100`)).body.items as { id: string; text: string }[];
        const copies = feed.filter((r) => r.text === post.text);
        expect(copies.map((c) => c.id), `${post.text} on ${target.channelId}`).toEqual([target.platformPostId]);
      }
    }
  }, 100_000);
});
