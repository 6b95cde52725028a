import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A contract fake of the S3 REST API (path-style: `/{bucket}/{key}`), served by a real HTTP server on
 * 127.0.0.1, for PutObject, GetObject (with Range), HeadObject and DeleteObject. It checks requests the
 * way S3 documents (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html):
 * - the SigV4 Authorization header is recomputed from the request as received with the known secret;
 *   a mismatch is 403 `SignatureDoesNotMatch`, an unknown key id 403 `InvalidAccessKeyId`, no
 *   signature 403 `AccessDenied`, a clock off by more than 15 minutes 403 `RequestTimeTooSkewed`,
 *   a credential scope for another region 400 `AuthorizationHeaderMalformed`;
 * - `x-amz-content-sha256` is required (400 `InvalidRequest`) and, unless `UNSIGNED-PAYLOAD`, must be
 *   the body's SHA-256 (400 `XAmzContentSHA256Mismatch`); PUT needs Content-Length (411);
 * - a missing key is 404 `NoSuchKey` (HEAD: 404 without a body), an unknown bucket 404 `NoSuchBucket`,
 *   DELETE of a missing key is 204, an unsatisfiable range 416 `InvalidRange`.
 * Errors are S3's XML `<Error><Code>…</Code><Message>…</Message>…</Error>`.
 */

export interface StoredObject {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
}

export interface ReceivedRequest {
  method: string;
  key: string;
  status: number;
  code?: string;
  range?: string;
  /** The x-amz-content-sha256 the client sent. */
  payloadHash?: string;
}

export interface FakeS3Options {
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

const SKEW_MS = 15 * 60 * 1000;

export class FakeS3 {
  readonly objects = new Map<string, StoredObject>();
  readonly requests: ReceivedRequest[] = [];
  private readonly server: Server;
  private port = 0;
  private failures: { status: number; code: string; message: string }[] = [];

  private constructor(readonly opts: FakeS3Options) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
  }

  static async start(opts: Partial<FakeS3Options> = {}): Promise<FakeS3> {
    const fake = new FakeS3({
      bucket: opts.bucket ?? 'herald-media',
      accessKeyId: opts.accessKeyId ?? 'AKIAFAKE0000EXAMPLE',
      secretAccessKey: opts.secretAccessKey ?? randomBytes(30).toString('base64'),
      region: opts.region ?? 'us-east-1',
    });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The environment a Herald configured for this fake needs. */
  env(overrides: Partial<FakeS3Options> = {}): Record<string, string> {
    return {
      S3_ENDPOINT: this.endpoint,
      S3_BUCKET: overrides.bucket ?? this.opts.bucket,
      S3_ACCESS_KEY_ID: overrides.accessKeyId ?? this.opts.accessKeyId,
      S3_SECRET_ACCESS_KEY: overrides.secretAccessKey ?? this.opts.secretAccessKey,
      S3_REGION: overrides.region ?? this.opts.region,
    };
  }

  /** The next request (after authentication) fails with this S3 error, as during an outage. */
  failNext(status: number, code: string, message = 'We encountered an internal error. Please try again.'): void {
    this.failures.push({ status, code, message });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const rawUrl = req.url ?? '/';
    const rawPath = rawUrl.split('?')[0]!;
    const segments = rawPath.split('/').slice(1).map((s) => decodeURIComponent(s));
    const bucket = segments[0] ?? '';
    const key = segments.slice(1).join('/');
    const method = req.method ?? 'GET';
    const log: ReceivedRequest = { method, key, status: 0 };
    if (typeof req.headers.range === 'string') log.range = req.headers.range;
    if (typeof req.headers['x-amz-content-sha256'] === 'string') log.payloadHash = req.headers['x-amz-content-sha256'];
    this.requests.push(log);
    const fail = (status: number, code: string, message: string, extra: Record<string, string> = {}) => {
      log.status = status;
      log.code = code;
      const xml = errorXml(code, message, { ...(key ? { Key: key } : {}), ...extra });
      if (method === 'HEAD') res.writeHead(status, { 'x-amz-request-id': requestId() }).end();
      else res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId() }).end(xml);
    };

    const authError = this.authenticate(req, rawPath, rawUrl);
    if (authError) return fail(authError.status, authError.code, authError.message, authError.extra);

    const payloadHash = req.headers['x-amz-content-sha256'] as string;
    if (payloadHash !== 'UNSIGNED-PAYLOAD' && sha256(body) !== payloadHash) {
      return fail(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
        ClientComputedContentSHA256: payloadHash,
        S3ComputedContentSHA256: sha256(body),
      });
    }
    const failure = this.failures.shift();
    if (failure) return fail(failure.status, failure.code, failure.message);
    if (bucket !== this.opts.bucket) return fail(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
    if (!key) return fail(400, 'InvalidRequest', 'This fake serves object operations only');

    switch (method) {
      case 'PUT': {
        if (req.headers['content-length'] === undefined) return fail(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
        const etag = `"${createHash('md5').update(body).digest('hex')}"`;
        this.objects.set(key, { body, contentType: req.headers['content-type'] ?? 'binary/octet-stream', etag, lastModified: new Date() });
        log.status = 200;
        res.writeHead(200, { etag, 'x-amz-request-id': requestId() }).end();
        return;
      }
      case 'GET':
      case 'HEAD': {
        const obj = this.objects.get(key);
        if (!obj) return fail(404, 'NoSuchKey', 'The specified key does not exist.');
        const headers: Record<string, string> = {
          'content-type': obj.contentType,
          etag: obj.etag,
          'last-modified': obj.lastModified.toUTCString(),
          'accept-ranges': 'bytes',
          'x-amz-request-id': requestId(),
        };
        const size = obj.body.length;
        const range = typeof req.headers.range === 'string' ? parseRange(req.headers.range, size) : null;
        if (range === 'unsatisfiable') {
          return fail(416, 'InvalidRange', 'The requested range is not satisfiable', { RangeRequested: req.headers.range ?? '', ActualObjectSize: String(size) });
        }
        const slice = range ? obj.body.subarray(range.start, range.end + 1) : obj.body;
        const status = range ? 206 : 200;
        if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
        headers['content-length'] = String(slice.length);
        log.status = status;
        res.writeHead(status, headers);
        res.end(method === 'HEAD' ? undefined : slice);
        return;
      }
      case 'DELETE':
        this.objects.delete(key);
        log.status = 204;
        res.writeHead(204, { 'x-amz-request-id': requestId() }).end();
        return;
      default:
        return fail(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }
  }

  /** Recomputes the SigV4 signature of the request as received; null when it is valid. */
  private authenticate(req: IncomingMessage, rawPath: string, rawUrl: string): { status: number; code: string; message: string; extra?: Record<string, string> } | null {
    const auth = req.headers.authorization;
    if (!auth) return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
    const m = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) return { status: 400, code: 'AuthorizationHeaderMalformed', message: 'The authorization header is malformed.' };
    const [, accessKeyId, day, region, service, signedHeaderList, signature] = m as unknown as [string, string, string, string, string, string, string];
    if (accessKeyId !== this.opts.accessKeyId) {
      return { status: 403, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.', extra: { AWSAccessKeyId: accessKeyId } };
    }
    if (region !== this.opts.region || service !== 's3') {
      return { status: 400, code: 'AuthorizationHeaderMalformed', message: `The authorization header is malformed; the region '${region}' is wrong; expecting '${this.opts.region}'` };
    }
    const payloadHash = req.headers['x-amz-content-sha256'];
    if (typeof payloadHash !== 'string') return { status: 400, code: 'InvalidRequest', message: 'Missing required header for this request: x-amz-content-sha256' };
    const amzDate = req.headers['x-amz-date'];
    if (typeof amzDate !== 'string' || !/^\d{8}T\d{6}Z$/.test(amzDate)) return { status: 403, code: 'AccessDenied', message: 'AWS authentication requires a valid Date or x-amz-date header' };
    if (amzDate.slice(0, 8) !== day) return { status: 403, code: 'SignatureDoesNotMatch', message: 'The credential date does not match x-amz-date.' };
    const when = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15));
    if (Math.abs(Date.now() - when) > SKEW_MS) {
      return { status: 403, code: 'RequestTimeTooSkewed', message: 'The difference between the request time and the current time is too large.' };
    }
    const signed = signedHeaderList.split(';');
    for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256']) {
      if (!signed.includes(required)) return { status: 403, code: 'SignatureDoesNotMatch', message: `SignedHeaders must include ${required}` };
    }
    const canonicalHeaders = signed
      .map((name) => {
        const value = req.headers[name];
        const text = Array.isArray(value) ? value.join(',') : (value ?? '');
        return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
      })
      .join('');
    const query = rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '';
    const canonicalQuery = query
      .split('&')
      .filter(Boolean)
      .map((p) => {
        const [k, v = ''] = p.split('=');
        return [awsEncode(decodeURIComponent(k!)), awsEncode(decodeURIComponent(v))] as const;
      })
      .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const canonicalUri = rawPath
      .split('/')
      .map((s) => awsEncode(decodeURIComponent(s)))
      .join('/');
    const canonicalRequest = [req.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaderList, payloadHash].join('\n');
    const scope = `${day}/${region}/s3/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
    let k: Buffer = hmac(`AWS4${this.opts.secretAccessKey}`, day);
    for (const part of [region, 's3', 'aws4_request']) k = hmac(k, part);
    const expected = hmac(k, stringToSign).toString('hex');
    if (expected !== signature) {
      return {
        status: 403,
        code: 'SignatureDoesNotMatch',
        message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
        extra: { AWSAccessKeyId: accessKeyId, StringToSign: stringToSign, SignatureProvided: signature, CanonicalRequest: canonicalRequest },
      };
    }
    return null;
  }
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` as S3 reads them; null (whole object) for anything else. */
function parseRange(header: string, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

function errorXml(code: string, message: string, extra: Record<string, string>): string {
  const fields = Object.entries(extra)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${fields}<RequestId>${requestId()}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId></Error>`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function awsEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function requestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
