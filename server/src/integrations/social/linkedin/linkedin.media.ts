import { waitOrAbandon } from '../http.js';
import { RejectedError, TransientError } from '../errors.js';
import { mediaBody } from '../media-bytes.js';
import type { MediaItem } from '../provider.js';
import { type LinkedInClient, restliQuery } from './linkedin.client.js';

/**
 * Media uploads (Images API and Videos API). None of these steps is visible to anyone: an upload
 * whose answer is lost leaves at most an unused asset, so they are not marked as side effects and a
 * lost answer is a plain TransientError (publishing retries from the start with fresh uploads).
 * Bytes are streamed from Herald's media store into each PUT (media-bytes.ts): a video is never held
 * whole in memory.
 */

export interface VideoWait {
  /** Pause between two status checks of a finalized video. */
  pollMs: number;
  /** Give up (TransientError: nothing was posted) when the video is not AVAILABLE by then. */
  maxWaitMs: number;
}

/** initializeUpload → PUT the bytes to `uploadUrl` → the image URN for `content.media.id`. */
export async function uploadImage(client: LinkedInClient, token: string, owner: string, item: MediaItem): Promise<string> {
  const init = await client.rest(token, {
    method: 'POST',
    path: '/rest/images',
    query: restliQuery({ action: 'initializeUpload' }),
    json: { initializeUploadRequest: { owner } },
  });
  const value = (init.json as { value?: { uploadUrl?: unknown; image?: unknown } } | null)?.value;
  if (typeof value?.uploadUrl !== 'string' || typeof value.image !== 'string') throw new TransientError('LinkedIn answered the image upload request without an upload URL', 'bad_initialize');
  await client.upload(token, value.uploadUrl, mediaBody(item, { start: 0, end: item.sizeBytes - 1 }));
  return value.image;
}

interface UploadInstruction {
  uploadUrl: string;
  firstByte: number;
  lastByte: number;
}

/**
 * initializeUpload (declares fileSizeBytes; LinkedIn answers one instruction per part, each with an
 * inclusive byte range) → PUT each part, keeping the ETag each answer carries → finalizeUpload with
 * the ETags in part order → wait until GET /rest/videos/{urn} says AVAILABLE.
 */
export async function uploadVideo(client: LinkedInClient, token: string, owner: string, item: MediaItem, wait: VideoWait): Promise<string> {
  const size = item.sizeBytes;
  const init = await client.rest(token, {
    method: 'POST',
    path: '/rest/videos',
    query: restliQuery({ action: 'initializeUpload' }),
    json: { initializeUploadRequest: { owner, fileSizeBytes: size, uploadCaptions: false, uploadThumbnail: false } },
  });
  const value = (init.json as { value?: { video?: unknown; uploadToken?: unknown; uploadInstructions?: unknown } } | null)?.value;
  const instructions = parseInstructions(value?.uploadInstructions, size);
  if (typeof value?.video !== 'string' || !instructions) throw new TransientError('LinkedIn answered the video upload request without usable upload instructions', 'bad_initialize');
  const video = value.video;

  const etags: string[] = [];
  for (const part of instructions) {
    const answer = await client.upload(token, part.uploadUrl, mediaBody(item, { start: part.firstByte, end: part.lastByte }));
    const etag = answer.headers.get('etag');
    if (!etag) throw new TransientError('LinkedIn accepted a video part without an ETag', 'no_etag');
    etags.push(etag);
  }

  await client.rest(token, {
    method: 'POST',
    path: '/rest/videos',
    query: restliQuery({ action: 'finalizeUpload' }),
    json: { finalizeUploadRequest: { video, uploadToken: typeof value.uploadToken === 'string' ? value.uploadToken : '', uploadedPartIds: etags } },
  });

  await waitUntilAvailable(client, token, video, wait);
  return video;
}

/** Parts sorted by first byte; null unless they cover exactly bytes 0…size-1 without gaps. */
function parseInstructions(raw: unknown, size: number): UploadInstruction[] | null {
  if (!Array.isArray(raw) || raw.length === 0) return null;
  const parts: UploadInstruction[] = [];
  for (const r of raw as { uploadUrl?: unknown; firstByte?: unknown; lastByte?: unknown }[]) {
    if (typeof r.uploadUrl !== 'string' || typeof r.firstByte !== 'number' || typeof r.lastByte !== 'number') return null;
    parts.push({ uploadUrl: r.uploadUrl, firstByte: r.firstByte, lastByte: r.lastByte });
  }
  parts.sort((a, b) => a.firstByte - b.firstByte);
  let next = 0;
  for (const p of parts) {
    if (p.firstByte !== next || p.lastByte < p.firstByte) return null;
    next = p.lastByte + 1;
  }
  return next === size ? parts : null;
}

async function waitUntilAvailable(client: LinkedInClient, token: string, video: string, wait: VideoWait): Promise<void> {
  const deadline = Date.now() + wait.maxWaitMs;
  for (;;) {
    const answer = await client.rest(token, { method: 'GET', path: `/rest/videos/${encodeURIComponent(video)}` });
    const body = answer.json as { status?: unknown; processingFailureReason?: unknown } | null;
    if (body?.status === 'AVAILABLE') return;
    if (body?.status === 'PROCESSING_FAILED') {
      const reason = typeof body.processingFailureReason === 'string' ? body.processingFailureReason : 'no reason given';
      throw new RejectedError(`LinkedIn could not process the video: ${reason}`, 'PROCESSING_FAILED');
    }
    if (Date.now() + wait.pollMs > deadline) {
      throw new TransientError(`LinkedIn was still processing the video after ${Math.round(wait.maxWaitMs / 1000)} s`, 'video_processing');
    }
    // The post is created only after the video is AVAILABLE: abandoning here is safe to retry.
    await waitOrAbandon(wait.pollMs, client.signal, () => new TransientError('LinkedIn: Herald stopped waiting for the video to be processed', 'abandoned'));
  }
}
