import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.js';
import { lockPostsOfTargets } from '../src/modules/publishing/post-state.repo.js';
import * as repo from '../src/modules/publishing/repo.js';
import { settle } from '../src/modules/publishing/settle.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { ownerWithWorkspace } from './helpers/workspace.js';

/** Settling an attempt, without a worker: what the settle transaction writes and queues. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '100000' });
});
afterAll(async () => {
  await t?.close();
});

it('schedules the check of an unknown outcome from the attempt’s start plus the lease, not from the settle', async () => {
  const s = await ownerWithWorkspace(t.app, { sandboxChannels: 1 });
  const created = await call(t.app, 'POST', `/api/v1/workspaces/${s.workspaceId}/posts`, { token: s.token, body: { text: 'Unknown outcome', channelIds: s.channelIds, publishNow: true } });
  expect(created.status).toBe(201);
  const job = created.body.targets[0];
  const { db } = t.runtime;
  // Claimed as a worker claims it; the call then ran long (its attempt began 200 s ago).
  const [claimed] = await db.transaction(async (tx) => {
    await lockPostsOfTargets(tx, [job.id]);
    return repo.claimTargets(tx, [{ targetId: job.id, version: 0, attempt: 0 }], 'test');
  });
  await db.execute(sql`update publish_attempts set started_at = now() - interval '200 seconds' where id = ${claimed!.attemptId}`);
  const [attempt] = rowsOf<{ started: string }>(await db.execute(sql`select started_at::text as started from publish_attempts where id = ${claimed!.attemptId}`));

  await settle(t.runtime, job.id, claimed!.attemptCount, claimed!.attemptId, { kind: 'unknown', error: { kind: 'unknown_outcome', message: 'The platform did not answer' } });

  const [queued] = rowsOf<{ start_after: string }>(await db.execute(sql`select start_after::text as start_after from pgboss.job where name = 'reconcile-target' and data->>'targetId' = ${job.id}`));
  const lease = t.runtime.config.publishing.leaseSeconds * 1000;
  const expected = Date.parse(attempt!.started) + lease + 1000;
  expect(Math.abs(Date.parse(queued!.start_after) - expected)).toBeLessThan(5_000);
  const target = (await call(t.app, 'GET', `/api/v1/posts/${created.body.id}`, { token: s.token })).body;
  expect(target.targets[0]).toMatchObject({ status: 'publishing', lastError: { kind: 'unknown_outcome' } });
  expect(target.attempts).toEqual([expect.objectContaining({ outcome: 'unknown_outcome', finishedAt: expect.any(String) })]);
});
