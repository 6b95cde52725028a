import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createPostgresDatabase } from './helpers/app.js';
import { freePort, runHerald, waitForReady, type HeraldProcess } from './helpers/process.js';
import { eventually } from './helpers/workspace.js';

/**
 * Kills the process that publishes (SIGKILL) while publishes are in flight, starts it again, and checks
 * that every target ended published exactly once on the sandbox platform, or in needs_review: none
 * lost, none twice, and within a minute of the restart with the default lease. Embedded mode kills
 * `herald start`; PostgreSQL mode kills a `herald worker`.
 */
const postgres = process.env.HERALD_TEST_DB === 'postgres';
const running: HeraldProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  for (const c of cleanups) await c();
});

async function http(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = res.status === 204 ? null : ((await res.json()) as any);
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

it('publishes every target exactly once across a SIGKILL of the publishing process', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-crash-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const env: Record<string, string> = {
    HERALD_DATA_DIR: dataDir,
    AUTH_RATE_LIMIT_MAX: '100000',
    HERALD_SANDBOX_LATENCY_MS: '1200',
    // The default lease (600 s) and sweep (60 s): recovery must not wait for either.
    HERALD_PUBLISH_RETRY_BASE_MS: '100',
    LOG_LEVEL: 'warn',
  };
  if (postgres) {
    const db = await createPostgresDatabase();
    cleanups.push(() => db.drop());
    env.DATABASE_URL = db.url;
    env.HERALD_SECRET_KEYS = `k1:${randomBytes(32).toString('base64')}`;
  }
  const port = String(await freePort());
  const boot = async (command: string, withPort = true) => {
    const proc = runHerald(command, { ...env, ...(withPort ? { PORT: port, HERALD_PUBLIC_URL: `http://127.0.0.1:${port}` } : {}) });
    running.push(proc);
    if (withPort) await waitForReady(proc);
    return proc;
  };
  // Embedded: one process does everything. PostgreSQL: an API process and a separate worker.
  const api = await boot(postgres ? 'api' : 'start');
  let worker = postgres ? await boot('worker', false) : api;
  const base = api.url;

  const { accessToken: token } = await http(base, 'POST', '/auth/register', undefined, { email: 'crash@example.com', password: 'a long enough password', name: 'Crash' });
  const org = await http(base, 'POST', '/orgs', token, { name: 'Crash Co' });
  const ws = await http(base, 'POST', `/orgs/${org.id}/workspaces`, token, { name: 'Brand', timezone: 'UTC' });
  const channels: string[] = [];
  for (let i = 0; i < 3; i++) channels.push((await http(base, 'POST', `/workspaces/${ws.id}/channels/sandbox`, token, { name: `C${i}` })).id);
  const texts: string[] = [];
  const postIds: string[] = [];
  for (let i = 0; i < 12; i++) {
    const text = `crash ${i} ${randomUUID()}`;
    texts.push(text);
    postIds.push((await http(base, 'POST', `/workspaces/${ws.id}/posts`, token, { text, channelIds: channels, publishNow: true })).id);
  }

  // Wait until publishing is under way, then kill the process doing it.
  await eventually(async () => {
    const list = await http(base, 'GET', `/workspaces/${ws.id}/posts?limit=100`, token);
    return list.items.some((p: any) => p.targets.some((t: any) => t.status === 'publishing')) ? true : undefined;
  }, 30_000, 50);
  await worker.stop('SIGKILL');
  const restartedAt = Date.now();
  if (postgres) {
    worker = await boot('worker', false);
  } else {
    worker = await boot('start');
  }

  const posts = await eventually(async () => {
    const list = await http(base, 'GET', `/workspaces/${ws.id}/posts?limit=100`, token);
    const done = list.items.every((p: any) => p.targets.every((t: any) => t.status === 'published' || t.status === 'needs_review'));
    return done ? list.items : undefined;
  }, 70_000, 250);
  expect(posts).toHaveLength(12);
  // A process that died is calling nobody: its attempts are settled at the restart (embedded), or once
  // its heartbeat is stale (PostgreSQL, ~30 s), not at the end of the 600 s lease.
  expect(Date.now() - restartedAt).toBeLessThan(60_000);

  let crashEvidence = 0;
  for (const channelId of channels) {
    const feed = (await http(base, 'GET', `/channels/${channelId}/sandbox/feed?limit=100`, token)).items as { id: string; text: string }[];
    for (const post of posts) {
      const target = post.targets.find((t: any) => t.channelId === channelId);
      const rows = feed.filter((r) => r.text === post.text);
      if (target.status === 'published') {
        expect(rows, `${post.text} on ${channelId}`).toHaveLength(1);
        expect(rows[0]!.id).toBe(target.platformPostId);
      } else {
        expect(rows.length).toBeLessThanOrEqual(1);
      }
    }
  }
  for (const id of postIds) {
    const detail = await http(base, 'GET', `/posts/${id}`, token);
    crashEvidence += detail.attempts.filter((a: any) => a.outcome === 'abandoned' || a.outcome === 'reconciled').length;
  }
  // The kill really interrupted publishes: some attempts were settled by the reconciler.
  expect(crashEvidence).toBeGreaterThan(0);
}, 150_000);
