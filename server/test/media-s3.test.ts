import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { FakeS3 } from './fakes/s3.js';
import { createPostgresDatabase } from './helpers/app.js';
import { call } from './helpers/http.js';
import { fetchMedia, jpeg, orgWithWorkspace, person, upload, video, type Person } from './media-fixtures.js';

/**
 * Herald with S3_* set, end to end against the S3 contract fake: uploads land in the bucket, signed URLs
 * stream them back (ranges included), deletes remove them, and a wrong secret is a clear 503 whose logs
 * name the S3 error but never the secret.
 */

interface Herald {
  app: FastifyInstance;
  runtime: Runtime;
  logs: string[];
  close(): Promise<void>;
}

/** Like createTestApp, with the process logger captured so the test can read what would be logged. */
async function herald(env: Record<string, string>): Promise<Herald> {
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-s3-'));
  const pgDb = process.env.HERALD_TEST_DB === 'postgres' ? await createPostgresDatabase() : undefined;
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HERALD_DATA_DIR: dataDir,
      HERALD_PUBLIC_URL: 'http://herald.test',
      HERALD_SECRET_KEYS: `test1:${randomBytes(32).toString('base64')}`,
      HERALD_WEB_DIST: join(dataDir, 'no-web'),
      AUTH_RATE_LIMIT_MAX: '100000',
      ...(pgDb ? { DATABASE_URL: pgDb.url } : {}),
      ...env,
    },
    { pgliteDir: null },
  );
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const runtime = await createRuntime(config, { supervise: false, logger: pino({ level: 'debug' }, sink) });
  const app = await buildApp(runtime);
  await app.ready();
  return {
    app,
    runtime,
    logs,
    async close() {
      await app.close();
      await runtime.close();
      await pgDb?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

let fake: FakeS3;
beforeAll(async () => {
  fake = await FakeS3.start({ bucket: 'herald-e2e', region: 'eu-central-1' });
});
afterAll(async () => fake?.close());

describe('S3 storage end to end', () => {
  let h: Herald;
  let owner: Person;
  let orgId: string;
  let workspaceId: string;
  beforeAll(async () => {
    h = await herald(fake.env());
    owner = await person(h.app);
    ({ orgId, workspaceId } = await orgWithWorkspace(h.app, owner));
  });
  afterAll(async () => h?.close());

  it('uses the bucket: upload lands in it, signed URLs stream it back, delete removes it', async () => {
    expect(h.runtime.storage.kind).toBe('s3');
    const bytes = await jpeg(900, 600);
    const res = await upload(h.app, owner.token, workspaceId, { data: bytes, filename: 'cloud.jpg' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.id as string;
    expect(fake.objects.get(`${orgId}/${id}/original.jpg`)).toMatchObject({ body: bytes, contentType: 'image/jpeg' });
    expect(fake.objects.get(`${orgId}/${id}/thumb.webp`)?.contentType).toBe('image/webp');

    const whole = await fetchMedia(h.app, res.body.url);
    expect(whole.status).toBe(200);
    expect(whole.raw).toEqual(bytes);
    expect(whole.headers['content-length']).toBe(String(bytes.length));
    const part = await fetchMedia(h.app, res.body.url, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.raw).toEqual(bytes.subarray(100, 200));
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', range: 'bytes=100-199', status: 206 });

    expect((await call(h.app, 'DELETE', `/api/v1/media/${id}`, { token: owner.token })).status).toBe(204);
    expect([...fake.objects.keys()].filter((k) => k.includes(id))).toEqual([]);
    expect((await fetchMedia(h.app, res.body.url)).status).toBe(404);
  });

  it('streams a video through a real HTTP server into the bucket and back', async () => {
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const clip = video({ mdatBytes: 3 * 1024 * 1024, durationSeconds: 9 });
    const form = new FormData();
    form.append('file', new Blob([clip], { type: 'video/mp4' }), 'clip.mp4');
    form.append('tags', 'reel');
    const res = await fetch(`${address}/api/v1/workspaces/${workspaceId}/media`, { method: 'POST', body: form, headers: { authorization: `Bearer ${owner.token}` } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; url: string; durationSeconds: number; sizeBytes: number; tags: string[] };
    expect(body).toMatchObject({ durationSeconds: 9, sizeBytes: clip.length, tags: ['reel'] });
    expect(fake.objects.get(`${orgId}/${body.id}/original.mp4`)?.body.equals(clip)).toBe(true);

    const path = new URL(body.url).pathname;
    const ranged = await fetch(`${address}${path}`, { headers: { range: `bytes=${clip.length - 1000}-` } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await ranged.arrayBuffer()).equals(clip.subarray(clip.length - 1000))).toBe(true);
    const full = await fetch(`${address}${path}`);
    expect(Buffer.from(await full.arrayBuffer()).equals(clip)).toBe(true);
  });
});

describe('S3 with a wrong secret', () => {
  const secret = `not-the-secret-${randomBytes(16).toString('hex')}`;
  let h: Herald;
  let owner: Person;
  let workspaceId: string;
  beforeAll(async () => {
    h = await herald(fake.env({ secretAccessKey: secret }));
    owner = await person(h.app);
    ({ workspaceId } = await orgWithWorkspace(h.app, owner));
  });
  afterAll(async () => h?.close());

  it('answers 503 storage_unavailable, logs SignatureDoesNotMatch and never the secret', async () => {
    const before = fake.objects.size;
    const res = await upload(h.app, owner.token, workspaceId, { data: await jpeg(100, 100), filename: 'x.jpg' });
    expect(res.status).toBe(503);
    expect(res.body.error).toEqual({ code: 'storage_unavailable', message: 'Media storage is not available right now; try again shortly' });
    expect(fake.requests.at(-1)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(fake.objects.size).toBe(before);
    expect((await call(h.app, 'GET', `/api/v1/workspaces/${workspaceId}/media`, { token: owner.token })).body.items).toEqual([]);

    const log = h.logs.join('');
    expect(log).toContain('SignatureDoesNotMatch');
    expect(log).toContain('S3_SECRET_ACCESS_KEY');
    expect(log).not.toContain(secret);
    expect(JSON.stringify(h.runtime.storage)).not.toContain(secret);
  });
});
