import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertValidKey, type GetOptions, type ObjectInfo, type PutOptions, type Storage } from '../storage.js';
import { S3Client, type S3Settings } from './s3.client.js';

/**
 * Media in an S3-compatible bucket. PutObject needs the length before the first byte, so a stream of
 * unknown length (an upload arriving in a multipart request) is spooled to a temp file under `spoolDir`
 * first: memory use stays flat whatever the size.
 */
export class S3Storage implements Storage {
  readonly kind = 's3' as const;
  private readonly client: S3Client;

  constructor(
    settings: S3Settings,
    private readonly spoolDir: string,
  ) {
    this.client = new S3Client(settings);
  }

  async put(key: string, body: Readable | Buffer, opts: PutOptions): Promise<{ sizeBytes: number }> {
    assertValidKey(key);
    if (Buffer.isBuffer(body)) {
      await this.client.putObject(key, body, { contentType: opts.contentType, contentLength: body.length });
      return { sizeBytes: body.length };
    }
    if (opts.contentLength !== undefined) {
      await this.client.putObject(key, body, { contentType: opts.contentType, contentLength: opts.contentLength });
      return { sizeBytes: opts.contentLength };
    }
    await mkdir(this.spoolDir, { recursive: true, mode: 0o700 });
    const spool = join(this.spoolDir, `s3-put-${randomBytes(8).toString('hex')}`);
    const out = createWriteStream(spool, { flags: 'wx', mode: 0o600 });
    try {
      await pipeline(body, out);
      const { size } = await stat(spool);
      await this.client.putObject(key, createReadStream(spool), { contentType: opts.contentType, contentLength: size });
      return { sizeBytes: size };
    } finally {
      // A body that fails at once can end the pipeline before the file is even open; the stream still
      // creates it when its open completes. Wait for the stream to close, then remove the file.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      await rm(spool, { force: true });
    }
  }

  async get(key: string, opts: GetOptions = {}): Promise<Readable> {
    assertValidKey(key);
    return this.client.getObject(key, opts.range, opts.signal);
  }

  async getBuffer(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.get(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    return this.client.headObject(key);
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.deleteObject(key);
  }
}
