import sharp from 'sharp';
import { AppError } from '../../lib/errors.js';

/** Longest side of a library preview. */
export const THUMBNAIL_MAX_PX = 400;

export interface ImageFacts {
  /** As displayed: EXIF orientation applied. */
  width: number;
  height: number;
  /** More than one frame (animated GIF or WebP). */
  animated: boolean;
}

/** Size and animation of an image already known (by its bytes) to be JPEG, PNG, WebP or GIF. */
export async function readImageFacts(bytes: Buffer, label: string): Promise<ImageFacts> {
  try {
    const meta = await sharp(bytes).metadata();
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.pageHeight ?? meta.height;
    if (!width || !height) throw new Error('no dimensions');
    return { width, height, animated: (meta.pages ?? 1) > 1 };
  } catch (err) {
    throw unreadable(label, err);
  }
}

/** A WebP preview, at most THUMBNAIL_MAX_PX on its longest side (first frame of an animation). */
export async function makeThumbnail(bytes: Buffer, label: string): Promise<Buffer> {
  try {
    return await sharp(bytes)
      .autoOrient()
      .resize(THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 78 })
      .toBuffer();
  } catch (err) {
    throw unreadable(label, err);
  }
}

function unreadable(label: string, err: unknown): AppError {
  const reason = err instanceof Error ? err.message.split('\n')[0] : 'unknown error';
  return new AppError(400, 'unreadable_media', `The file starts like a ${label} image but could not be decoded (${reason})`);
}
