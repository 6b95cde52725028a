import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { media } from '../src/db/schema.js';
import { jobHandlers } from '../src/jobs/handlers.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { eventually } from './helpers/workspace.js';
import { jpeg, orgWithWorkspace, person, upload } from './media-fixtures.js';

/** Deleting a workspace or an organization removes its media files from storage, not just the rows. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '100000' });
  await t.runtime.queue.work(jobHandlers(t.runtime));
});
afterAll(async () => t?.close());

async function filesOf(mediaId: string): Promise<string[]> {
  const [row] = await t.runtime.db.select({ key: media.storageKey, thumb: media.thumbnailKey }).from(media).where(eq(media.id, mediaId));
  return [row!.key, row!.thumb!];
}

const stored = async (keys: string[]) => (await Promise.all(keys.map((k) => t.runtime.storage.exists(k)))).filter(Boolean).length;

it('removes the files of a deleted workspace, then of a deleted organization, and nothing else', async () => {
  const owner = await person(t.app);
  const { orgId, workspaceId } = await orgWithWorkspace(t.app, owner);
  const second = await call(t.app, 'POST', `/api/v1/orgs/${orgId}/workspaces`, { token: owner.token, body: { name: 'Second brand' } });
  const bystander = await person(t.app);
  const other = await orgWithWorkspace(t.app, bystander, 'Elsewhere');

  const up = async (token: string, ws: string) => {
    const res = await upload(t.app, token, ws, { data: await jpeg(), filename: 'photo.jpg', contentType: 'image/jpeg' });
    expect(res.status).toBe(201);
    return filesOf(res.body.id);
  };
  const first = await up(owner.token, workspaceId);
  const kept = await up(owner.token, second.body.id);
  const theirs = await up(bystander.token, other.workspaceId);
  expect(await stored([...first, ...kept, ...theirs])).toBe(6);

  expect((await call(t.app, 'DELETE', `/api/v1/workspaces/${workspaceId}`, { token: owner.token })).status).toBe(204);
  await eventually(async () => ((await stored(first)) === 0 ? true : undefined), 20_000);
  expect(await stored(kept)).toBe(2);

  expect((await call(t.app, 'DELETE', `/api/v1/orgs/${orgId}`, { token: owner.token })).status).toBe(204);
  await eventually(async () => ((await stored(kept)) === 0 ? true : undefined), 20_000);
  expect(await stored(theirs)).toBe(2);
});
