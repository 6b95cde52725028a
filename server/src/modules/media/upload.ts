import { createHash, randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { Multipart, MultipartFile } from '@fastify/multipart';
import type { AppContext } from '../../context.js';
import { AppError, badRequest, validationFailed } from '../../lib/errors.js';
import { storageFailure } from './errors.js';
import { ACCEPTED_TYPES, detectMediaType, SNIFF_BYTES, type DetectedType } from './file-types.js';
import { makeThumbnail, readImageFacts } from './images.js';
import { MoovScanner, parseMoov } from './mp4.js';
import * as repo from './repo.js';
import { UploadFieldsSchema, type UploadFields } from './schemas.js';
import { errorMessage } from '../../lib/redact.js';

const TEXT_FIELDS = ['altText', 'tags'] as const;

export interface UploadTarget {
  organizationId: string;
  workspaceId: string;
  uploadedBy: string;
}

/** The original as stored, plus what was learned while it streamed past. */
interface ReceivedFile {
  storageKey: string;
  type: DetectedType;
  filename: string;
  sizeBytes: number;
  sha256: string;
  /** Images only: the bytes (bounded by the image size limit) for sharp. */
  imageBytes: Buffer | null;
  /** Videos only: the `moov` box, wherever it was in the file. */
  moov: Buffer | null;
}

/** Raised inside the byte stream when the file passes its kind's limit; becomes a 413. */
class FileTooLarge extends Error {
  constructor(
    readonly kind: 'image' | 'video',
    readonly limitBytes: number,
  ) {
    super('file too large');
  }
}

/**
 * One upload: a multipart request with one `file` part and optional `altText` and `tags` fields, in any
 * order. The file's type is decided from its first bytes; the rest streams to storage while it is counted
 * and hashed, and the upload stops with 413 as soon as it passes the limit for its kind. Videos are never
 * held in memory; images are (they are bounded by the image limit) because sharp needs them whole.
 * Whatever fails, nothing is left behind in storage.
 */
export class MediaUploader {
  constructor(private readonly ctx: Pick<AppContext, 'db' | 'storage' | 'config' | 'logger'>) {}

  /** The largest file part busboy lets through; our own per-kind limit always trips first. */
  get multipartLimits() {
    const { maxImageBytes, maxVideoBytes } = this.ctx.config.media;
    return { fileSize: Math.max(maxImageBytes, maxVideoBytes) + 1, fields: 10, fieldSize: 16 * 1024, parts: 12, headerPairs: 100 };
  }

  async upload(target: UploadTarget, parts: AsyncIterable<Multipart>): Promise<repo.MediaRecord> {
    const mediaId = randomUUID();
    const written: string[] = [];
    const texts: Record<(typeof TEXT_FIELDS)[number], unknown[]> = { altText: [], tags: [] };
    let received: ReceivedFile | undefined;
    try {
      for await (const part of readParts(parts)) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file') {
            part.file.destroy();
            throw badRequest('unexpected_file_field', `Files go in the field named "file", not "${part.fieldname}"`);
          }
          if (received) {
            part.file.destroy();
            throw badRequest('too_many_files', 'Upload one file per request');
          }
          received = await this.receive(target.organizationId, mediaId, part);
          written.push(received.storageKey);
        } else {
          if (!(TEXT_FIELDS as readonly string[]).includes(part.fieldname)) {
            throw badRequest('unknown_field', `Unknown field "${part.fieldname}"; an upload takes file, altText and tags`, { field: part.fieldname });
          }
          if (part.valueTruncated) throw validationFailed(`${part.fieldname} is too long`, { [part.fieldname]: 'Too long' });
          texts[part.fieldname as (typeof TEXT_FIELDS)[number]].push(part.value);
        }
      }
      if (!received) throw badRequest('file_required', 'Send the image or video in a multipart field named "file"');
      const fields = parseTextFields(texts);

      let width: number | null = null;
      let height: number | null = null;
      let durationSeconds: number | null = null;
      let animated = false;
      let thumbnailKey: string | null = null;
      if (received.imageBytes) {
        const label = ACCEPTED_TYPES[received.type.mime]?.label ?? received.type.mime;
        const facts = await readImageFacts(received.imageBytes, label);
        ({ width, height, animated } = facts);
        const thumb = await makeThumbnail(received.imageBytes, label);
        thumbnailKey = `${target.organizationId}/${mediaId}/thumb.webp`;
        await this.ctx.storage.put(thumbnailKey, thumb, { contentType: 'image/webp' }).catch((err: unknown) => {
          throw storageFailure(this.ctx.logger, err, 'thumbnail upload');
        });
        written.push(thumbnailKey);
      } else if (received.moov) {
        ({ width, height, durationSeconds } = parseMoov(received.moov));
      }

      return await repo.insertMedia(this.ctx.db, {
        id: mediaId,
        organizationId: target.organizationId,
        workspaceId: target.workspaceId,
        kind: received.type.kind,
        mime: received.type.mime,
        filename: received.filename,
        sizeBytes: received.sizeBytes,
        width,
        height,
        durationSeconds,
        animated,
        sha256: received.sha256,
        storageKey: received.storageKey,
        thumbnailKey,
        altText: fields.altText,
        tags: fields.tags,
        uploadedBy: target.uploadedBy,
      });
    } catch (err) {
      await Promise.all(written.map((key) => this.ctx.storage.delete(key).catch((e: unknown) => this.ctx.logger.warn({ err: e, key }, 'could not remove a partial upload'))));
      throw err;
    }
  }

  private async receive(organizationId: string, mediaId: string, part: MultipartFile): Promise<ReceivedFile> {
    const iterator = part.file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const source = {
      next: async () => {
        try {
          return await iterator.next();
        } catch (err) {
          throw requestError(err);
        }
      },
    };
    const head: Buffer[] = [];
    let headBytes = 0;
    let ended = false;
    while (headBytes < SNIFF_BYTES) {
      const next = await source.next();
      if (next.done) {
        ended = true;
        break;
      }
      head.push(next.value);
      headBytes += next.value.length;
    }
    if (headBytes === 0) throw badRequest('empty_file', 'The file is empty');
    let type: DetectedType;
    try {
      type = await detectMediaType(Buffer.concat(head, headBytes));
    } catch (err) {
      part.file.destroy();
      throw err;
    }

    const { maxImageBytes, maxVideoBytes } = this.ctx.config.media;
    const limit = type.kind === 'image' ? maxImageBytes : maxVideoBytes;
    const hash = createHash('sha256');
    const imageChunks: Buffer[] | null = type.kind === 'image' ? [] : null;
    const scanner = type.kind === 'video' ? new MoovScanner() : null;
    let size = 0;
    const accept = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) throw new FileTooLarge(type.kind, limit);
      hash.update(chunk);
      imageChunks?.push(chunk);
      scanner?.feed(chunk);
    };
    async function* bytes(): AsyncGenerator<Buffer> {
      for (const chunk of head) {
        accept(chunk);
        yield chunk;
      }
      while (!ended) {
        const next = await source.next();
        if (next.done) break;
        accept(next.value);
        yield next.value;
      }
    }

    const storageKey = `${organizationId}/${mediaId}/original.${type.ext}`;
    try {
      await this.ctx.storage.put(storageKey, Readable.from(bytes()), { contentType: type.mime });
    } catch (err) {
      if (err instanceof FileTooLarge) {
        part.file.destroy();
        throw tooLarge(err.kind, err.limitBytes);
      }
      if (err instanceof AppError || (err as { statusCode?: number }).statusCode !== undefined) throw err;
      throw storageFailure(this.ctx.logger, err, 'upload');
    }
    if (part.file.truncated) {
      await this.ctx.storage.delete(storageKey).catch(() => undefined);
      throw tooLarge(type.kind, limit);
    }
    return {
      storageKey,
      type,
      filename: cleanFilename(part.filename, type.ext),
      sizeBytes: size,
      sha256: hash.digest('hex'),
      imageBytes: imageChunks ? Buffer.concat(imageChunks, size) : null,
      moov: scanner?.result() ?? null,
    };
  }
}

/** The parts of the request; a broken multipart body or a busboy limit becomes a clear 400. */
async function* readParts(parts: AsyncIterable<Multipart>): AsyncGenerator<Multipart> {
  const iterator = parts[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Multipart>;
      try {
        next = await iterator.next();
      } catch (err) {
        throw requestError(err);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}

/** An error raised while reading the request body, in Herald's terms. */
function requestError(err: unknown): Error {
  if (err instanceof AppError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_FILES_LIMIT') {
    return badRequest('too_many_parts', 'Too many fields: an upload takes one file plus altText and tags');
  }
  if (code === 'FST_REQ_FILE_TOO_LARGE' && err instanceof Error) return err;
  if (code === 'FST_INVALID_JSON_FIELD_ERROR') return validationFailed('A field sent as application/json is not valid JSON', { body: 'Invalid JSON field' });
  const message = errorMessage(err);
  return badRequest('malformed_multipart', `The multipart body could not be read (${message})`);
}

function tooLarge(kind: 'image' | 'video', limitBytes: number): AppError {
  return new AppError(413, 'file_too_large', `The ${kind} is larger than the ${formatBytes(limitBytes)} limit for ${kind}s`, { kind, limitBytes });
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/** The client's name for the file, as a display name only: no path, no control characters, bounded. */
export function cleanFilename(name: string | undefined, ext: string): string {
  const base = basename((name ?? '').replace(/\\/g, '/'))
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .slice(0, 255);
  return base === '' || base === '.' || base === '..' ? `upload.${ext}` : base;
}

/** `altText` once; `tags` as a JSON array, comma-separated text, or repeated fields. */
function parseTextFields(texts: Record<(typeof TEXT_FIELDS)[number], unknown[]>): UploadFields {
  if (texts.altText.length > 1) throw validationFailed('Send altText once', { altText: 'Sent more than once' });
  const tags: unknown[] = [];
  for (const value of texts.tags) {
    if (Array.isArray(value)) tags.push(...(value as unknown[]));
    else if (typeof value === 'string' && value.trim().startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(value);
        if (!Array.isArray(parsed)) throw new Error('not an array');
        tags.push(...(parsed as unknown[]));
      } catch {
        throw validationFailed('tags must be a JSON array of strings or comma-separated text', { tags: 'Invalid JSON array' });
      }
    } else if (typeof value === 'string') {
      tags.push(...value.split(',').filter((t) => t.trim() !== ''));
    } else {
      throw validationFailed('tags must be text', { tags: 'Invalid value' });
    }
  }
  const parsed = UploadFieldsSchema.safeParse({ ...(texts.altText[0] === undefined ? {} : { altText: texts.altText[0] }), tags });
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[issue.path.join('.') || 'body'] ??= issue.message;
    throw validationFailed(`Invalid upload fields: ${Object.entries(fields).map(([k, v]) => `${k} (${v})`).join(', ')}`, fields);
  }
  return parsed.data;
}
