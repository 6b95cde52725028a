import { z } from 'zod';
import { waitOrAbandon } from '../http.js';
import { RejectedError, TransientError } from '../errors.js';
import { partsOf, readMedia } from '../media-bytes.js';
import type { MediaItem } from '../provider.js';
import type { XClient } from './x.client.js';
import { XMediaSchema, type XProcessingInfo } from './x.schemas.js';

/**
 * Media upload v2 (platform-contracts.md §4.3). Still images go in one `POST /2/media/upload`
 * (multipart: media, media_category=tweet_image, media_type). Videos and GIFs must be chunked:
 * INITIALIZE (JSON) → APPEND each segment (multipart: segment_index, media) → FINALIZE, then, if and
 * only if FINALIZE answers with `processing_info`, poll STATUS until `succeeded` (or `failed`).
 * Uploads are not the post: a lost answer here is transient (an orphaned upload simply expires).
 * Each segment is read from Herald's media store just before its APPEND, so a video is never held
 * whole in memory: at most one segment (4 MB) per upload.
 */

/** X takes segments of at most 5 MB; stay below. */
export const CHUNK_BYTES = 4 * 1024 * 1024;
/** Longest Herald waits for X to process one video before giving up for now (retried later). */
const PROCESSING_DEADLINE_MS = 5 * 60_000;
const SIMPLE_UPLOAD_MIMES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/tiff', 'image/pjpeg']);
const ALT_TEXT_MAX = 1000;

export class XMediaUploader {
  constructor(private readonly client: XClient) {}

  /** Uploads one item (with its alt text) and returns the media id ready to attach. */
  async upload(accessToken: string, item: MediaItem): Promise<string> {
    const id =
      item.kind === 'image' && SIMPLE_UPLOAD_MIMES.has(item.mime)
        ? await this.simple(accessToken, await readMedia(item, this.client.signal), item.mime)
        : await this.chunked(accessToken, item, item.kind === 'video' ? 'tweet_video' : 'tweet_gif');
    const alt = item.altText?.trim();
    if (alt && item.kind === 'image') {
      await this.client.call(
        accessToken,
        { method: 'POST', path: '/2/media/metadata', json: { id, metadata: { alt_text: { text: alt.slice(0, ALT_TEXT_MAX) } } } },
        z.unknown(),
      );
    }
    return id;
  }

  private async simple(accessToken: string, bytes: Buffer, mime: string): Promise<string> {
    const form = new FormData();
    form.set('media_category', 'tweet_image');
    form.set('media_type', mime);
    form.set('media', new Blob([bytes], { type: mime }), 'media');
    const answer = await this.client.call(accessToken, { method: 'POST', path: '/2/media/upload', multipart: form, timeoutMs: this.uploadTimeout() }, XMediaSchema);
    return this.settle(accessToken, answer.data.id, answer.data.processing_info);
  }

  private async chunked(accessToken: string, item: MediaItem, category: 'tweet_video' | 'tweet_gif'): Promise<string> {
    const init = await this.client.call(
      accessToken,
      { method: 'POST', path: '/2/media/upload/initialize', json: { media_type: item.mime, total_bytes: item.sizeBytes, media_category: category } },
      XMediaSchema,
    );
    const id = init.data.id;
    for (const [index, range] of partsOf(item.sizeBytes, CHUNK_BYTES).entries()) {
      const form = new FormData();
      form.set('segment_index', String(index));
      form.set('media', new Blob([await readMedia(item, this.client.signal, range)], { type: 'application/octet-stream' }), 'chunk');
      await this.client.call(accessToken, { method: 'POST', path: `/2/media/upload/${id}/append`, multipart: form, timeoutMs: this.uploadTimeout() }, z.unknown());
    }
    const final = await this.client.call(accessToken, { method: 'POST', path: `/2/media/upload/${id}/finalize` }, XMediaSchema);
    return this.settle(accessToken, id, final.data.processing_info);
  }

  /** Waits (as X asks, `check_after_secs` at a time) until the media is usable. */
  private async settle(accessToken: string, id: string, first: XProcessingInfo | undefined): Promise<string> {
    const deadline = Date.now() + PROCESSING_DEADLINE_MS;
    let info = first;
    while (info && info.state !== 'succeeded') {
      if (info.state === 'failed') {
        const why = info.error?.message ?? info.error?.name ?? 'no reason given';
        throw new RejectedError(`X could not process the media: ${why}`, info.error?.name ?? 'media_processing_failed');
      }
      const waitMs = Math.min(Math.max(info.check_after_secs ?? 1, 0) * 1000, 30_000);
      if (Date.now() + waitMs > deadline) throw new TransientError('X is still processing the media; trying again later', 'media_processing_slow');
      // Nothing is posted before the media is ready: abandoning here is safe to retry.
      await waitOrAbandon(waitMs, this.client.signal, () => new TransientError('X: Herald stopped waiting for the media to be processed', 'abandoned'));
      const status = await this.client.call(accessToken, { method: 'GET', path: '/2/media/upload', query: { command: 'STATUS', media_id: id } }, XMediaSchema);
      info = status.data.processing_info;
    }
    return id;
  }

  /** A segment of several megabytes can take longer than an ordinary API call. */
  private uploadTimeout(): number {
    return Math.max(this.client.app.timeoutMs, 60_000);
  }
}
