import { crc32, deflateSync } from 'node:zlib';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { orgWithWorkspace, person, png, upload, type Person } from './media-fixtures.js';

/** Decoded-pixel limits on uploads: a decompression bomb is refused from its header, never decoded. */

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A valid black 1-bit greyscale PNG of width × height written by hand: every row is a filter byte and
 * zeros, so 20,000 × 20,000 (400 megapixels, 1.6 GB as RGBA) deflates to about 50 KB.
 */
function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = Buffer.alloc((1 + Math.ceil(width / 8)) * height); // filter 0 + packed pixels, all zero
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function storedFiles(t: TestApp): Promise<string[]> {
  return readdir(join(t.dataDir, 'media'), { recursive: true }).catch(() => []);
}

describe('default limits', () => {
  let t: TestApp;
  let owner: Person;
  let workspaceId: string;
  beforeAll(async () => {
    t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '100000' });
    owner = await person(t.app);
    ({ workspaceId } = await orgWithWorkspace(t.app, owner));
  });
  afterAll(async () => t?.close());

  it('refuses a 20,000 × 20,000 PNG of a few tens of KB with 422 image_too_large, without decoding it', async () => {
    const bomb = pngBomb(20_000, 20_000);
    expect(bomb.length).toBeLessThan(100 * 1024);

    // Resident memory of this process (the app runs in it) sampled while the upload is handled: decoding
    // the image would take at least 400 MB (one byte per pixel), as RGBA 1.6 GB.
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    const res = await upload(t.app, owner.token, workspaceId, { data: bomb, filename: 'bomb.png' });
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.code).toBe('image_too_large');
    expect(res.body.error.message).toContain('20000 × 20000 pixels (400 megapixels)');
    expect(res.body.error.message).toContain('up to 50 megapixels');
    expect(res.body.error.details).toEqual({ width: 20_000, height: 20_000, pixels: 400_000_000, maxPixels: 50_000_000 });
    expect(peak - baseline).toBeLessThan(200 * 1024 * 1024);
    expect(await storedFiles(t)).toEqual([]);
  });

  it('still takes an ordinary image', async () => {
    const res = await upload(t.app, owner.token, workspaceId, { data: await png(1200, 800), filename: 'ok.png' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ width: 1200, height: 800 });
  });
});

describe('HERALD_MEDIA_MAX_IMAGE_PIXELS', () => {
  let t: TestApp;
  let owner: Person;
  let workspaceId: string;
  beforeAll(async () => {
    t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '100000', HERALD_MEDIA_MAX_IMAGE_PIXELS: '1000000' });
    owner = await person(t.app);
    ({ workspaceId } = await orgWithWorkspace(t.app, owner));
  });
  afterAll(async () => t?.close());

  it('takes an image at the configured cap and refuses one pixel column more', async () => {
    const at = await upload(t.app, owner.token, workspaceId, { data: await png(1000, 1000), filename: 'at.png' });
    expect(at.status, JSON.stringify(at.body)).toBe(201);
    const over = await upload(t.app, owner.token, workspaceId, { data: await png(1001, 1000), filename: 'over.png' });
    expect(over.status, JSON.stringify(over.body)).toBe(422);
    expect(over.body.error).toMatchObject({ code: 'image_too_large', details: { width: 1001, height: 1000, maxPixels: 1_000_000 } });
    expect(over.body.error.message).toContain('up to 1 megapixel.');
  });
});
