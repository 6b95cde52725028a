import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobHandlers } from '../src/jobs/handlers.js';
import { notifyPostChanged } from '../src/modules/events/notify.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { eventually, ownerWithWorkspace } from './helpers/workspace.js';

/**
 * The live-update stream: `GET /workspaces/{id}/events` over real HTTP, fed by LISTEN/NOTIFY from the
 * transactions that change a post's status (the publisher's included).
 */
const ENV = { AUTH_RATE_LIMIT_MAX: '100000' };

let t: TestApp;
let base: string;
let s: Awaited<ReturnType<typeof ownerWithWorkspace>>;

interface Heard {
  event: string;
  data: any;
}

/** Opens the stream and collects its events until `close()`. */
async function listen(workspaceId: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(`${base}/api/v1/workspaces/${workspaceId}/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  const heard: Heard[] = [];
  let ended = false;
  if (response.ok && response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) heard.push({ event, data: JSON.parse(data) });
          }
        }
      } catch {
        // aborted by close()
      }
      ended = true;
    })();
  }
  return { response, heard, ended: () => ended, close: () => controller.abort() };
}

beforeAll(async () => {
  t = await createTestApp(ENV);
  await t.runtime.queue.work(jobHandlers(t.runtime));
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  s = await ownerWithWorkspace(t.app);
});
afterAll(async () => t?.close());

const api = (method: 'GET' | 'POST', url: string, body?: unknown) => call(t.app, method, `/api/v1${url}`, { token: s.token, ...(body === undefined ? {} : { body }) });

describe('workspace event stream', { timeout: 60_000 }, () => {
  it('streams a post going from scheduled to published, and nothing of another workspace', async () => {
    const other = await api('POST', `/orgs/${s.orgId}/workspaces`, { name: 'Other brand', timezone: 'UTC' });
    expect(other.status).toBe(201);
    const mine = await listen(s.workspaceId, s.token);
    const theirs = await listen(other.body.id, s.token);
    expect(mine.response.status).toBe(200);
    expect(mine.response.headers.get('content-type')).toContain('text/event-stream');
    await eventually(async () => (mine.heard.some((h) => h.event === 'ready') && theirs.heard.some((h) => h.event === 'ready') ? true : undefined));

    const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: `Live ${randomUUID()}`, channelIds: s.channelIds });
    expect(created.status).toBe(201);
    const postId = created.body.id as string;
    expect((await api('POST', `/posts/${postId}/publish-now`)).status).toBe(200);

    const published = await eventually(async () => mine.heard.find((h) => h.event === 'post' && h.data.postId === postId && h.data.status === 'published'));
    expect(published.data).toEqual({ postId, status: 'published' });
    // Scheduling announced itself first (the publish-now transaction recomputed the status).
    expect(mine.heard.some((h) => h.event === 'post' && h.data.postId === postId && h.data.status === 'scheduled')).toBe(true);
    expect(theirs.heard.filter((h) => h.event === 'post')).toEqual([]);
    mine.close();
    theirs.close();
  });

  it('announces a change only when its transaction commits', async () => {
    const created = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: `Rolled back ${randomUUID()}`, channelIds: s.channelIds });
    const postId = created.body.id as string;
    const stream = await listen(s.workspaceId, s.token);
    await eventually(async () => (stream.heard.some((h) => h.event === 'ready') ? true : undefined));

    await t.runtime.db
      .transaction(async (tx) => {
        await notifyPostChanged(tx, postId);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await t.runtime.db.transaction(async (tx) => notifyPostChanged(tx, postId));

    const heard = await eventually(async () => stream.heard.filter((h) => h.event === 'post' && h.data.postId === postId).length > 0 ? stream.heard.filter((h) => h.event === 'post' && h.data.postId === postId) : undefined);
    // Give a rolled-back notification every chance to show up late: one more committed change must arrive after it.
    await t.runtime.db.transaction(async (tx) => notifyPostChanged(tx, postId));
    await eventually(async () => (stream.heard.filter((h) => h.event === 'post' && h.data.postId === postId).length === 2 ? true : undefined));
    expect(heard[0]!.data).toEqual({ postId, status: 'draft' });
    expect(stream.heard.filter((h) => h.event === 'post' && h.data.postId === postId)).toHaveLength(2);
    stream.close();
  });

  it('refuses anonymous callers and other organizations’ members', async () => {
    const anonymous = await fetch(`${base}/api/v1/workspaces/${s.workspaceId}/events`);
    expect(anonymous.status).toBe(401);
    await anonymous.text();
    const stranger = await ownerWithWorkspace(t.app);
    const foreign = await listen(s.workspaceId, stranger.token);
    expect(foreign.response.status).toBe(404);
    expect(((await foreign.response.json()) as any).error.code).toBe('not_found');
  });

  it('ends its streams when the server closes', async () => {
    const stream = await listen(s.workspaceId, s.token);
    await eventually(async () => (stream.heard.some((h) => h.event === 'ready') ? true : undefined));
    const app = t.app;
    await app.close();
    await eventually(async () => (stream.ended() ? true : undefined), 10_000);
  });
});
