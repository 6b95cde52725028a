import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Credentials } from '../../src/integrations/social/provider.js';
import { jobHandlers } from '../../src/jobs/handlers.js';
import type { JobHandlers } from '../../src/jobs/queue.js';
import type { Logger } from '../../src/lib/logger.js';
import { openChannel } from '../../src/modules/channels/publishing-access.js';
import { upload } from '../media-fixtures.js';
import { createTestApp, type TestApp } from './app.js';
import { call, type ApiResponse } from './http.js';
import type { PlatformKit } from './platform-kits.js';
import { freePort } from './process.js';
import { ownerWithWorkspace } from './workspace.js';

/**
 * A Herald on a real port (platforms that fetch media by URL must reach its signed media URLs), its
 * publishing worker running in-process with short retry delays, an owner with a workspace, and one
 * platform's kit. Everything a pipeline test does goes through Herald's HTTP API.
 */
export interface Pipeline<F> {
  kit: PlatformKit<F>;
  t: TestApp;
  publicUrl: string;
  workspaceId: string;
  api(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown): Promise<ApiResponse>;
  /** authorize → consent at the fake → callback → choose the kit's accounts → channels (created or reconnected). */
  connect(): Promise<{ connectionId: string; accounts: any[]; channels: any[] }>;
  /** POST /workspaces/{id}/media (multipart); the new media's id. */
  upload(data: Buffer, filename: string, altText?: string): Promise<string>;
  /** Creates a post for one channel, published now unless `scheduledAt` is given; its id. */
  post(channelId: string, content: { text: string; mediaIds?: string[]; scheduledAt?: Date }): Promise<string>;
  /** Polls GET /posts/{id} until its target reaches `status`; fails at once on another final status. */
  settled(postId: string, status?: 'published' | 'failed' | 'needs_reauth'): Promise<any>;
  /** The credentials Herald holds for a channel (what the platform's fake must invalidate). */
  credentialsOf(channelId: string): Promise<Credentials>;
  close(): Promise<void>;
}

const FINAL = new Set(['published', 'failed', 'needs_reauth', 'needs_review']);

/** `logger`: where Herald logs; `handlers`: the worker's job handlers, given Herald's own (a test may wrap one). */
export async function startPipeline<F>(
  makeKit: (publicUrl: string) => Promise<PlatformKit<F>>,
  opts: { logger?: Logger; handlers?: (own: JobHandlers) => JobHandlers } = {},
): Promise<Pipeline<F>> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const kit = await makeKit(publicUrl);
  const t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '100000', HERALD_PUBLIC_URL: publicUrl, HERALD_PUBLISH_RETRY_BASE_MS: '100', HTTP_TIMEOUT_MS: '5000', ...kit.env }, opts.logger ? { logger: opts.logger } : {});
  await t.app.listen({ port, host: '127.0.0.1' });
  const own = jobHandlers(t.runtime);
  await t.runtime.queue.work(opts.handlers ? opts.handlers(own) : own);
  const s = await ownerWithWorkspace(t.app, { sandboxChannels: 0 });
  const api: Pipeline<F>['api'] = (method, url, body) => call(t.app, method, `/api/v1${url}`, { token: s.token, ...(body === undefined ? {} : { body }) });

  return {
    kit,
    t,
    publicUrl,
    workspaceId: s.workspaceId,
    api,
    async connect() {
      const started = await api('POST', `/workspaces/${s.workspaceId}/channels/connect/${kit.platform}`);
      expect(started.status, JSON.stringify(started.body)).toBe(201);
      const back = await kit.consent(started.body.authorizeUrl);
      expect(`${back.origin}${back.pathname}`).toBe(`${publicUrl}/api/v1/oauth/${kit.platform}/callback`);
      // The browser follows the platform's redirect to Herald itself.
      // It carries the cookie the start set (httpOnly, SameSite=Lax: sent on this top-level redirect).
      const cookie = started.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const landed = await fetch(back, { redirect: 'manual', headers: { cookie } });
      expect(landed.status).toBe(302);
      expect(landed.headers.get('location')).toBe(`${publicUrl}/connections/${started.body.id}`);
      const view = await api('GET', `/connections/${started.body.id}`);
      expect(view.body, JSON.stringify(view.body)).toMatchObject({ status: 'authorized', platform: kit.platform, error: null });
      const done = await api('POST', `/connections/${started.body.id}/complete`, { externalIds: kit.pick });
      expect(done.status, JSON.stringify(done.body)).toBe(201);
      return { connectionId: started.body.id, accounts: view.body.accounts, channels: done.body.items };
    },
    async upload(data, filename, altText) {
      const res = await upload(t.app, s.token, s.workspaceId, { data, filename, ...(altText ? { altText } : {}) });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    },
    async post(channelId, content) {
      const when = content.scheduledAt ? { scheduledAt: content.scheduledAt.toISOString() } : { publishNow: true };
      const res = await api('POST', `/workspaces/${s.workspaceId}/posts`, { text: content.text, mediaIds: content.mediaIds ?? [], channelIds: [channelId], ...when });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    },
    async settled(postId, status = 'published') {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const post = (await api('GET', `/posts/${postId}`)).body;
        const target = post.targets[0];
        // The post row and its targets are read by two queries: read again once the target has
        // settled, so the post's derived status is the committed one.
        if (target.status === status) return (await api('GET', `/posts/${postId}`)).body;
        if (FINAL.has(target.status)) throw new Error(`target is ${target.status}, not ${status}: ${JSON.stringify(target.lastError)}`);
        if (Date.now() > deadline) throw new Error(`target still ${target.status} after 30 s: ${JSON.stringify(target.lastError)}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    },
    async credentialsOf(channelId) {
      return (await openChannel(t.runtime, s.orgId, channelId)).account.credentials;
    },
    async close() {
      await t.close();
      await kit.close();
    },
  };
}

/** A text no platform has seen (they refuse duplicates). */
export const unique = (words: string) => `${words} ${randomUUID().slice(0, 8)}`;

/** Long enough for a second, wrongly enqueued job to have run (the worker polls every second). */
export const quietPeriod = () => new Promise((r) => setTimeout(r, 1500));
