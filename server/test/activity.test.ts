import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobHandlers } from '../src/jobs/handlers.js';
import { lockPostsOfTargets } from '../src/modules/publishing/post-state.repo.js';
import { reconcileTarget } from '../src/modules/publishing/reconciler.js';
import * as repo from '../src/modules/publishing/repo.js';
import { settle } from '../src/modules/publishing/settle.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { eventually, ownerWithWorkspace } from './helpers/workspace.js';

/**
 * The activity (audit) log of posts: what a person chose (publish now is not "scheduled"), named by the
 * post's first line so the dashboard can link it, and what publishing did per channel: published with
 * the permalink, failed with the platform's message, or handed to a person for review.
 */
let t: TestApp;
let s: Awaited<ReturnType<typeof ownerWithWorkspace>>;

beforeAll(async () => {
  t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '100000', HERALD_PUBLISH_RETRY_BASE_MS: '100' });
  await t.runtime.queue.work(jobHandlers(t.runtime));
  s = await ownerWithWorkspace(t.app, { sandboxChannels: 3 });
});
afterAll(async () => t?.close());

const api = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) => call(t.app, method, `/api/v1${url}`, { token: s.token, ...(body === undefined ? {} : { body }) });

async function entriesOf(postId: string): Promise<{ action: string; subjectType: string; data: Record<string, any>; actor: { id: string } | null }[]> {
  const res = await api('GET', `/orgs/${s.orgId}/audit?limit=200`);
  expect(res.status).toBe(200);
  return res.body.items.filter((e: { subjectId: string }) => e.subjectId === postId).reverse();
}

/** A post due tomorrow on one channel, claimed as a worker claims it (the attempt is open). */
async function claimedTarget(text: string, channelId: string) {
  const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text, channelIds: [channelId], scheduledAt: new Date(Date.now() + 86_400_000).toISOString() });
  expect(created.status).toBe(201);
  const targetId = created.body.targets[0].id as string;
  const [claimed] = await t.runtime.db.transaction(async (tx) => {
    await lockPostsOfTargets(tx, [targetId]);
    return repo.claimTargets(tx, [{ targetId, version: 0, attempt: 0 }], 'test-worker');
  });
  return { postId: created.body.id as string, targetId, attemptCount: claimed!.attemptCount, attemptId: claimed!.attemptId };
}

describe('activity of posts', () => {
  it('records publish now as publish now, naming the post, then each channel’s result with its permalink', async () => {
    const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: '  Spring menu is here  \nwith a second line', channelIds: s.channelIds.slice(0, 2), publishNow: true });
    expect(created.status).toBe(201);
    const postId = created.body.id as string;
    const post = await eventually(async () => {
      const res = await api('GET', `/posts/${postId}`);
      return res.body.status === 'published' ? res.body : undefined;
    });

    const entries = await eventually(async () => {
      const all = await entriesOf(postId);
      return all.length >= 3 ? all : undefined;
    });
    expect(entries.map((e) => e.action)).toEqual(['post.publish_now', 'post.published', 'post.published']);
    expect(entries[0]).toMatchObject({ subjectType: 'post', actor: { id: s.owner.user.id }, data: { title: 'Spring menu is here', channels: 2 } });
    for (const target of post.targets) {
      const result = entries.find((e) => e.data.targetId === target.id);
      expect(result).toMatchObject({ actor: null, data: { title: 'Spring menu is here', channelId: target.channelId, channelName: target.channel.name, permalink: target.permalink } });
      expect(target.permalink).toMatch(/^http/);
    }
  });

  it('names the post in what people do to it: scheduling, editing, cancelling, deleting', async () => {
    const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: 'Quiet draft', channelIds: [s.channelIds[0]] });
    const postId = created.body.id as string;
    expect((await api('POST', `/posts/${postId}/schedule`, { scheduledAt: new Date(Date.now() + 86_400_000).toISOString() })).status).toBe(200);
    expect((await api('POST', `/posts/${postId}/cancel`)).status).toBe(200);
    expect((await api('DELETE', `/posts/${postId}`)).status).toBe(204);
    const entries = await entriesOf(postId);
    expect(entries.map((e) => [e.action, e.data.title])).toEqual([
      ['post.created', 'Quiet draft'],
      ['post.scheduled', 'Quiet draft'],
      ['post.cancelled', 'Quiet draft'],
      ['post.deleted', 'Quiet draft'],
    ]);
  });

  it('records a failed publish with the platform’s message', async () => {
    const c = await claimedTarget('Refused one', s.channelIds[0]!);
    await settle(t.runtime, c.targetId, c.attemptCount, c.attemptId, { kind: 'failed', error: { kind: 'rejected', message: 'The platform refused the text' } });
    const entries = await entriesOf(c.postId);
    expect(entries.map((e) => e.action)).toEqual(['post.scheduled', 'post.publish_failed']);
    expect(entries[1]!.data).toMatchObject({ title: 'Refused one', targetId: c.targetId, channelId: s.channelIds[0], error: 'The platform refused the text' });
    expect(entries[1]!.data.permalink).toBeUndefined();
  });

  it('records a post handed to a person for review, with the reason', async () => {
    const c = await claimedTarget('Unknown fate', s.channelIds[2]!);
    // The attempt's worker died and the channel is gone: Herald cannot ask whether the post went out.
    expect((await api('DELETE', `/channels/${s.channelIds[2]}`)).status).toBe(204);
    expect(await reconcileTarget(t.runtime, c.targetId, { workerDead: true })).toBe('needs_review');
    const entries = await entriesOf(c.postId);
    expect(entries.map((e) => e.action)).toEqual(['post.scheduled', 'post.needs_review']);
    expect(entries[1]!.data).toMatchObject({ title: 'Unknown fate', targetId: c.targetId, error: expect.stringContaining('could not check') });
  });
});
