import type { Sharp } from 'sharp';
import { targetMime, type ImageRules } from '../../integrations/social/rules.js';
import { AppError } from '../../lib/errors.js';
import { withSharp } from './images.js';

/**
 * Renders a copy of an image that a platform accepts: the right format, an allowed aspect ratio (cropped
 * around the centre), width and pixel count within bounds, and a file size under the limit (quality
 * lowered step by step, then the size, if it has to be).
 */
export interface RenderedVariant {
  bytes: Buffer;
  mime: string;
  width: number;
  height: number;
  reasons: string[];
}

export interface VariantSource {
  mime: string;
  /** As displayed (EXIF orientation applied). */
  width: number;
  height: number;
}

const REENCODABLE = ['image/jpeg', 'image/png', 'image/webp'];
const QUALITIES = [88, 80, 72, 64, 56, 48, 40];
/** After every quality failed: shrink by this factor and try again, at most this many times. */
const SHRINK = 0.8;
const MAX_SHRINKS = 8;

export async function renderVariant(bytes: Buffer, source: VariantSource, ir: ImageRules, reasons: string[]): Promise<RenderedVariant> {
  // Keep the format when the platform takes it (a PNG stays a PNG for a size fix); otherwise convert.
  const mime = ir.mimes.includes(source.mime) && REENCODABLE.includes(source.mime) ? source.mime : targetMime(ir);
  const allReasons = [...reasons];
  if (mime !== source.mime && !reasons.some((r) => r.startsWith('converted'))) {
    allReasons.unshift(`converted from ${label(source.mime)} to ${label(mime)}${source.mime === 'image/gif' ? ' (first frame)' : ''}`);
  }

  const crop = centralCrop(source.width, source.height, ir);
  const initial = targetSize(crop.width, crop.height, ir);
  // One image slot for the whole render (every attempt decodes the original again), under the pixel cap.
  const rendered = await withSharp(async (sharp) => {
    let { width, height } = initial;
    for (let shrink = 0; shrink <= MAX_SHRINKS; shrink++) {
      // Pixels are not kept between attempts (a 36 MP image would be 100 MB raw): sharp streams each encode.
      const base = sharp(bytes, { animated: false }).autoOrient().extract(crop).resize(width, height, { fit: 'fill' });
      for (const quality of mime === 'image/png' ? [100, 80, 60] : QUALITIES) {
        const out = await encode(base.clone(), mime, quality).toBuffer();
        if (out.length <= ir.maxBytes) return { out, width, height, shrunk: shrink > 0 };
      }
      const nextWidth = Math.floor(width * SHRINK);
      if (nextWidth < (ir.minWidth ?? 1) || nextWidth < 16) break;
      height = Math.max(1, Math.round((height * nextWidth) / width));
      width = nextWidth;
    }
    return null;
  }).catch((err: unknown) => {
    // Media uploaded before the pixel cap existed can exceed it; say so rather than fail obscurely.
    if (err instanceof Error && err.message.includes('pixel limit')) {
      throw new AppError(422, 'image_too_large', `This ${source.width} × ${source.height} image has more pixels than Herald processes; upload a smaller copy`);
    }
    throw err;
  });
  if (!rendered) {
    throw new AppError(422, 'media_cannot_fit', `This image cannot be made smaller than ${(ir.maxBytes / (1024 * 1024)).toFixed(1)} MB for this platform`);
  }
  if (rendered.shrunk) allReasons.push(`scaled down to ${rendered.width} px wide to fit the size limit`);
  return { bytes: rendered.out, mime, width: rendered.width, height: rendered.height, reasons: allReasons };
}

function encode(image: Sharp, mime: string, quality: number): Sharp {
  switch (mime) {
    case 'image/png':
      return quality >= 100 ? image.png({ compressionLevel: 9 }) : image.png({ compressionLevel: 9, palette: true, quality });
    case 'image/webp':
      return image.webp({ quality });
    default:
      // JPEG has no alpha: transparent areas become white rather than black.
      return image.flatten({ background: '#ffffff' }).jpeg({ quality });
  }
}

/** The largest centred region whose aspect ratio the rules allow. */
export function centralCrop(width: number, height: number, ir: ImageRules): { left: number; top: number; width: number; height: number } {
  const ratio = width / height;
  if (ir.minAspect && ratio < ir.minAspect - 0.005) {
    // Too tall: keep the full width, cut top and bottom.
    const h = Math.min(height, Math.floor(width / ir.minAspect));
    return { left: 0, top: Math.floor((height - h) / 2), width, height: h };
  }
  if (ir.maxAspect && ratio > ir.maxAspect + 0.005) {
    // Too wide: keep the full height, cut the sides.
    const w = Math.min(width, Math.floor(height * ir.maxAspect));
    return { left: Math.floor((width - w) / 2), top: 0, width: w, height };
  }
  return { left: 0, top: 0, width, height };
}

/** Output size for a crop: scaled down to maxWidth and maxPixels, or up to minWidth. */
export function targetSize(width: number, height: number, ir: ImageRules): { width: number; height: number } {
  let scale = 1;
  if (ir.maxWidth && width > ir.maxWidth) scale = Math.min(scale, ir.maxWidth / width);
  if (ir.maxPixels && width * height > ir.maxPixels) scale = Math.min(scale, Math.sqrt(ir.maxPixels / (width * height)));
  if (ir.minWidth && width * scale < ir.minWidth) scale = ir.minWidth / width;
  let w = Math.max(1, Math.floor(width * scale + 1e-9));
  let h = Math.max(1, Math.round((height * w) / width));
  while (ir.maxPixels && w * h > ir.maxPixels && w > 1) {
    w -= 1;
    h = Math.max(1, Math.round((height * w) / width));
  }
  return { width: w, height: h };
}

function label(mime: string): string {
  return mime.replace('image/', '').toUpperCase();
}
