import { platformRequest } from '../http.js';
import { mediaBody } from '../media-bytes.js';
import type { MediaItem } from '../provider.js';
import { answerError } from './client.js';
import { statusError } from './errors.js';

const MB = 1024 * 1024;
/** TikTok's chunk rules (Media Transfer Guide). */
export const MIN_CHUNK = 5 * MB;
export const MAX_CHUNK = 64 * MB;
const MAX_CHUNKS = 1000;

export interface ChunkPlan {
  videoSize: number;
  chunkSize: number;
  totalChunkCount: number;
}

/**
 * How a video is cut, by the documented rules: a video under 5 MB (or one that fits in a single
 * chunk of at most 64 MB) goes whole; otherwise chunks of `preferred` bytes (clamped to 5–64 MB),
 * `total_chunk_count = floor(size / chunk_size)`, and the last chunk takes the trailing bytes (so it
 * is under twice the chunk size: at most 128 MB). Never more than 1000 chunks.
 */
export function planChunks(videoSize: number, preferred: number): ChunkPlan {
  const chunk = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, preferred));
  if (videoSize < MIN_CHUNK || videoSize <= chunk) return { videoSize, chunkSize: videoSize, totalChunkCount: 1 };
  // A chunk large enough that the count stays within 1000 (a 4 GB video needs ≥ 4.1 MB chunks).
  const size = Math.min(MAX_CHUNK, Math.max(chunk, Math.ceil(videoSize / MAX_CHUNKS)));
  return { videoSize, chunkSize: size, totalChunkCount: Math.max(1, Math.floor(videoSize / size)) };
}

/** The byte ranges of each chunk, inclusive, in upload order. */
export function chunkRanges(plan: ChunkPlan): { first: number; last: number }[] {
  const ranges: { first: number; last: number }[] = [];
  for (let i = 0; i < plan.totalChunkCount; i++) {
    const first = i * plan.chunkSize;
    const last = i === plan.totalChunkCount - 1 ? plan.videoSize - 1 : first + plan.chunkSize - 1;
    ranges.push({ first, last });
  }
  return ranges;
}

/**
 * Sends the chunks in order with `Content-Range: bytes first-last/total`. The upload URL carries its
 * own upload token, so the user's access token is not sent to the upload host. Only the last chunk
 * can complete the post: a lost answer there is an unknown outcome; earlier chunks leave an
 * unfinished upload that TikTok can never publish, so their failures are safe to retry.
 * `beforeLast` runs just before the bytes that let TikTok publish are sent. Each chunk is streamed
 * from Herald's media store as it is sent (a last chunk that fails to leave Herald whole is not an
 * unknown outcome: TikTok never had all the bytes).
 */
export async function uploadChunks(uploadUrl: string, video: MediaItem, plan: ChunkPlan, baseTimeoutMs: number, beforeLast: () => void, signal?: AbortSignal): Promise<void> {
  const ranges = chunkRanges(plan);
  for (const [i, { first, last }] of ranges.entries()) {
    const body = mediaBody(video, { start: first, end: last });
    const isLast = i === ranges.length - 1;
    if (isLast) beforeLast();
    const answer = await platformRequest('TikTok upload', {
      method: 'PUT',
      url: uploadUrl,
      headers: { 'content-type': video.mime, 'content-range': `bytes ${first}-${last}/${plan.videoSize}` },
      stream: body,
      // Allow about 1 MB/s on top of the usual answer time: a 64 MB chunk is not a 15-second job.
      timeoutMs: baseTimeoutMs + Math.ceil(body.length / MB) * 1000,
      sideEffect: isLast,
      signal,
    });
    if (answer.status < 200 || answer.status >= 300) throw answerError(answer) ?? statusError(answer.status, answer.text, answer.headers);
  }
}
