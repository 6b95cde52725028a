import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels, media, posts, postTargets } from '../src/db/schema.js';
import { signMediaToken } from '../src/modules/media/signed-url.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import {
  animatedGif,
  fetchMedia,
  jpeg,
  member,
  noise,
  orgWithWorkspace,
  person,
  png,
  postMultipart,
  rawPost,
  upload,
  video,
  webp,
  type Person,
} from './media-fixtures.js';

/** The media library through the HTTP API: uploads, signed URLs, the library itself, and who may do what. */

const ENV = { AUTH_RATE_LIMIT_MAX: '100000' };

let t: TestApp;
let owner: Person;
let orgId: string;
let workspaceId: string;

beforeAll(async () => {
  t = await createTestApp(ENV);
  owner = await person(t.app);
  ({ orgId, workspaceId } = await orgWithWorkspace(t.app, owner));
});
afterAll(async () => t?.close());

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function row(id: string) {
  const [r] = await t.runtime.db.select().from(media).where(eq(media.id, id));
  return r;
}

/** Every file under the local media root (relative paths). */
async function storedFiles(): Promise<string[]> {
  const root = join(t.dataDir, 'media');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1));
}

describe('upload', () => {
  it('accepts JPEG, PNG, WebP and animated GIF, reads their size and makes a WebP thumbnail', async () => {
    const cases = [
      { data: await jpeg(1200, 800), filename: 'beach.jpg', mime: 'image/jpeg', ext: 'jpg', width: 1200, height: 800, animated: false },
      { data: await png(300, 500), filename: 'logo.png', mime: 'image/png', ext: 'png', width: 300, height: 500, animated: false },
      { data: await webp(640, 640), filename: 'square.webp', mime: 'image/webp', ext: 'webp', width: 640, height: 640, animated: false },
      { data: await animatedGif(60, 40), filename: 'party.gif', mime: 'image/gif', ext: 'gif', width: 60, height: 40, animated: true },
    ];
    for (const c of cases) {
      const res = await upload(t.app, owner.token, workspaceId, { data: c.data, filename: c.filename, altText: `Alt for ${c.filename}`, tags: 'Summer, launch' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        workspaceId,
        kind: 'image',
        mime: c.mime,
        filename: c.filename,
        sizeBytes: c.data.length,
        width: c.width,
        height: c.height,
        durationSeconds: null,
        animated: c.animated,
        altText: `Alt for ${c.filename}`,
        tags: ['summer', 'launch'],
        url: expect.stringMatching(/^http:\/\/herald\.test\/api\/v1\/media\/file\//),
        thumbnailUrl: expect.stringMatching(/^http:\/\/herald\.test\/api\/v1\/media\/file\//),
        createdAt: expect.any(String),
        uploadedBy: owner.id,
      });
      const stored = await row(res.body.id);
      expect(stored).toMatchObject({ organizationId: orgId, sha256: sha256(c.data), storageKey: `${orgId}/${res.body.id}/original.${c.ext}`, thumbnailKey: `${orgId}/${res.body.id}/thumb.webp` });
      expect(await t.runtime.storage.getBuffer(stored!.storageKey)).toEqual(c.data);

      const thumb = await fetchMedia(t.app, res.body.thumbnailUrl);
      expect(thumb.status).toBe(200);
      expect(thumb.headers['content-type']).toBe('image/webp');
      const meta = await sharp(thumb.raw).metadata();
      expect(meta.format).toBe('webp');
      expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(400);
      expect(meta.width / meta.height).toBeCloseTo(c.width / c.height, 1);
    }
  });

  it('decides the type from the bytes: a PNG named .jpg and sent as image/jpeg is a PNG', async () => {
    const res = await upload(t.app, owner.token, workspaceId, { data: await png(50, 50), filename: 'photo.jpg', contentType: 'image/jpeg' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ mime: 'image/png', filename: 'photo.jpg', width: 50, height: 50 });
    expect((await row(res.body.id))!.storageKey).toMatch(/\/original\.png$/);
    expect((await fetchMedia(t.app, res.body.url)).headers['content-type']).toBe('image/png');
  });

  it('refuses anything that is not an accepted image or video with 415, listing the accepted types, and stores nothing', async () => {
    const before = await storedFiles();
    const cases = [
      { data: Buffer.from('just some text, honestly'), filename: 'sneaky.jpg', contentType: 'image/jpeg', detected: null },
      { data: Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'), filename: 'doc.png', contentType: 'image/png', detected: 'application/pdf' },
      { data: await sharp({ create: { width: 10, height: 10, channels: 3, background: '#fff' } }).tiff().toBuffer(), filename: 'scan.tiff', contentType: 'image/tiff', detected: 'image/tiff' },
      { data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), filename: 'x.svg', contentType: 'image/svg+xml', detected: null },
    ];
    for (const c of cases) {
      const res = await upload(t.app, owner.token, workspaceId, c);
      expect(res.status, c.filename).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
      expect(res.body.error.message).toContain('Accepted: JPEG, PNG, WebP, GIF images and MP4, MOV videos');
      expect(res.body.error.details).toEqual({ detected: c.detected, accepted: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'video/mp4', 'video/quicktime'] });
    }
    expect(await storedFiles()).toEqual(before);
  });

  it('reads duration and size of MP4 and MOV files wherever their moov box is, without a thumbnail', async () => {
    const mp4 = video({ width: 1920, height: 1080, durationSeconds: 42.25, mdatBytes: 300_000 });
    const res = await upload(t.app, owner.token, workspaceId, { data: mp4, filename: 'clip.mp4' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ kind: 'video', mime: 'video/mp4', width: 1920, height: 1080, durationSeconds: 42.25, animated: false, thumbnailUrl: null, sizeBytes: mp4.length });
    expect((await row(res.body.id))!.sha256).toBe(sha256(mp4));

    // An iPhone-style portrait MOV: frames stored landscape, turned by the track matrix; moov first.
    const mov = video({ brand: 'qt  ', width: 1920, height: 1080, rotated: true, moovFirst: true, durationSeconds: 3 });
    const res2 = await upload(t.app, owner.token, workspaceId, { data: mov, filename: 'portrait.MOV', contentType: 'application/octet-stream' });
    expect(res2.status).toBe(201);
    expect(res2.body).toMatchObject({ kind: 'video', mime: 'video/quicktime', width: 1080, height: 1920, durationSeconds: 3 });

    // A video Herald cannot read the boxes of is still accepted, with unknown size and duration.
    const headOnly = video().subarray(0, 32);
    const res3 = await upload(t.app, owner.token, workspaceId, { data: headOnly, filename: 'cut.mp4' });
    expect(res3.status).toBe(201);
    expect(res3.body).toMatchObject({ kind: 'video', width: null, height: null, durationSeconds: null });
  });

  it('answers clear 4xx errors for requests that are not a proper upload', async () => {
    const gif = await animatedGif();
    const file = { name: 'file', data: gif, filename: 'a.gif', contentType: 'image/gif' };

    const json = await call(t.app, 'POST', `/api/v1/workspaces/${workspaceId}/media`, { token: owner.token, body: { file: 'abc' } });
    expect(json.status).toBe(415);
    expect(json.body.error.code).toBe('multipart_required');
    expect(json.body.error.message).toContain('multipart/form-data');

    const octets = await rawPost(t.app, owner.token, workspaceId, gif, { 'content-type': 'application/octet-stream' });
    expect(octets.status).toBe(415);
    expect(octets.body.error.code).toBe('multipart_required');

    const noFile = await postMultipart(t.app, owner.token, workspaceId, [{ name: 'altText', data: 'hello' }]);
    expect(noFile.status).toBe(400);
    expect(noFile.body.error).toMatchObject({ code: 'file_required', message: expect.stringContaining('"file"') });

    const empty = await postMultipart(t.app, owner.token, workspaceId, [{ ...file, data: Buffer.alloc(0) }]);
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('empty_file');

    const two = await postMultipart(t.app, owner.token, workspaceId, [file, file]);
    expect(two.status).toBe(400);
    expect(two.body.error.code).toBe('too_many_files');

    const wrongField = await postMultipart(t.app, owner.token, workspaceId, [{ ...file, name: 'image' }]);
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.error.code).toBe('unexpected_file_field');

    const unknown = await postMultipart(t.app, owner.token, workspaceId, [file, { name: 'caption', data: 'x' }]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('unknown_field');

    const manyTags = await postMultipart(t.app, owner.token, workspaceId, [file, { name: 'tags', data: Array.from({ length: 31 }, (_, i) => `t${i}`).join(',') }]);
    expect(manyTags.status).toBe(400);
    expect(manyTags.body.error).toMatchObject({ code: 'validation_failed', details: { fields: { tags: 'At most 30 tags' } } });

    const badJsonTags = await postMultipart(t.app, owner.token, workspaceId, [file, { name: 'tags', data: '[not json' }]);
    expect(badJsonTags.status).toBe(400);

    const longAlt = await postMultipart(t.app, owner.token, workspaceId, [{ name: 'altText', data: 'a'.repeat(1001) }, file]);
    expect(longAlt.status).toBe(400);
    expect(longAlt.body.error.details.fields.altText).toContain('1000');

    // Multipart whose body does not end properly.
    const truncated = await rawPost(t.app, owner.token, workspaceId, `--xyz\r\ncontent-disposition: form-data; name="file"; filename="a.gif"\r\n\r\nGIF89a`, {
      'content-type': 'multipart/form-data; boundary=xyz',
    });
    expect(truncated.status).toBe(400);
    expect(truncated.body.error.code).toBe('malformed_multipart');
    const noBoundary = await rawPost(t.app, owner.token, workspaceId, 'hello', { 'content-type': 'multipart/form-data' });
    expect(noBoundary.status).toBe(400);
    expect(noBoundary.body.error.message).toContain('Boundary not found');

    // Tags as a JSON array work too, and refused uploads left nothing behind.
    const ok = await postMultipart(t.app, owner.token, workspaceId, [file, { name: 'tags', data: '["Promo","promo","Q3"]' }]);
    expect(ok.status).toBe(201);
    expect(ok.body.tags).toEqual(['promo', 'q3']);
    const ids = new Set((await t.runtime.db.select({ id: media.id }).from(media)).map((r) => r.id));
    for (const f of await storedFiles()) expect(ids.has(f.split('/')[1]!), f).toBe(true);
  });

  it('requires a signed-in member allowed to write', async () => {
    const anon = await upload(t.app, '', workspaceId, { data: await png(10, 10) });
    expect(anon.status).toBe(401);
    const viewer = await member(t.app, owner, orgId, 'viewer');
    const res = await upload(t.app, viewer.token, workspaceId, { data: await png(10, 10) });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    // The role check comes before the body check.
    const json = await call(t.app, 'POST', `/api/v1/workspaces/${workspaceId}/media`, { token: viewer.token, body: {} });
    expect(json.status).toBe(403);
    const editor = await member(t.app, owner, orgId, 'editor');
    expect((await upload(t.app, editor.token, workspaceId, { data: await png(10, 10) })).status).toBe(201);
  });
});

describe('size limits', () => {
  let small: TestApp;
  let boss: Person;
  let ws: string;
  beforeAll(async () => {
    small = await createTestApp({ ...ENV, HERALD_MEDIA_MAX_IMAGE_BYTES: '20000', HERALD_MEDIA_MAX_VIDEO_BYTES: '100000' });
    boss = await person(small.app);
    ws = (await orgWithWorkspace(small.app, boss)).workspaceId;
  });
  afterAll(async () => small?.close());

  it('stops an image past the image limit with 413 naming the limit, and keeps nothing', async () => {
    const big = await noise(200, 200).png().toBuffer();
    expect(big.length).toBeGreaterThan(20000);
    const res = await upload(small.app, boss.token, ws, { data: big, filename: 'big.png' });
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({ code: 'file_too_large', message: 'The image is larger than the 19.5 KB limit for images', details: { kind: 'image', limitBytes: 20000 } });
    const files = await readdir(join(small.dataDir, 'media'), { recursive: true }).catch(() => []);
    expect(files.filter((f) => f.toString().includes('original'))).toEqual([]);
  });

  it('applies the limit of the kind the bytes show: a video may be larger than the image limit', async () => {
    const clip = video({ mdatBytes: 60_000 });
    const ok = await upload(small.app, boss.token, ws, { data: clip, filename: 'clip.jpg', contentType: 'image/jpeg' });
    expect(ok.status).toBe(201);
    expect(ok.body.kind).toBe('video');

    const long = video({ mdatBytes: 150_000 });
    const res = await upload(small.app, boss.token, ws, { data: long, filename: 'long.mp4' });
    expect(res.status).toBe(413);
    expect(res.body.error.message).toBe('The video is larger than the 97.7 KB limit for videos');
    expect(res.headers.connection).toBe('close');
    expect((await call(small.app, 'GET', `/api/v1/workspaces/${ws}/media`, { token: boss.token })).body.items).toHaveLength(1);
  });
});

describe('signed media URLs', () => {
  let item: { id: string; url: string; sizeBytes: number };
  let bytes: Buffer;
  beforeAll(async () => {
    bytes = await jpeg(800, 600);
    item = (await upload(t.app, owner.token, workspaceId, { data: bytes, filename: 'served.jpg' })).body;
  });

  it('serves the bytes with type, length, caching and range support, to anyone holding the URL', async () => {
    const res = await fetchMedia(t.app, item.url);
    expect(res.status).toBe(200);
    expect(res.raw).toEqual(bytes);
    expect(res.headers).toMatchObject({ 'content-type': 'image/jpeg', 'content-length': String(bytes.length), 'accept-ranges': 'bytes' });
    expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+, immutable$/);
    const maxAge = Number(/max-age=(\d+)/.exec(String(res.headers['cache-control']))![1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(86_400);

    const first = await fetchMedia(t.app, item.url, { range: 'bytes=0-99' });
    expect(first.status).toBe(206);
    expect(first.headers['content-range']).toBe(`bytes 0-99/${bytes.length}`);
    expect(first.headers['content-length']).toBe('100');
    expect(first.raw).toEqual(bytes.subarray(0, 100));

    const tail = await fetchMedia(t.app, item.url, { range: 'bytes=-10' });
    expect(tail.status).toBe(206);
    expect(tail.raw).toEqual(bytes.subarray(bytes.length - 10));

    const open = await fetchMedia(t.app, item.url, { range: `bytes=${bytes.length - 5}-` });
    expect(open.raw).toEqual(bytes.subarray(bytes.length - 5));

    const beyond = await fetchMedia(t.app, item.url, { range: `bytes=${bytes.length + 10}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${bytes.length}`);
    expect(beyond.json().error.code).toBe('range_not_satisfiable');

    const several = await fetchMedia(t.app, item.url, { range: 'bytes=0-1,5-6' });
    expect(several.status).toBe(200);
    expect(several.raw).toEqual(bytes);

    const head = await fetchMedia(t.app, item.url, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(bytes.length));
    expect(head.raw.length).toBe(0);

    const again = await fetchMedia(t.app, item.url, { 'if-none-match': String(res.headers.etag) });
    expect(again.status).toBe(304);
  });

  it('refuses tampered and expired URLs, and answers 404 once the file is gone', async () => {
    const token = new URL(item.url).pathname.split('/').pop()!;
    const [payload, sig] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, k: claims.k.replace('original.jpg', 'thumb.webp') })).toString('base64url');
    for (const bad of [`${forged}.${sig}`, `${payload}.${sig.slice(0, -2)}AA`, `${payload}`, 'garbage', `${payload}.${sig}.x`]) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/media/file/${bad}` });
      expect(res.statusCode, bad).toBe(403);
      expect(res.json().error.code).toBe('invalid_media_url');
    }

    const expired = signMediaToken(t.runtime.keys, claims.k, Math.floor(Date.now() / 1000) - 5);
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/media/file/${expired}` });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('media_url_expired');

    // A token signed with another installation's key is worthless here.
    const other = await createTestApp();
    try {
      const foreign = signMediaToken(other.runtime.keys, claims.k, Math.floor(Date.now() / 1000) + 600);
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/media/file/${foreign}` })).statusCode).toBe(403);
    } finally {
      await other.close();
    }

    expect((await call(t.app, 'DELETE', `/api/v1/media/${item.id}`, { token: owner.token })).status).toBe(204);
    const gone = await fetchMedia(t.app, item.url);
    expect(gone.status).toBe(404);
    expect(gone.json().error.code).toBe('not_found');
  });
});

describe('library', () => {
  let lib: { orgId: string; workspaceId: string };
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    lib = await orgWithWorkspace(t.app, owner, 'Library');
    const files = [
      { name: 'Beach-Sunset.JPG', data: await jpeg(100, 80), tags: 'summer,beach' },
      { name: 'office.png', data: await png(90, 90), tags: 'work' },
      { name: 'teaser.mp4', data: video(), tags: 'summer' },
      { name: '100%_real.webp', data: await webp(50, 50), tags: '' },
      { name: 'sunset-2.gif', data: await animatedGif(), tags: 'Summer' },
    ];
    for (const f of files) {
      const res = await upload(t.app, owner.token, lib.workspaceId, { data: f.data, filename: f.name, tags: f.tags });
      expect(res.status).toBe(201);
      ids[f.name] = res.body.id;
    }
  });

  const list = async (query = '', token = owner.token) => call(t.app, 'GET', `/api/v1/workspaces/${lib.workspaceId}/media${query}`, { token });
  const names = (res: { body: { items: { filename: string }[] } }) => res.body.items.map((i) => i.filename);

  it('lists newest first and filters by filename, kind and tag', async () => {
    const all = await list();
    expect(all.status).toBe(200);
    expect(names(all)).toEqual(['sunset-2.gif', '100%_real.webp', 'teaser.mp4', 'office.png', 'Beach-Sunset.JPG']);
    expect(all.body.nextCursor).toBeNull();
    expect(names(await list('?q=SUNSET'))).toEqual(['sunset-2.gif', 'Beach-Sunset.JPG']);
    expect(names(await list('?q=100%25'))).toEqual(['100%_real.webp']);
    expect(names(await list('?q=_'))).toEqual(['100%_real.webp']);
    expect(names(await list('?kind=video'))).toEqual(['teaser.mp4']);
    expect(names(await list('?tag=summer'))).toEqual(['sunset-2.gif', 'teaser.mp4', 'Beach-Sunset.JPG']);
    expect(names(await list('?tag=Summer&kind=image&q=beach'))).toEqual(['Beach-Sunset.JPG']);
    expect(names(await list('?tag=nothing'))).toEqual([]);
  });

  it('pages with an opaque cursor, without repeats or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof list>> = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...names(page));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['sunset-2.gif', '100%_real.webp', 'teaser.mp4', 'office.png', 'Beach-Sunset.JPG']);
  });

  it('refuses bad queries with 400', async () => {
    for (const q of ['?limit=0', '?limit=101', '?kind=audio', '?cursor=nonsense', `?cursor=${Buffer.from('2024-01-01T00:00:00.000000Z|x').toString('base64url')}`]) {
      const res = await list(q);
      expect(res.status, q).toBe(400);
    }
  });

  it('gets and updates one item', async () => {
    const id = ids['office.png']!;
    const one = await call(t.app, 'GET', `/api/v1/media/${id}`, { token: owner.token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id, filename: 'office.png', tags: ['work'], altText: '' });

    const patched = await call(t.app, 'PATCH', `/api/v1/media/${id}`, { token: owner.token, body: { altText: '  A bright office  ', tags: ['Desk', 'desk', 'team'] } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ altText: 'A bright office', tags: ['desk', 'team'] });
    expect((await call(t.app, 'GET', `/api/v1/media/${id}`, { token: owner.token })).body).toMatchObject({ altText: 'A bright office', tags: ['desk', 'team'] });
    expect(names(await list('?tag=desk'))).toEqual(['office.png']);

    for (const body of [{}, { filename: 'x.png' }, { tags: ['a,b'] }, { tags: 'desk' }, { altText: 'x'.repeat(1001) }]) {
      const res = await call(t.app, 'PATCH', `/api/v1/media/${id}`, { token: owner.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await call(t.app, 'GET', '/api/v1/media/not-a-uuid', { token: owner.token })).status).toBe(400);
    expect((await call(t.app, 'GET', '/api/v1/media/00000000-0000-4000-8000-000000000000', { token: owner.token })).status).toBe(404);
  });

  it('lets a viewer read but not change', async () => {
    const viewer = await member(t.app, owner, lib.orgId, 'viewer');
    const analyst = await member(t.app, owner, lib.orgId, 'analyst');
    const id = ids['teaser.mp4']!;
    for (const who of [viewer, analyst]) {
      expect((await list('', who.token)).status).toBe(200);
      expect((await call(t.app, 'GET', `/api/v1/media/${id}`, { token: who.token })).status).toBe(200);
      expect((await call(t.app, 'PATCH', `/api/v1/media/${id}`, { token: who.token, body: { altText: 'x' } })).status).toBe(403);
      expect((await call(t.app, 'DELETE', `/api/v1/media/${id}`, { token: who.token })).status).toBe(403);
      expect((await upload(t.app, who.token, lib.workspaceId, { data: await png(10, 10) })).status).toBe(403);
    }
  });

  it('hides another organization’s media behind 404s', async () => {
    const stranger = await person(t.app);
    const theirs = await orgWithWorkspace(t.app, stranger, 'Other');
    const id = ids['office.png']!;
    expect((await call(t.app, 'GET', `/api/v1/media/${id}`, { token: stranger.token })).status).toBe(404);
    expect((await call(t.app, 'PATCH', `/api/v1/media/${id}`, { token: stranger.token, body: { altText: 'mine now' } })).status).toBe(404);
    expect((await call(t.app, 'DELETE', `/api/v1/media/${id}`, { token: stranger.token })).status).toBe(404);
    expect((await list('', stranger.token)).status).toBe(404);
    expect((await upload(t.app, stranger.token, lib.workspaceId, { data: await png(10, 10) })).status).toBe(404);
    // Their own library is empty, and ours is untouched.
    expect((await call(t.app, 'GET', `/api/v1/workspaces/${theirs.workspaceId}/media`, { token: stranger.token })).body.items).toEqual([]);
    expect((await call(t.app, 'GET', `/api/v1/media/${id}`, { token: owner.token })).body.altText).toBe('A bright office');
  });
});

describe('delete', () => {
  let ws: { orgId: string; workspaceId: string };
  let channelId: string;
  beforeAll(async () => {
    ws = await orgWithWorkspace(t.app, owner, 'Deletes');
    const [ch] = await t.runtime.db
      .insert(channels)
      .values({ organizationId: ws.orgId, workspaceId: ws.workspaceId, platform: 'sandbox', externalId: 'acct-1', kind: 'sandbox', name: 'Sandbox' })
      .returning({ id: channels.id });
    channelId = ch!.id;
  });

  async function uploadOne(name = 'x.png') {
    const res = await upload(t.app, owner.token, ws.workspaceId, { data: await png(40, 40), filename: name });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it('removes the row, the original, the thumbnail and the variants', async () => {
    const id = await uploadOne();
    const r = (await row(id))!;
    await t.runtime.storage.put(`${ws.orgId}/${id}/variants/instagram-abcd.jpg`, Buffer.from('variant'), { contentType: 'image/jpeg' });
    const { mediaVariants } = await import('../src/db/schema.js');
    await t.runtime.db.insert(mediaVariants).values({ organizationId: ws.orgId, mediaId: id, platform: 'instagram', storageKey: `${ws.orgId}/${id}/variants/instagram-abcd.jpg`, mime: 'image/jpeg', width: 40, height: 40, sizeBytes: 7 });

    const res = await call(t.app, 'DELETE', `/api/v1/media/${id}`, { token: owner.token });
    expect(res.status).toBe(204);
    expect(await row(id)).toBeUndefined();
    for (const key of [r.storageKey, r.thumbnailKey!, `${ws.orgId}/${id}/variants/instagram-abcd.jpg`]) expect(await t.runtime.storage.exists(key), key).toBe(false);
    expect((await call(t.app, 'GET', `/api/v1/media/${id}`, { token: owner.token })).status).toBe(404);
    expect((await call(t.app, 'DELETE', `/api/v1/media/${id}`, { token: owner.token })).status).toBe(404);
  });

  it('is refused while an unpublished post uses the media, through the post or one of its targets', async () => {
    const id = await uploadOne('in-use.png');
    const other = await uploadOne('other.png');
    const [post] = await t.runtime.db
      .insert(posts)
      .values({ organizationId: ws.orgId, workspaceId: ws.workspaceId, text: 'Hello', mediaIds: [other, id], status: 'draft' })
      .returning({ id: posts.id });

    for (const status of ['draft', 'scheduled', 'publishing', 'needs_attention'] as const) {
      await t.runtime.db.update(posts).set({ status }).where(eq(posts.id, post!.id));
      const res = await call(t.app, 'DELETE', `/api/v1/media/${id}`, { token: owner.token });
      expect(res.status, status).toBe(409);
      expect(res.body.error.code).toBe('media_in_use');
      expect(res.body.error.message).toContain(post!.id);
      expect(res.body.error.details.posts).toEqual([{ id: post!.id, status }]);
    }

    // Published as a post, but one target with its own media list is still waiting for a retry.
    await t.runtime.db.update(posts).set({ status: 'partially_published', mediaIds: [] }).where(eq(posts.id, post!.id));
    const [target] = await t.runtime.db
      .insert(postTargets)
      .values({ organizationId: ws.orgId, postId: post!.id, channelId, mediaIds: [id], status: 'retrying' })
      .returning({ id: postTargets.id });
    const viaTarget = await call(t.app, 'DELETE', `/api/v1/media/${id}`, { token: owner.token });
    expect(viaTarget.status).toBe(409);
    expect(viaTarget.body.error.details.posts).toEqual([{ id: post!.id, status: 'partially_published' }]);
    expect(await row(id)).toBeDefined();

    // Once nothing waiting uses it, it goes.
    await t.runtime.db.update(postTargets).set({ status: 'published' }).where(eq(postTargets.id, target!.id));
    expect((await call(t.app, 'DELETE', `/api/v1/media/${id}`, { token: owner.token })).status).toBe(204);
    // The media that was never used is deletable throughout.
    expect((await call(t.app, 'DELETE', `/api/v1/media/${other}`, { token: owner.token })).status).toBe(204);
  });
});
