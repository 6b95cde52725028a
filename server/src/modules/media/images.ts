import { availableParallelism } from 'node:os';
import type { Sharp, SharpOptions } from 'sharp';
import { AppError } from '../../lib/errors.js';
import { Semaphore } from '../../lib/semaphore.js';

/** Longest side of a library preview. */
export const THUMBNAIL_MAX_PX = 400;

export interface ImageFacts {
  /** As displayed: EXIF orientation applied. */
  width: number;
  height: number;
  /** More than one frame (animated GIF or WebP). */
  animated: boolean;
}

/**
 * Image work is bounded twice. Decoded pixels: an image's header is read (no pixels decoded) and one
 * over `maxPixels` is refused, and every decode carries the same cap (`limitInputPixels`), so a small
 * file that inflates to gigabytes (a decompression bomb) is never decoded. Work at once: at most
 * `concurrency` images are processed at a time in this process (uploads and platform variants alike),
 * each on `threads` libvips threads, and libvips keeps no cache of decoded images between operations.
 */
export interface ImageLimits {
  maxPixels: number;
  concurrency: number;
}

type SharpFactory = (input?: Buffer, options?: SharpOptions) => Sharp;

let limits: ImageLimits = { maxPixels: 50_000_000, concurrency: 2 };
let slots = new Semaphore(limits.concurrency);
let loaded: Promise<SharpFactory> | undefined;

/** Sets the process-wide limits (the runtime calls this from the config at start). */
export function configureImageProcessing(next: ImageLimits): void {
  if (next.concurrency !== limits.concurrency) slots = new Semaphore(next.concurrency);
  limits = { ...next };
  if (loaded) void loaded.then(applyThreads);
}

function applyThreads(sharp: SharpFactory): SharpFactory {
  const lib = sharp as unknown as { concurrency(n: number): number; cache(options: boolean): void };
  lib.concurrency(Math.max(1, Math.floor(availableParallelism() / limits.concurrency)));
  lib.cache(false);
  return sharp;
}

/** sharp and libvips load on the first image, not at start (a few hundred ms a server start does not need). */
async function loadSharp(): Promise<SharpFactory> {
  loaded ??= import('sharp').then((m) => applyThreads(m.default as unknown as SharpFactory));
  return loaded;
}

/**
 * Runs image work in one of the process's image slots, with a sharp whose every input is capped at
 * the pixel limit. Use it for anything that decodes pixels.
 */
export async function withSharp<T>(work: (sharp: SharpFactory) => Promise<T>): Promise<T> {
  const sharp = await loadSharp();
  const capped: SharpFactory = (input, options) => sharp(input, { limitInputPixels: limits.maxPixels, ...options });
  return slots.run(() => work(capped));
}

/**
 * Size and animation of an image already known (by its bytes) to be JPEG, PNG, WebP or GIF, from its
 * header alone; 422 `image_too_large` when one frame holds more pixels than the limit.
 */
export async function readImageFacts(bytes: Buffer, label: string): Promise<ImageFacts> {
  const sharp = await loadSharp();
  let facts: ImageFacts & { frameWidth: number; frameHeight: number };
  try {
    // Header only: metadata() decodes no pixels, so it runs outside the image slots and before any cap.
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    const frameWidth = meta.width;
    const frameHeight = meta.pageHeight ?? meta.height;
    const width = meta.autoOrient?.width ?? frameWidth;
    const height = meta.autoOrient?.height ?? frameHeight;
    if (!width || !height || !frameWidth || !frameHeight) throw new Error('no dimensions');
    facts = { width, height, animated: (meta.pages ?? 1) > 1, frameWidth, frameHeight };
  } catch (err) {
    throw unreadable(label, err);
  }
  const pixels = facts.frameWidth * facts.frameHeight;
  if (pixels > limits.maxPixels) {
    throw new AppError(
      422,
      'image_too_large',
      `This image is ${facts.width} × ${facts.height} pixels (${megapixels(pixels)}); Herald takes images up to ${megapixels(limits.maxPixels)}. Scale it down and upload it again.`,
      { width: facts.width, height: facts.height, pixels, maxPixels: limits.maxPixels },
    );
  }
  return { width: facts.width, height: facts.height, animated: facts.animated };
}

/** A WebP preview, at most THUMBNAIL_MAX_PX on its longest side (first frame of an animation). */
export async function makeThumbnail(bytes: Buffer, label: string): Promise<Buffer> {
  try {
    return await withSharp((sharp) =>
      sharp(bytes)
        .autoOrient()
        .resize(THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 78 })
        .toBuffer(),
    );
  } catch (err) {
    throw unreadable(label, err);
  }
}

function megapixels(pixels: number): string {
  const n = Number((pixels / 1_000_000).toPrecision(3));
  return `${n} megapixel${n === 1 ? '' : 's'}`;
}

function unreadable(label: string, err: unknown): AppError {
  const reason = err instanceof Error ? err.message.split('\n')[0] : 'unknown error';
  return new AppError(400, 'unreadable_media', `The file starts like a ${label} image but could not be decoded (${reason})`);
}
