import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { ByteRange } from '../../integrations/storage/storage.js';
import { AppError, notFound } from '../../lib/errors.js';
import { storageFailure } from './errors.js';
import { contentTypeOfKey } from './file-types.js';
import { verifyMediaToken } from './signed-url.js';

/** Longest a response may be cached, whatever the URL's own lifetime. */
const MAX_CACHE_SECONDS = 24 * 3600;

/**
 * Serves the bytes behind a signed media URL, with the headers players and platforms expect:
 * Content-Type, Content-Length, Cache-Control (never past the URL's expiry), an ETag, and single
 * byte ranges (206, or 416 when the range starts past the end). Stored objects never change under a
 * key, so the ETag only has to tell keys apart.
 */
export class MediaFileServer {
  constructor(private readonly ctx: Pick<AppContext, 'keys' | 'storage' | 'logger'>) {}

  async serve(request: FastifyRequest, reply: FastifyReply, token: string): Promise<FastifyReply> {
    const { storageKey, expiresAt } = verifyMediaToken(this.ctx.keys, token);
    const info = await this.ctx.storage.head(storageKey).catch((err: unknown) => {
      throw storageFailure(this.ctx.logger, err, 'media file lookup');
    });
    if (!info) throw notFound('Media file');
    const size = info.sizeBytes;
    const etag = `"${createHash('sha256').update(storageKey).digest('base64url').slice(0, 22)}-${size.toString(36)}"`;
    const range = parseRange(request.headers.range, size);
    if (range === 'unsatisfiable') {
      throw new AppError(416, 'range_not_satisfiable', `The requested range is outside the file (${size} bytes)`, { sizeBytes: size }, { 'content-range': `bytes */${size}` });
    }
    const notModified = request.headers['if-none-match'] === etag;
    const length = range ? range.end - range.start + 1 : size;
    // Open the stream before any header is set, so a storage failure still answers a clean JSON error.
    const body =
      request.method === 'HEAD' || notModified || length === 0
        ? null
        : await this.ctx.storage.get(storageKey, range ? { range } : {}).catch((err: unknown) => {
            throw storageFailure(this.ctx.logger, err, 'media file download');
          });

    const maxAge = Math.max(0, Math.min(MAX_CACHE_SECONDS, Math.floor(expiresAt - Date.now() / 1000)));
    void reply.headers({
      'content-type': contentTypeOfKey(storageKey),
      'accept-ranges': 'bytes',
      'cache-control': `public, max-age=${maxAge}, immutable`,
      etag,
      'content-disposition': 'inline',
    });
    if (notModified) return reply.status(304).send();
    void reply.status(range ? 206 : 200).header('content-length', String(length));
    if (range) void reply.header('content-range', `bytes ${range.start}-${range.end}/${size}`);
    // An empty stream, not an empty body: Fastify would otherwise reset Content-Length to 0 on HEAD.
    return reply.send(body ?? Readable.from([]));
  }
}

/**
 * One `bytes=` range (RFC 9110 §14.1.2): `a-b`, `a-` or `-n` (the last n bytes). Anything else, several
 * ranges included, is ignored and the whole file is served, as the RFC allows.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable';
  if (end < start) return null;
  return { start, end };
}
