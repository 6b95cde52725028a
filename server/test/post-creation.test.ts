import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { ownerWithWorkspace } from './helpers/workspace.js';

/**
 * What creating a post costs, in SQL statements sent by Herald (its own counter, BEGIN and COMMIT
 * included): the checks once, the post, its targets and its audit entry in one statement, every
 * publish job in one insert, and no reload. Counts, not timings: they do not depend on the machine.
 */
let t: TestApp;
let s: Awaited<ReturnType<typeof ownerWithWorkspace>>;

beforeAll(async () => {
  t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '100000' });
  s = await ownerWithWorkspace(t.app, { sandboxChannels: 3 });
});
afterAll(async () => t?.close());

const create = (body: Record<string, unknown>) => call(t.app, 'POST', `/api/v1/workspaces/${s.workspaceId}/posts`, { token: s.token, body });

/**
 * Statements one creation sends. On PGlite, pg-boss's own timers share the counted connection, and the
 * access cache re-reads a session every few seconds: either can only add, so the least of three is the
 * request's own cost.
 */
async function statementsOf(body: Record<string, unknown>): Promise<{ statements: number; post: any }> {
  let least = Number.POSITIVE_INFINITY;
  let post: any;
  for (let i = 0; i < 3; i++) {
    const before = t.runtime.database.statements();
    const res = await create(body);
    const statements = t.runtime.database.statements() - before;
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    least = Math.min(least, statements);
    post = res.body;
  }
  return { statements: least, post };
}

const later = () => new Date(Date.now() + 86_400_000).toISOString();

describe('creating a post', () => {
  it('warms up (authentication and scope are cached after the first request)', async () => {
    expect((await create({ text: 'warm-up', channelIds: s.channelIds })).status).toBe(201);
  });

  it('schedules on three channels in at most 5 statements, the same as on one: one job insert for every target', async () => {
    const three = await statementsOf({ text: 'Three channels\nsecond line', channelIds: s.channelIds, scheduledAt: later() });
    const one = await statementsOf({ text: 'One channel', channelIds: [s.channelIds[0]], scheduledAt: later() });
    // Checks, BEGIN, post + targets + audit entry, the jobs, COMMIT (13 before, plus one job insert per target).
    expect(three.statements).toBeLessThanOrEqual(5);
    expect(three.statements).toBe(one.statements);

    const jobs = rowsOf<{ key: string }>(
      await t.runtime.db.execute(sql`select singleton_key as key from pgboss.job where name = 'publish-target' and data->>'targetId' in (select id::text from post_targets where post_id = ${three.post.id})`),
    );
    expect(jobs.map((j) => j.key).sort()).toEqual(three.post.targets.map((x: any) => `${x.id}:0:0`).sort());
  });

  it('publishes now in at most 5 statements', async () => {
    const { statements, post } = await statementsOf({ text: 'Right now', channelIds: s.channelIds, publishNow: true });
    expect(statements).toBeLessThanOrEqual(5);
    expect(post.status).toBe('scheduled');
  });

  it('saves a draft in 2 statements (the checks, then one insert)', async () => {
    const { statements } = await statementsOf({ text: 'Just a draft', channelIds: s.channelIds });
    expect(statements).toBeLessThanOrEqual(2);
  });

  it('answers what GET /posts/{id} answers, without reading it back', async () => {
    const { post } = await statementsOf({ text: 'Same answer', channelIds: s.channelIds, targets: [{ channelId: s.channelIds[2], text: 'Own text' }], scheduledAt: later() });
    const read = await call(t.app, 'GET', `/api/v1/posts/${post.id}`, { token: s.token });
    expect(read.status).toBe(200);
    expect(post).toEqual(read.body);
  });
});
