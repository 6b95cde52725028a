import type { FastifyInstance } from 'fastify';
import { call, signUp } from './http.js';

/** An owner with an organization, a workspace in `timezone`, and `sandboxChannels` sandbox channels. */
export async function ownerWithWorkspace(app: FastifyInstance, opts: { timezone?: string; sandboxChannels?: number } = {}) {
  const owner = await signUp(app);
  const token = owner.accessToken;
  const org = await call(app, 'POST', '/api/v1/orgs', { token, body: { name: 'Publishing Co' } });
  if (org.status !== 201) throw new Error(`org: ${org.status} ${JSON.stringify(org.body)}`);
  const ws = await call(app, 'POST', `/api/v1/orgs/${org.body.id}/workspaces`, { token, body: { name: 'Brand', timezone: opts.timezone ?? 'UTC' } });
  if (ws.status !== 201) throw new Error(`workspace: ${ws.status} ${JSON.stringify(ws.body)}`);
  const channelIds: string[] = [];
  for (let i = 0; i < (opts.sandboxChannels ?? 1); i++) {
    const ch = await call(app, 'POST', `/api/v1/workspaces/${ws.body.id}/channels/sandbox`, { token, body: { name: `Practice ${i + 1}` } });
    if (ch.status !== 201) throw new Error(`channel: ${ch.status} ${JSON.stringify(ch.body)}`);
    channelIds.push(ch.body.id as string);
  }
  return { owner, token, orgId: org.body.id as string, workspaceId: ws.body.id as string, channelIds };
}

/** Polls `check` until it returns a value (not undefined) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 45_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
