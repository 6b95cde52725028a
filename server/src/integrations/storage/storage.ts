import type { Readable } from 'node:stream';

/**
 * Where media bytes live: local disk by default, any S3-compatible store when `S3_*` is set.
 * Keys are relative, slash-separated paths such as `<orgId>/<mediaId>/original.jpg`; objects are
 * written once and never rewritten in place (a new rendition gets a new key).
 */
export interface Storage {
  readonly kind: 'local' | 's3';
  /**
   * Stores `body` under `key`, replacing any object there. The object becomes visible only once it is
   * complete (a failed or aborted body leaves nothing behind). A stream that errors rejects with the
   * stream's own error, so callers can recognise errors they raised themselves (e.g. a size limit).
   */
  put(key: string, body: Readable | Buffer, opts: PutOptions): Promise<{ sizeBytes: number }>;
  /**
   * A stream of the object's bytes, or of `range` (inclusive bounds), read as it is consumed. When
   * `signal` aborts, the stream is destroyed with the abort's error and its file or download closed.
   * Throws StorageNotFoundError.
   */
  get(key: string, opts?: GetOptions): Promise<Readable>;
  /** The whole object in memory: for images and variants, never for videos of unbounded size. */
  getBuffer(key: string): Promise<Buffer>;
  /** Size (and type, where the store keeps it) of an object, or null when there is none. */
  head(key: string): Promise<ObjectInfo | null>;
  exists(key: string): Promise<boolean>;
  /** Removes the object; removing a missing object is not an error. */
  delete(key: string): Promise<void>;
}

export interface PutOptions {
  contentType: string;
  /** Known length of a streamed body; S3 needs it up front, so without it the body is spooled to disk first. */
  contentLength?: number | undefined;
}

export interface GetOptions {
  range?: ByteRange | undefined;
  signal?: AbortSignal | undefined;
}

/** Inclusive byte offsets, as in an HTTP `Range: bytes=start-end` header. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ObjectInfo {
  sizeBytes: number;
  contentType?: string | undefined;
}

/** Base of every storage failure; `message` never carries credentials. */
export class StorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
  }
}

export class StorageNotFoundError extends StorageError {
  constructor(readonly key: string) {
    super(`No stored object at ${key}`);
    this.name = 'StorageNotFoundError';
  }
}

/** The store refused our credentials or signature (S3 403: SignatureDoesNotMatch, AccessDenied, InvalidAccessKeyId). */
export class StorageAccessError extends StorageError {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'StorageAccessError';
  }
}

/** The store could not be reached or failed on its side (network, timeout, 5xx). */
export class StorageUnavailableError extends StorageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

/** A key we would refuse to write: absolute, with `..` or empty segments, or odd characters. */
export class InvalidStorageKeyError extends StorageError {
  constructor(readonly key: string) {
    super(`Invalid storage key ${JSON.stringify(key.slice(0, 200))}`);
    this.name = 'InvalidStorageKeyError';
  }
}

const KEY_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** Keys are relative paths of safe segments; anything else is refused before it reaches a disk or bucket. */
export function assertValidKey(key: string): void {
  if (key.length === 0 || key.length > 512) throw new InvalidStorageKeyError(key);
  for (const segment of key.split('/')) {
    if (!KEY_SEGMENT.test(segment) || segment === '.' || segment === '..') throw new InvalidStorageKeyError(key);
  }
}
