import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../src/integrations/storage/local/local.storage.js';
import { S3Storage } from '../src/integrations/storage/s3/s3.storage.js';
import { InvalidStorageKeyError, StorageAccessError, StorageNotFoundError, StorageUnavailableError, type Storage } from '../src/integrations/storage/storage.js';
import { FakeS3 } from './fakes/s3.js';
import { freePort } from './helpers/process.js';

/** Both storage back-ends behave alike; the S3 one is proven against the S3 contract fake. */

let dir: string;
let fake: FakeS3;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'herald-storage-'));
  fake = await FakeS3.start();
});
afterAll(async () => {
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

function s3(overrides: { secretAccessKey?: string; accessKeyId?: string; endpoint?: string; bucket?: string } = {}): S3Storage {
  return new S3Storage(
    {
      endpoint: overrides.endpoint ?? fake.endpoint,
      bucket: overrides.bucket ?? fake.opts.bucket,
      accessKeyId: overrides.accessKeyId ?? fake.opts.accessKeyId,
      secretAccessKey: overrides.secretAccessKey ?? fake.opts.secretAccessKey,
      region: fake.opts.region,
      timeoutMs: 5000,
    },
    join(dir, 'spool'),
  );
}

const backends: [string, () => Storage][] = [
  ['local', () => new LocalStorage(join(dir, 'media'))],
  ['s3', () => s3()],
];

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

function chunked(parts: string[], failAfter?: number): Readable {
  return Readable.from(
    (async function* () {
      for (const [i, p] of parts.entries()) {
        if (failAfter !== undefined && i === failAfter) throw new Error('client went away');
        yield Buffer.from(p);
      }
    })(),
  );
}

describe.each(backends)('%s storage', (_name, make) => {
  const org = randomBytes(4).toString('hex');

  it('stores buffers and streams, reads them whole or by range, and deletes them', async () => {
    const storage = make();
    const key = `${org}/m1/original.jpg`;
    expect(await storage.put(key, Buffer.from('hello world'), { contentType: 'image/jpeg' })).toEqual({ sizeBytes: 11 });
    expect((await storage.getBuffer(key)).toString()).toBe('hello world');
    expect(await text(await storage.get(key))).toBe('hello world');
    expect(await text(await storage.get(key, { range: { start: 6, end: 10 } }))).toBe('world');
    expect(await storage.head(key)).toMatchObject({ sizeBytes: 11 });
    expect(await storage.exists(key)).toBe(true);

    // A stream of unknown length (an upload in progress).
    const streamed = `${org}/m2/original.mp4`;
    expect(await storage.put(streamed, chunked(['abc', 'def', 'ghi']), { contentType: 'video/mp4' })).toEqual({ sizeBytes: 9 });
    expect((await storage.getBuffer(streamed)).toString()).toBe('abcdefghi');

    await storage.delete(key);
    expect(await storage.exists(key)).toBe(false);
    expect(await storage.head(key)).toBeNull();
    await storage.delete(key); // deleting twice is fine
    await expect(storage.get(key)).rejects.toBeInstanceOf(StorageNotFoundError);
    await expect(storage.getBuffer(key)).rejects.toBeInstanceOf(StorageNotFoundError);
  });

  it('leaves nothing behind when the body fails half way, and rethrows the body’s own error', async () => {
    const storage = make();
    const key = `${org}/m3/original.png`;
    await expect(storage.put(key, chunked(['abc', 'def', 'ghi'], 2), { contentType: 'image/png' })).rejects.toThrow('client went away');
    expect(await storage.exists(key)).toBe(false);
  });

  it('refuses keys that could escape their place', async () => {
    const storage = make();
    for (const key of ['../etc/passwd', '/abs/path.jpg', 'a//b.jpg', 'a/../../b.jpg', '.hidden/x', 'a/./b', '', 'a\\b', 'a/b c.jpg']) {
      await expect(storage.put(key, Buffer.from('x'), { contentType: 'image/png' }), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.get(key), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
    }
  });
});

describe('local storage', () => {
  it('writes under its root through a temp file and tidies empty folders on delete', async () => {
    const root = join(dir, 'local-only');
    const storage = new LocalStorage(root);
    await storage.put('org/media/original.gif', Buffer.from('GIF89a'), { contentType: 'image/gif' });
    expect(await readdir(join(root, 'org/media'))).toEqual(['original.gif']);
    await expect(storage.put('org/media/thumb.webp', chunked(['a', 'b'], 1), { contentType: 'image/webp' })).rejects.toThrow();
    expect(await readdir(join(root, 'org/media'))).toEqual(['original.gif']);
    await storage.delete('org/media/original.gif');
    expect(await readdir(root)).toEqual([]);
  });
});

describe('S3 storage against the contract fake', () => {
  it('signs payloads it holds, streams others unsigned, and the fake has the bytes', async () => {
    const storage = s3();
    fake.requests.length = 0;
    await storage.put('p/q/original.jpg', Buffer.from('signed body'), { contentType: 'image/jpeg' });
    await storage.put('p/q/original.mp4', chunked(['spooled ', 'body']), { contentType: 'video/mp4' });
    const puts = fake.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.status)).toEqual([200, 200]);
    expect(puts[0]!.payloadHash).toMatch(/^[0-9a-f]{64}$/);
    expect(puts[1]!.payloadHash).toBe('UNSIGNED-PAYLOAD');
    expect(fake.objects.get('p/q/original.jpg')).toMatchObject({ body: Buffer.from('signed body'), contentType: 'image/jpeg' });
    expect(fake.objects.get('p/q/original.mp4')?.body.toString()).toBe('spooled body');
    // The spool file is gone once the upload is done.
    expect(await readdir(join(dir, 'spool'))).toEqual([]);
    const range = fake.requests.length;
    expect(await text(await storage.get('p/q/original.jpg', { range: { start: 0, end: 5 } }))).toBe('signed');
    expect(fake.requests[range]).toMatchObject({ method: 'GET', range: 'bytes=0-5', status: 206 });
  });

  it('reports a wrong secret as SignatureDoesNotMatch, without the secret in the message', async () => {
    const secret = 'wrong-secret-' + randomBytes(12).toString('hex');
    const storage = s3({ secretAccessKey: secret });
    const err = await storage.put('p/x/original.jpg', Buffer.from('x'), { contentType: 'image/jpeg' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageAccessError);
    expect((err as StorageAccessError).code).toBe('SignatureDoesNotMatch');
    expect((err as Error).message).toContain('S3_SECRET_ACCESS_KEY');
    expect(JSON.stringify(err) + String((err as Error).message) + String((err as Error).stack)).not.toContain(secret);
    expect(JSON.stringify(storage)).not.toContain(secret);
    expect(fake.requests.at(-1)).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(fake.objects.has('p/x/original.jpg')).toBe(false);
    await expect(storage.get('p/q/original.jpg')).rejects.toBeInstanceOf(StorageAccessError);
  });

  it('reports an unknown access key, a missing bucket, an outage and an unreachable endpoint', async () => {
    const unknownKey = await s3({ accessKeyId: 'AKIANOBODY' }).head('p/q/original.jpg').catch((e: unknown) => e);
    expect(unknownKey).toBeInstanceOf(StorageAccessError);
    // HEAD answers carry no body, so the status is all there is: a 403.
    const noBucket = await s3({ bucket: 'no-such-bucket' }).getBuffer('p/q/original.jpg').catch((e: unknown) => e);
    expect((noBucket as Error).message).toContain('no-such-bucket');
    expect(noBucket).not.toBeInstanceOf(StorageNotFoundError);

    fake.failNext(500, 'InternalError');
    await expect(s3().getBuffer('p/q/original.jpg')).rejects.toBeInstanceOf(StorageUnavailableError);
    fake.failNext(503, 'SlowDown', 'Please reduce your request rate.');
    await expect(s3().put('p/q/again.jpg', Buffer.from('x'), { contentType: 'image/jpeg' })).rejects.toThrow(/SlowDown/);

    const closed = `http://127.0.0.1:${await freePort()}`;
    await expect(s3({ endpoint: closed }).exists('p/q/original.jpg')).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it('the fake really checks signatures: unsigned and tampered requests are refused', async () => {
    const unsigned = await fetch(`${fake.endpoint}/${fake.opts.bucket}/p/q/original.jpg`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>AccessDenied</Code>');

    // A valid signature for one key does not open another.
    const storage = s3();
    await storage.put('p/q/original.jpg', Buffer.from('signed body'), { contentType: 'image/jpeg' });
    const res = await fetch(`${fake.endpoint}/${fake.opts.bucket}/p/q/original.jpg`, {
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=${fake.opts.accessKeyId}/${new Date().toISOString().slice(0, 10).replace(/-/g, '')}/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=${'0'.repeat(64)}`,
        'x-amz-date': new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''),
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});
