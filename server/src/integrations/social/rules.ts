import { twitterText } from './twitter-text.js';
import type { Platform } from './provider.js';

/**
 * Per-platform content rules (see ../shared/reference/platform-contracts.md §10 and each platform's
 * limits section). Image problems are adaptable: Herald makes a conforming variant with sharp.
 * Text and video problems are not: they are errors the user must fix.
 */
export type TextCounting = 'code-points' | 'utf16' | 'x-weighted';

export interface ImageRules {
  mimes: readonly string[];
  maxBytes: number;
  /** Width/height bounds, inclusive. */
  minAspect?: number;
  maxAspect?: number;
  minWidth?: number;
  maxWidth?: number;
  maxPixels?: number;
}

export interface VideoRules {
  mimes: readonly string[];
  maxBytes: number;
  maxDurationSeconds?: number;
}

export interface ContentRules {
  text: { max: number; counting: TextCounting; required: boolean };
  hashtags?: { max: number };
  media: {
    required: boolean;
    maxImages: number;
    maxVideos: number;
    /** Images and videos in one post. */
    allowMixed: boolean;
    image: ImageRules | null;
    video: VideoRules | null;
    /** An animated GIF must be the only media item (X). */
    gifAlone?: boolean;
  };
}

const MB = 1024 * 1024;

export const CONTENT_RULES: Record<Platform, ContentRules> = {
  sandbox: {
    text: { max: 5000, counting: 'code-points', required: false },
    media: {
      required: false,
      maxImages: 10,
      maxVideos: 1,
      allowMixed: true,
      image: { mimes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'], maxBytes: 10 * MB },
      video: { mimes: ['video/mp4', 'video/quicktime'], maxBytes: 100 * MB },
    },
  },
  facebook: {
    text: { max: 63_206, counting: 'code-points', required: false },
    media: {
      required: false,
      maxImages: 10,
      maxVideos: 1,
      allowMixed: false,
      image: { mimes: ['image/jpeg', 'image/png'], maxBytes: 4 * MB - 1 },
      video: { mimes: ['video/mp4', 'video/quicktime'], maxBytes: 1024 * MB },
    },
  },
  instagram: {
    text: { max: 2200, counting: 'code-points', required: false },
    hashtags: { max: 30 },
    media: {
      required: true,
      maxImages: 10,
      maxVideos: 10,
      allowMixed: true,
      image: { mimes: ['image/jpeg'], maxBytes: 8 * MB, minAspect: 4 / 5, maxAspect: 1.91, minWidth: 320, maxWidth: 1440 },
      video: { mimes: ['video/mp4', 'video/quicktime'], maxBytes: 300 * MB, maxDurationSeconds: 900 },
    },
  },
  tiktok: {
    text: { max: 2200, counting: 'utf16', required: false },
    media: {
      required: true,
      maxImages: 35,
      maxVideos: 1,
      allowMixed: false,
      image: { mimes: ['image/jpeg', 'image/webp'], maxBytes: 20 * MB, maxWidth: 1080 },
      video: { mimes: ['video/mp4', 'video/quicktime', 'video/webm'], maxBytes: 4096 * MB, maxDurationSeconds: 600 },
    },
  },
  x: {
    text: { max: 280, counting: 'x-weighted', required: false },
    media: {
      required: false,
      maxImages: 4,
      maxVideos: 1,
      allowMixed: false,
      gifAlone: true,
      image: { mimes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'], maxBytes: 5 * MB },
      video: { mimes: ['video/mp4', 'video/quicktime'], maxBytes: 512 * MB, maxDurationSeconds: 140 },
    },
  },
  linkedin: {
    text: { max: 3000, counting: 'code-points', required: false },
    media: {
      required: false,
      maxImages: 20,
      maxVideos: 1,
      allowMixed: false,
      image: { mimes: ['image/jpeg', 'image/png', 'image/gif'], maxBytes: 10 * MB, maxPixels: 36_152_320 },
      video: { mimes: ['video/mp4'], maxBytes: 5120 * MB, maxDurationSeconds: 1800 },
    },
  },
};

/** Counts text the way the platform does (X: weighted, URLs 23, emoji 2). */
export function countText(text: string, counting: TextCounting): number {
  switch (counting) {
    case 'code-points':
      return [...text.normalize('NFC')].length;
    case 'utf16':
      return text.length;
    case 'x-weighted':
      return twitterText().parseTweet(text).weightedLength;
  }
}

export interface MediaFacts {
  id: string;
  kind: 'image' | 'video';
  mime: string;
  sizeBytes: number;
  width?: number | null | undefined;
  height?: number | null | undefined;
  durationSeconds?: number | null | undefined;
  animated?: boolean | undefined;
}

export interface Violation {
  rule: string;
  message: string;
  mediaId?: string;
}

/** What Herald will do to an image so the platform accepts it. */
export interface Adaptation {
  mediaId: string;
  reasons: string[];
}

export interface RuleCheck {
  textLength: number;
  errors: Violation[];
  adaptations: Adaptation[];
}

export function checkContent(rules: ContentRules, text: string, media: MediaFacts[]): RuleCheck {
  const errors: Violation[] = [];
  const adaptations: Adaptation[] = [];
  const textLength = countText(text, rules.text.counting);
  if (textLength > rules.text.max) {
    errors.push({ rule: 'text_too_long', message: `Text is ${textLength} characters; the limit is ${rules.text.max}` });
  }
  if (rules.text.required && text.trim() === '') errors.push({ rule: 'text_required', message: 'Text is required' });
  if (rules.hashtags) {
    const tags = twitterText().extractHashtags(text).length;
    if (tags > rules.hashtags.max) errors.push({ rule: 'too_many_hashtags', message: `${tags} hashtags; the limit is ${rules.hashtags.max}` });
  }

  const images = media.filter((m) => m.kind === 'image');
  const videos = media.filter((m) => m.kind === 'video');
  if (rules.media.required && media.length === 0) errors.push({ rule: 'media_required', message: 'At least one image or video is required' });
  if (images.length > 0 && !rules.media.image) errors.push({ rule: 'images_not_supported', message: 'Images are not supported' });
  if (videos.length > 0 && !rules.media.video) errors.push({ rule: 'videos_not_supported', message: 'Videos are not supported' });
  if (images.length > rules.media.maxImages) errors.push({ rule: 'too_many_images', message: `${images.length} images; the limit is ${rules.media.maxImages}` });
  if (videos.length > rules.media.maxVideos) errors.push({ rule: 'too_many_videos', message: `${videos.length} videos; the limit is ${rules.media.maxVideos}` });
  if (!rules.media.allowMixed && images.length > 0 && videos.length > 0) {
    errors.push({ rule: 'mixed_media', message: 'Images and videos cannot be combined in one post' });
  }
  if (rules.media.gifAlone && media.length > 1 && media.some((m) => m.mime === 'image/gif' && m.animated)) {
    errors.push({ rule: 'gif_not_alone', message: 'An animated GIF must be the only media item' });
  }

  for (const v of videos) {
    const vr = rules.media.video;
    if (!vr) continue;
    if (!vr.mimes.includes(v.mime)) errors.push({ rule: 'video_format', mediaId: v.id, message: `Video format ${v.mime} is not accepted (${vr.mimes.join(', ')})` });
    if (v.sizeBytes > vr.maxBytes) errors.push({ rule: 'video_too_large', mediaId: v.id, message: `Video is ${mb(v.sizeBytes)} MB; the limit is ${mb(vr.maxBytes)} MB` });
    if (vr.maxDurationSeconds && v.durationSeconds && v.durationSeconds > vr.maxDurationSeconds) {
      errors.push({ rule: 'video_too_long', mediaId: v.id, message: `Video lasts ${Math.round(v.durationSeconds)} s; the limit is ${vr.maxDurationSeconds} s` });
    }
  }

  for (const img of images) {
    const ir = rules.media.image;
    if (!ir) continue;
    const reasons = imageAdaptations(ir, img, rules.media.gifAlone === true);
    if (reasons.length > 0) adaptations.push({ mediaId: img.id, reasons });
  }
  return { textLength, errors, adaptations };
}

function imageAdaptations(ir: ImageRules, img: MediaFacts, gifsAllowedAnimated: boolean): string[] {
  const reasons: string[] = [];
  if (!ir.mimes.includes(img.mime) || (img.animated && !gifsAllowedAnimated && img.mime === 'image/gif' && !ir.mimes.includes('image/gif'))) {
    reasons.push(`converted from ${img.mime.replace('image/', '').toUpperCase()} to ${targetMime(ir).replace('image/', '').toUpperCase()}`);
  }
  if (img.sizeBytes > ir.maxBytes) reasons.push(`compressed below ${mb(ir.maxBytes)} MB`);
  if (img.width && img.height) {
    const ratio = img.width / img.height;
    if (ir.minAspect && ratio < ir.minAspect - 0.005) reasons.push(`cropped to ${ratioLabel(ir.minAspect)} (was ${ratioLabel(ratio)})`);
    if (ir.maxAspect && ratio > ir.maxAspect + 0.005) reasons.push(`cropped to ${ratioLabel(ir.maxAspect)} (was ${ratioLabel(ratio)})`);
    if (ir.maxWidth && img.width > ir.maxWidth) reasons.push(`resized to ${ir.maxWidth} px wide`);
    if (ir.minWidth && img.width < ir.minWidth) reasons.push(`enlarged to ${ir.minWidth} px wide`);
    if (ir.maxPixels && img.width * img.height > ir.maxPixels) reasons.push('resized below the pixel limit');
  }
  return reasons;
}

/** The format a variant is written in: the first accepted of JPEG, PNG, WebP. */
export function targetMime(ir: ImageRules): string {
  return ['image/jpeg', 'image/png', 'image/webp'].find((m) => ir.mimes.includes(m)) ?? 'image/jpeg';
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1).replace(/\.0$/, '');
}

function ratioLabel(r: number): string {
  const known: [number, string][] = [[4 / 5, '4:5'], [1, '1:1'], [1.91, '1.91:1'], [16 / 9, '16:9'], [9 / 16, '9:16']];
  return known.find(([v]) => Math.abs(v - r) < 0.01)?.[1] ?? `${r.toFixed(2)}:1`;
}
