import { type Readable, Transform } from 'node:stream';
import { TransientError } from './errors.js';
import type { StreamedBody } from './http.js';
import type { MediaItem } from './provider.js';

/**
 * How providers take the bytes of a media item for an upload. A video goes to a platform part by
 * part, each part read from Herald's media store (a file range, or a ranged GET on S3) while it is
 * sent, so a publish holds at most one part of a video in memory, whatever the file's size and
 * however many publishes run at once. Failing to read is transient: the platform got nothing whole.
 */

/** Inclusive byte offsets of one part of a file. */
export interface PartRange {
  start: number;
  end: number;
}

/** `size` bytes cut into parts of `partBytes` (the last one shorter), in order. */
export function partsOf(size: number, partBytes: number): PartRange[] {
  const parts: PartRange[] = [];
  for (let start = 0; start < size; start += partBytes) parts.push({ start, end: Math.min(size, start + partBytes) - 1 });
  return parts;
}

/**
 * A request body of the bytes `range` of `item`, streamed from storage when the request is sent. The
 * stream errors with a TransientError when the store fails or gives other than exactly that many bytes.
 */
export function mediaBody(item: MediaItem, range: PartRange): StreamedBody {
  const expected = range.end - range.start + 1;
  return {
    length: expected,
    open: async (signal) => {
      const source = await openMedia(item, range, signal);
      let length = 0;
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          length += chunk.length;
          done(length > expected ? shortRead(item, length, expected) : null, chunk);
        },
        flush(done) {
          done(length === expected ? null : shortRead(item, length, expected));
        },
      });
      source.once('error', (err) => counted.destroy(unreadable(item, err, signal)));
      // Whoever ends the body (the request finished, failed or was aborted) closes the file too.
      counted.once('close', () => source.destroy());
      return source.pipe(counted);
    },
  };
}

/**
 * The bytes of `range` (default: the whole file) in one Buffer: for a multipart part of a few MB (X
 * takes segments of at most 5 MB) or an image, never for a whole video.
 */
export async function readMedia(item: MediaItem, signal: AbortSignal | undefined, range: PartRange = { start: 0, end: item.sizeBytes - 1 }): Promise<Buffer> {
  const expected = range.end - range.start + 1;
  const stream = await openMedia(item, range, signal);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
    }
  } catch (err) {
    throw unreadable(item, err, signal);
  }
  if (length !== expected) throw shortRead(item, length, expected);
  return Buffer.concat(chunks, length);
}

/** A stream of `range`; a store that cannot serve it gives a TransientError (nothing was sent). */
export async function openMedia(item: MediaItem, range: PartRange, signal: AbortSignal | undefined): Promise<Readable> {
  try {
    return await item.open({ range, signal });
  } catch (err) {
    throw unreadable(item, err, signal);
  }
}

/** What a failed read of the media store becomes; an abort by Herald is said as such. */
export function unreadable(item: MediaItem, err: unknown, signal: AbortSignal | undefined): TransientError {
  if (signal?.aborted) return new TransientError(`Herald stopped reading the ${item.kind} (the call was abandoned)`, 'abandoned');
  if (err instanceof TransientError) return err;
  return new TransientError(`Herald could not read the ${item.kind}: ${err instanceof Error ? err.message : String(err)}`, 'media_unreadable');
}

export function shortRead(item: MediaItem, got: number, expected: number): TransientError {
  return new TransientError(`Herald's media store gave ${got} bytes of the ${item.kind} where ${expected} were expected`, 'media_unreadable');
}
