import { addAbortSignal, Readable } from 'node:stream';
import { StorageAccessError, StorageError, StorageNotFoundError, StorageUnavailableError, type ByteRange, type ObjectInfo } from '../storage.js';
import { EMPTY_SHA256, sha256Hex, signRequest, UNSIGNED_PAYLOAD, uriEncode } from './sigv4.js';

export interface S3Settings {
  /** e.g. http://127.0.0.1:9000 or https://s3.eu-central-1.amazonaws.com; requests are path-style. */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Time allowed for the response headers of a request without a large body. */
  timeoutMs: number;
}

/** Assumed worst-case upload throughput when giving a PUT of a large body time to finish. */
const MIN_UPLOAD_BYTES_PER_SECOND = 512 * 1024;

/**
 * The four S3 calls Herald needs (PutObject, GetObject, HeadObject, DeleteObject), signed with SigV4
 * over fetch, path-style (`${endpoint}/${bucket}/${key}`) so it works with MinIO, R2, B2 and AWS alike.
 * The secret is kept in a private field: it never appears in an error, a log line or JSON.stringify.
 */
export class S3Client {
  readonly #secretAccessKey: string;
  private readonly settings: Omit<S3Settings, 'secretAccessKey'>;
  private readonly base: string;

  constructor({ secretAccessKey, ...settings }: S3Settings) {
    this.#secretAccessKey = secretAccessKey;
    this.settings = settings;
    this.base = `${settings.endpoint.replace(/\/+$/, '')}/${uriEncode(settings.bucket)}`;
  }

  /** PutObject. `body` is a Buffer (payload hash signed) or a stream of exactly `contentLength` bytes (unsigned payload). */
  async putObject(key: string, body: Buffer | Readable, opts: { contentType: string; contentLength: number }): Promise<{ etag: string | null }> {
    const isBuffer = Buffer.isBuffer(body);
    const res = await this.send('PUT', key, {
      headers: { 'content-type': opts.contentType, 'content-length': String(opts.contentLength) },
      payloadHash: isBuffer ? sha256Hex(body) : UNSIGNED_PAYLOAD,
      body: isBuffer ? body : Readable.toWeb(body),
      timeoutMs: this.settings.timeoutMs + Math.ceil(opts.contentLength / MIN_UPLOAD_BYTES_PER_SECOND) * 1000,
    });
    await this.expectOk(res, key, 'PutObject');
    await res.body?.cancel().catch(() => undefined);
    return { etag: res.headers.get('etag') };
  }

  /**
   * GetObject, optionally a byte range. The body streams; only the response headers are under the
   * timeout. `signal` ends the request at any point, the body's download included.
   */
  async getObject(key: string, range?: ByteRange, signal?: AbortSignal): Promise<Readable> {
    const res = await this.send('GET', key, { headers: range ? { range: `bytes=${range.start}-${range.end}` } : {}, payloadHash: EMPTY_SHA256, signal });
    await this.expectOk(res, key, 'GetObject');
    if (!res.body) return Readable.from([]);
    const stream = Readable.fromWeb(res.body);
    // Aborting the fetch errors the body's reader; destroying the stream as well ends it at once.
    return signal ? addAbortSignal(signal, stream) : stream;
  }

  /** HeadObject: size and type, or null when the key does not exist. */
  async headObject(key: string): Promise<ObjectInfo | null> {
    const res = await this.send('HEAD', key, { headers: {}, payloadHash: EMPTY_SHA256 });
    if (res.status === 404) return null;
    await this.expectOk(res, key, 'HeadObject');
    const length = Number(res.headers.get('content-length'));
    if (!Number.isFinite(length)) throw new StorageError(`S3 HeadObject for ${key} returned no Content-Length`);
    return { sizeBytes: length, contentType: res.headers.get('content-type') ?? undefined };
  }

  /** DeleteObject: S3 answers 204 whether or not the key existed. */
  async deleteObject(key: string): Promise<void> {
    const res = await this.send('DELETE', key, { headers: {}, payloadHash: EMPTY_SHA256 });
    try {
      await this.expectOk(res, key, 'DeleteObject');
    } catch (err) {
      // Some S3-compatible stores answer NoSuchKey where AWS answers 204: the object is gone either way.
      if (!(err instanceof StorageNotFoundError)) throw err;
    }
    await res.body?.cancel().catch(() => undefined);
  }

  private async send(
    method: 'GET' | 'PUT' | 'HEAD' | 'DELETE',
    key: string,
    opts: { headers: Record<string, string>; payloadHash: string; body?: Buffer | ReadableStream<Uint8Array>; timeoutMs?: number; signal?: AbortSignal | undefined },
  ): Promise<Response> {
    const url = new URL(`${this.base}/${key.split('/').map(uriEncode).join('/')}`);
    const headers = signRequest(
      { method, url, headers: opts.headers, payloadHash: opts.payloadHash, now: new Date() },
      { accessKeyId: this.settings.accessKeyId, secretAccessKey: this.#secretAccessKey, region: this.settings.region },
    );
    // The timer covers the request until its response headers arrive; a streamed download may take longer.
    const controller = new AbortController();
    const timeoutMs = opts.timeoutMs ?? this.settings.timeoutMs;
    const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    try {
      return await fetch(url, {
        method,
        headers,
        signal: opts.signal ? AbortSignal.any([controller.signal, opts.signal]) : controller.signal,
        ...(opts.body === undefined ? {} : { body: opts.body, duplex: 'half' }),
      });
    } catch (err) {
      if (err instanceof StorageError) throw err;
      if (opts.signal?.aborted) throw opts.signal.reason;
      const reason = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : (err as Error).message;
      throw new StorageUnavailableError(`S3 ${method} ${key} failed: ${reason}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Turns an S3 error answer into a typed error naming S3's own code and message. */
  private async expectOk(res: Response, key: string, operation: string): Promise<void> {
    if (res.ok) return;
    const xml = res.status === 304 || res.headers.get('content-length') === '0' ? '' : await res.text().catch(() => '');
    const code = xmlTag(xml, 'Code') ?? (res.status === 404 ? 'NoSuchKey' : `HTTP${res.status}`);
    const message = xmlTag(xml, 'Message') ?? res.statusText;
    if (code === 'NoSuchKey' || (res.status === 404 && code !== 'NoSuchBucket')) throw new StorageNotFoundError(key);
    if (res.status === 403 || code === 'SignatureDoesNotMatch' || code === 'AccessDenied' || code === 'InvalidAccessKeyId') {
      const hint =
        code === 'SignatureDoesNotMatch' || code === 'InvalidAccessKeyId'
          ? 'check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (and S3_REGION)'
          : 'check the bucket policy and the key’s permissions';
      throw new StorageAccessError(`S3 refused ${operation} for ${key}: ${code}${message ? ` (${message})` : ''}; ${hint}`, code);
    }
    if (code === 'NoSuchBucket') throw new StorageError(`S3 bucket ${this.settings.bucket} does not exist (${operation})`);
    if (res.status >= 500) throw new StorageUnavailableError(`S3 ${operation} for ${key} failed: ${res.status} ${code}${message ? ` (${message})` : ''}`);
    throw new StorageError(`S3 ${operation} for ${key} failed: ${res.status} ${code}${message ? ` (${message})` : ''}`);
  }
}

function xmlTag(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return m?.[1] === undefined ? undefined : decodeXml(m[1]);
}

function decodeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
