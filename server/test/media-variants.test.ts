import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaVariants } from '../src/db/schema.js';
import { CONTENT_RULES } from '../src/integrations/social/rules.js';
import { loadMediaFacts, mediaForPublish, variantFor } from '../src/modules/media/for-posts.js';
import { AppError } from '../src/lib/errors.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { fetchMedia, jpeg, noise, orgWithWorkspace, person, png, upload, video, type Person } from './media-fixtures.js';
import { buffer } from 'node:stream/consumers';

/** What posts and publishing get from the media library: facts for rule checks, platform variants, publishable items. */

let t: TestApp;
let owner: Person;
let orgId: string;
let workspaceId: string;

beforeAll(async () => {
  // Room for a large, noisy WebP (the Facebook compression case).
  t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '100000', HERALD_MEDIA_MAX_IMAGE_BYTES: String(20 * 1024 * 1024) });
  owner = await person(t.app);
  ({ orgId, workspaceId } = await orgWithWorkspace(t.app, owner));
});
afterAll(async () => t?.close());

async function uploaded(data: Buffer, filename: string): Promise<{ id: string; sizeBytes: number; url: string }> {
  const res = await upload(t.app, owner.token, workspaceId, { data, filename });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function variantRows(mediaId: string) {
  return t.runtime.db.select().from(mediaVariants).where(eq(mediaVariants.mediaId, mediaId));
}

describe('variantFor', () => {
  it('makes an Instagram JPEG of a 3000×1000 PNG: cropped to 1.91:1, 1440 px wide, made once', async () => {
    const wide = await uploaded(await png(3000, 1000, true), 'banner.png');
    const v = await variantFor(t.runtime, orgId, wide.id, 'instagram');
    expect(v.mime).toBe('image/jpeg');
    expect(v.width).toBe(1440);
    expect(v.height).toBe(754);
    expect(v.width! / v.height!).toBeCloseTo(1.91, 2);
    expect(v.reasons).toEqual(['converted from PNG to JPEG', 'cropped to 1.91:1 (was 3.00:1)', 'resized to 1440 px wide']);
    expect(v.storageKey).toMatch(new RegExp(`^${orgId}/${wide.id}/variants/instagram-[0-9a-f]{8}\\.jpg$`));

    const bytes = await t.runtime.storage.getBuffer(v.storageKey);
    expect(bytes.length).toBe(v.sizeBytes);
    expect(bytes.length).toBeLessThanOrEqual(CONTENT_RULES.instagram.media.image!.maxBytes);
    const meta = await sharp(bytes).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'jpeg', width: 1440, height: 754 });
    // The PNG's transparent left half became white, not black.
    const { data } = await sharp(bytes).extract({ left: 10, top: 300, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
    expect(Math.min(...data)).toBeGreaterThan(200);

    const again = await variantFor(t.runtime, orgId, wide.id, 'instagram');
    expect(again).toEqual(v);
    expect(await variantRows(wide.id)).toHaveLength(1);
  });

  it('crops a tall image to 4:5 and enlarges a narrow one for Instagram', async () => {
    const tall = await uploaded(await jpeg(1000, 3000), 'tall.jpg');
    const v = await variantFor(t.runtime, orgId, tall.id, 'instagram');
    expect(v).toMatchObject({ mime: 'image/jpeg', width: 1000, height: 1250 });
    expect(v.reasons).toEqual(['cropped to 4:5 (was 0.33:1)']);

    const narrow = await uploaded(await jpeg(200, 200), 'small.jpg');
    const n = await variantFor(t.runtime, orgId, narrow.id, 'instagram');
    expect(n).toMatchObject({ width: 320, height: 320, reasons: ['enlarged to 320 px wide'] });
  });

  it('compresses a large WebP into a Facebook JPEG under 4 MB', async () => {
    const big = await uploaded(await noise(3000, 2200).webp({ quality: 92 }).toBuffer(), 'noisy.webp');
    expect(big.sizeBytes).toBeGreaterThan(4 * 1024 * 1024);
    const v = await variantFor(t.runtime, orgId, big.id, 'facebook');
    expect(v.mime).toBe('image/jpeg');
    expect(v.sizeBytes).toBeLessThan(4 * 1024 * 1024);
    expect(v.reasons).toEqual(['converted from WEBP to JPEG', 'compressed below 4 MB']);
    expect(v.width).toBe(3000);
    const meta = await sharp(await t.runtime.storage.getBuffer(v.storageKey)).metadata();
    expect(meta.format).toBe('jpeg');

    // The second call reuses the stored variant: same file, no new object, one row.
    const again = await variantFor(t.runtime, orgId, big.id, 'facebook');
    expect(again.storageKey).toBe(v.storageKey);
    expect(await variantRows(big.id)).toHaveLength(1);
  }, 60_000);

  it('returns the original for images that need nothing and for videos', async () => {
    const fine = await uploaded(await jpeg(1080, 1080), 'fine.jpg');
    const v = await variantFor(t.runtime, orgId, fine.id, 'instagram');
    expect(v).toMatchObject({ mime: 'image/jpeg', width: 1080, height: 1080, sizeBytes: fine.sizeBytes, reasons: [] });
    expect(v.storageKey).toMatch(/\/original\.jpg$/);
    const clip = await uploaded(video(), 'clip.mp4');
    expect(await variantFor(t.runtime, orgId, clip.id, 'instagram')).toMatchObject({ mime: 'video/mp4', reasons: [], width: 1280, height: 720 });
    expect([...(await variantRows(fine.id)), ...(await variantRows(clip.id))]).toEqual([]);
  });

  it('makes one variant even when two publishers ask at the same time', async () => {
    const wide = await uploaded(await png(2000, 800), 'race.png');
    const [a, b] = await Promise.all([variantFor(t.runtime, orgId, wide.id, 'instagram'), variantFor(t.runtime, orgId, wide.id, 'instagram')]);
    expect(a.storageKey).toBe(b.storageKey);
    expect(await variantRows(wide.id)).toHaveLength(1);
    // The loser removed its own file: one variant file on disk.
    const files = await readdir(join(t.dataDir, 'media', orgId, wide.id, 'variants'));
    expect(files).toEqual([a.storageKey.split('/').pop()]);
  });
});

describe('loadMediaFacts', () => {
  it('returns facts in the order asked, and names ids that are not media of the workspace', async () => {
    const a = await uploaded(await jpeg(300, 200), 'a.jpg');
    const b = await uploaded(video({ durationSeconds: 7 }), 'b.mp4');
    const facts = await loadMediaFacts(t.runtime.db, orgId, workspaceId, [b.id, a.id]);
    expect(facts).toEqual([
      { id: b.id, kind: 'video', mime: 'video/mp4', sizeBytes: expect.any(Number), width: 1280, height: 720, durationSeconds: 7, animated: false },
      { id: a.id, kind: 'image', mime: 'image/jpeg', sizeBytes: a.sizeBytes, width: 300, height: 200, durationSeconds: null, animated: false },
    ]);
    expect(await loadMediaFacts(t.runtime.db, orgId, workspaceId, [])).toEqual([]);

    const otherWs = await call(t.app, 'POST', `/api/v1/orgs/${orgId}/workspaces`, { token: owner.token, body: { name: 'Second brand' } });
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [ws, ids, named] of [
      [workspaceId, [a.id, missing, 'not-a-uuid'], [missing, 'not-a-uuid']],
      [otherWs.body.id as string, [a.id], [a.id]],
    ] as const) {
      const err = await loadMediaFacts(t.runtime.db, orgId, ws, [...ids]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ statusCode: 400, code: 'media_not_found', details: { mediaIds: named } });
      expect((err as Error).message).toContain(named[0]);
    }
    // Another organization's id is simply not found.
    const stranger = await person(t.app);
    const theirs = await orgWithWorkspace(t.app, stranger, 'Theirs');
    await expect(loadMediaFacts(t.runtime.db, theirs.orgId, theirs.workspaceId, [a.id])).rejects.toMatchObject({ code: 'media_not_found' });
  });
});

describe('mediaForPublish', () => {
  it('gives providers signed 24 h URLs and readers of the platform’s rendition, in order', async () => {
    const wide = await uploaded(await png(3000, 1000), 'wide.png');
    const square = await uploaded(await jpeg(1080, 1080), 'square.jpg');
    await t.app.inject({ method: 'PATCH', url: `/api/v1/media/${square.id}`, headers: { authorization: `Bearer ${owner.token}` }, payload: { altText: 'A square' } });
    const items = await mediaForPublish(t.runtime, orgId, [square.id, wide.id], 'instagram');
    expect(items.map((i) => [i.kind, i.mime, i.width, i.height, i.altText])).toEqual([
      ['image', 'image/jpeg', 1080, 1080, 'A square'],
      ['image', 'image/jpeg', 1440, 754, undefined],
    ]);
    for (const item of items) {
      const token = new URL(item.url).pathname.split('/').pop()!;
      const exp = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).e as number;
      expect(exp - Date.now() / 1000).toBeGreaterThan(24 * 3600 - 60);
      expect(exp - Date.now() / 1000).toBeLessThanOrEqual(24 * 3600);
      const served = await fetchMedia(t.app, item.url);
      expect(served.status).toBe(200);
      expect(served.headers['content-type']).toBe('image/jpeg');
      const read = await buffer(await item.open());
      expect(served.raw).toEqual(read);
      expect(read.length).toBe(item.sizeBytes);
    }
    await expect(mediaForPublish(t.runtime, orgId, [wide.id, '00000000-0000-4000-8000-000000000001'], 'x')).rejects.toMatchObject({ code: 'media_not_found' });
  });

  it('deleting the media removes its variants’ files too', async () => {
    const wide = await uploaded(await png(2500, 1000), 'temp.png');
    const v = await variantFor(t.runtime, orgId, wide.id, 'instagram');
    expect(await t.runtime.storage.exists(v.storageKey)).toBe(true);
    expect((await call(t.app, 'DELETE', `/api/v1/media/${wide.id}`, { token: owner.token })).status).toBe(204);
    expect(await t.runtime.storage.exists(v.storageKey)).toBe(false);
    expect(await variantRows(wide.id)).toEqual([]);
  });
});
