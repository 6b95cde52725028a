import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { addAbortSignal, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertValidKey, InvalidStorageKeyError, StorageNotFoundError, type GetOptions, type ObjectInfo, type PutOptions, type Storage } from '../storage.js';

/**
 * Media on local disk under `<dataDir>/media/`. A write goes to a hidden temp file in the target
 * directory and is renamed into place, so readers never see half an object.
 */
export class LocalStorage implements Storage {
  readonly kind = 'local' as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: Readable | Buffer, _opts: PutOptions): Promise<{ sizeBytes: number }> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `.tmp-${randomBytes(8).toString('hex')}`);
    let sizeBytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        sizeBytes += chunk.length;
        done(null, chunk);
      },
    });
    const out = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
    try {
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, counter, out);
      await rename(tmp, path);
    } catch (err) {
      // A body that fails at once can end the pipeline before the temp file is open; the stream still
      // creates it when its open completes. Wait for it to close, then remove it.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    return { sizeBytes };
  }

  async get(key: string, opts: GetOptions = {}): Promise<Readable> {
    const path = this.pathOf(key);
    opts.signal?.throwIfAborted();
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      throw this.mapMissing(err, key);
    }
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      throw new StorageNotFoundError(key);
    }
    const range = opts.range;
    const stream = handle.createReadStream(range ? { start: range.start, end: range.end, autoClose: true } : { autoClose: true });
    // Destroying the stream closes the file handle (autoClose).
    return opts.signal ? addAbortSignal(opts.signal, stream) : stream;
  }

  async getBuffer(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      throw this.mapMissing(err, key);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const s = await stat(this.pathOf(key));
      return s.isFile() ? { sizeBytes: s.size } : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    // Tidy now-empty directories up to the root (a media item's folder, then its organization's).
    let dir = dirname(path);
    while (dir !== this.root && dir.startsWith(this.root + sep)) {
      try {
        await rmdir(dir);
      } catch {
        break;
      }
      dir = dirname(dir);
    }
  }

  /** The file behind `key`; refuses keys that would resolve outside the root, whatever their spelling. */
  private pathOf(key: string): string {
    assertValidKey(key);
    const path = resolve(this.root, key);
    const rel = relative(this.root, path);
    if (rel === '' || rel.startsWith('..') || resolve(this.root, rel) !== path) throw new InvalidStorageKeyError(key);
    return path;
  }

  private mapMissing(err: unknown, key: string): unknown {
    return isMissing(err) ? new StorageNotFoundError(key) : err;
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
