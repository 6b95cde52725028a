import { AppError } from '../../lib/errors.js';
import type { MediaKind } from './schemas.js';

/** What Herald accepts, decided from the bytes (never the name or the client's content type). */
export const ACCEPTED_TYPES: Readonly<Record<string, { kind: MediaKind; ext: string; label: string }>> = {
  'image/jpeg': { kind: 'image', ext: 'jpg', label: 'JPEG' },
  'image/png': { kind: 'image', ext: 'png', label: 'PNG' },
  'image/webp': { kind: 'image', ext: 'webp', label: 'WebP' },
  'image/gif': { kind: 'image', ext: 'gif', label: 'GIF' },
  'video/mp4': { kind: 'video', ext: 'mp4', label: 'MP4' },
  'video/quicktime': { kind: 'video', ext: 'mov', label: 'MOV' },
};

/** Enough of the head of a file for every signature we accept (file-type reads at most ~4 KB for these). */
export const SNIFF_BYTES = 16 * 1024;

/** Content types for the extensions of stored keys (originals, thumbnails, variants). */
const TYPE_BY_EXT: Record<string, string> = Object.fromEntries(Object.entries(ACCEPTED_TYPES).map(([mime, t]) => [t.ext, mime]));

export function contentTypeOfKey(key: string): string {
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return TYPE_BY_EXT[ext] ?? 'application/octet-stream';
}

export function extensionOf(mime: string): string {
  return ACCEPTED_TYPES[mime]?.ext ?? 'bin';
}

export interface DetectedType {
  mime: string;
  kind: MediaKind;
  ext: string;
}

/** The accepted type of a file from its first bytes; 415 `unsupported_media_type` otherwise. */
export async function detectMediaType(head: Buffer): Promise<DetectedType> {
  // file-type loads on the first upload, not at start.
  const found = head.length > 0 ? await import('file-type').then((m) => m.fileTypeFromBuffer(head)).catch(() => undefined) : undefined;
  const accepted = found ? ACCEPTED_TYPES[found.mime] : undefined;
  if (!found || !accepted) {
    const labels = Object.values(ACCEPTED_TYPES);
    const images = labels.filter((t) => t.kind === 'image').map((t) => t.label);
    const videos = labels.filter((t) => t.kind === 'video').map((t) => t.label);
    throw new AppError(
      415,
      'unsupported_media_type',
      `${found ? `This file is ${found.mime}` : 'This file is not a recognised image or video'}. Accepted: ${images.join(', ')} images and ${videos.join(', ')} videos.`,
      { detected: found?.mime ?? null, accepted: Object.keys(ACCEPTED_TYPES) },
    );
  }
  return { mime: found.mime, kind: accepted.kind, ext: accepted.ext };
}
