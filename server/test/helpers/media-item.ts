import { Readable } from 'node:stream';
import type { MediaItem } from '../../src/integrations/social/provider.js';

/** `MediaItem.open` over bytes in memory, for provider tests: a stream of the whole or of the range asked for. */
export function openBytes(bytes: Buffer): MediaItem['open'] {
  return async ({ range, signal } = {}) => {
    signal?.throwIfAborted();
    return Readable.from([range ? bytes.subarray(range.start, range.end + 1) : bytes], { objectMode: false });
  };
}
