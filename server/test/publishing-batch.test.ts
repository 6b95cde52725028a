import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.js';
import { Publisher } from '../src/modules/publishing/publisher.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { ownerWithWorkspace } from './helpers/workspace.js';

/**
 * Publishing a batch of due targets, as the worker gets them from the queue (here without pg-boss,
 * which would fetch them on its own schedule): one claim for the batch, published outcomes settled
 * together, and exactly once still.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '100000' });
});
afterAll(async () => {
  await t?.close();
});

/** Posts a day ahead (their jobs wait in the queue, untouched) on `channels` channels; returns their targets' jobs. */
async function scheduledTargets(posts: number, channels: number) {
  const s = await ownerWithWorkspace(t.app, { sandboxChannels: channels });
  const postIds: string[] = [];
  for (let i = 0; i < posts; i++) {
    const res = await call(t.app, 'POST', `/api/v1/workspaces/${s.workspaceId}/posts`, {
      token: s.token,
      body: { text: `Batch post ${i}`, channelIds: s.channelIds, scheduledAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(res.status).toBe(201);
    postIds.push(res.body.id as string);
  }
  const jobs = rowsOf<{ targetId: string; version: number; attempt: number }>(
    await t.runtime.db.execute(sql`
      select id as "targetId", version, attempt_count as attempt from post_targets
      where post_id in (select jsonb_array_elements_text(${JSON.stringify(postIds)}::jsonb)::uuid) order by id`),
  );
  return { s, postIds, jobs: jobs.map((j) => ({ targetId: j.targetId, version: Number(j.version), attempt: Number(j.attempt) })) };
}

async function copiesPerTarget(targetIds: string[]): Promise<number[]> {
  const rows = rowsOf<{ n: number }>(
    await t.runtime.db.execute(sql`
      select count(s.id)::int as n from post_targets p left join sandbox_posts s on s.idempotency_key = p.idempotency_key::text
      where p.id in (select jsonb_array_elements_text(${JSON.stringify(targetIds)}::jsonb)::uuid) group by p.id`),
  );
  return rows.map((r) => Number(r.n));
}

it('claims a batch in one transaction and settles its published targets together: under 2 SQL statements per target besides the platform’s', async () => {
  const { s, postIds, jobs } = await scheduledTargets(5, 4);
  expect(jobs).toHaveLength(20);
  const before = t.runtime.database.statements();
  const failures = await new Publisher(t.runtime).handleBatch(jobs);
  const statements = t.runtime.database.statements() - before;
  expect(failures.size).toBe(0);
  // The sandbox stores each post with one statement of its own (the platform's side); Herald's share
  // is the claim transaction (4) and a few settle transactions (5 each), where one target at a time
  // took 16 statements.
  expect(statements - jobs.length).toBeLessThan(2 * jobs.length);
  expect(await copiesPerTarget(jobs.map((j) => j.targetId))).toEqual(jobs.map(() => 1));
  for (const postId of postIds) {
    const post = (await call(t.app, 'GET', `/api/v1/posts/${postId}`, { token: s.token })).body;
    expect(post.status).toBe('published');
    expect(post.publishedAt).toEqual(expect.any(String));
    expect(post.targets.map((x: { status: string }) => x.status)).toEqual(['published', 'published', 'published', 'published']);
    expect(post.attempts).toHaveLength(4);
    expect(post.attempts.every((a: { outcome: string; finishedAt: string | null }) => a.outcome === 'published' && a.finishedAt !== null)).toBe(true);
  }
});

it('claims each target once however often it appears, in one batch or in batches running at once', async () => {
  const { jobs } = await scheduledTargets(3, 2);
  const publisher = new Publisher(t.runtime);
  // The same jobs twice in one batch, and the same batch twice at the same moment (two workers).
  const results = await Promise.all([publisher.handleBatch([...jobs, ...jobs]), new Publisher(t.runtime).handleBatch(jobs)]);
  expect(results.every((r) => r.size === 0)).toBe(true);
  expect(await copiesPerTarget(jobs.map((j) => j.targetId))).toEqual(jobs.map(() => 1));
  const [attempts] = rowsOf<{ n: number }>(
    await t.runtime.db.execute(sql`select count(*)::int as n from publish_attempts where target_id in (select jsonb_array_elements_text(${JSON.stringify(jobs.map((j) => j.targetId))}::jsonb)::uuid)`),
  );
  expect(Number(attempts!.n)).toBe(jobs.length);
});

it('leaves a post publishing while one of its targets is still pending, and marks it published with the last', async () => {
  const { s, postIds, jobs } = await scheduledTargets(1, 3);
  const publisher = new Publisher(t.runtime);
  await publisher.handleBatch(jobs.slice(0, 2));
  const partly = (await call(t.app, 'GET', `/api/v1/posts/${postIds[0]}`, { token: s.token })).body;
  expect(partly.status).toBe('publishing');
  expect(partly.publishedAt).toBeNull();
  await publisher.handleBatch(jobs.slice(2));
  const done = (await call(t.app, 'GET', `/api/v1/posts/${postIds[0]}`, { token: s.token })).body;
  expect(done.status).toBe('published');
});
