import { isProviderError, RejectedError, TransientError, UnknownOutcomeError } from '../errors.js';
import type { Credentials, MediaItem, Published, PublishContent } from '../provider.js';
import { str, type TikTokClient } from './client.js';
import { choosePrivacy, interactionSettings, published, queryCreator, type CreatorInfo } from './creator.js';
import type { JournalEntry, PublishJournal } from './journal.js';
import { openMedia } from '../media-bytes.js';
import { fetchStatus, settle, waitForPost, type WaitOptions } from './status.js';
import { planChunks, uploadChunks } from './upload.js';

export interface PublishOptions extends WaitOptions {
  /** Preferred chunk size for FILE_UPLOAD (clamped to TikTok's 5–64 MB). */
  chunkBytes: number;
  /**
   * FILE_UPLOAD sends the bytes and works without any set-up. PULL_FROM_URL lets TikTok fetch
   * Herald's signed URL, which requires the domain to be verified in the developer portal.
   * Photos exist only as PULL_FROM_URL.
   */
  videoSource: 'FILE_UPLOAD' | 'PULL_FROM_URL';
}

/** Records the publish id from the moment TikTok may publish it (and drops it when it certainly cannot). */
interface Handover {
  remember(publishId: string): void;
  forget(): void;
}

interface Target {
  externalId: string;
  credentials: Credentials;
}

/** A video caption (`title`) holds 2,200 UTF-16 units; a photo post's `description` 4,000. */
const PHOTO_DESCRIPTION_MAX = 4000;
const PHOTOS_MAX = 35;

/**
 * Direct Post, step by step: creator info → init (video: FILE_UPLOAD then chunked PUTs, or
 * PULL_FROM_URL; photos: PULL_FROM_URL) → poll the status until PUBLISH_COMPLETE or FAILED.
 * The point of no return is the last byte handed over (the final chunk, or a pull init): before
 * it a failure proves nothing was posted; after it, only FAILED does (see `waitForPost`).
 */
export async function publishPost(client: TikTokClient, journal: PublishJournal, opts: PublishOptions, account: Target, content: PublishContent, key: string): Promise<Published> {
  const kind = postKind(content);
  const prior = journal.recall(key, account.externalId);
  if (prior?.inFlight) throw new TransientError('This post is still being sent to TikTok by an earlier call', 'in_flight');
  if (prior?.result) return prior.result;
  const entry = journal.begin(key, account.externalId, content.text, prior?.publishId ? { publishId: prior.publishId, username: prior.username, privacy: prior.privacy } : {});
  try {
    entry.result = await publishOnce(client, entry, opts, account.credentials.accessToken, kind, content);
    return entry.result;
  } catch (err) {
    // Certainly not posted (and no earlier hand-over left to check): forget it, so nothing stale
    // answers for a later attempt that may run on another worker.
    if (isProviderError(err) && err.kind !== 'unknown_outcome' && !entry.publishId) journal.forget(key, entry);
    throw err;
  } finally {
    entry.inFlight = false;
    entry.at = Date.now();
  }
}

async function publishOnce(client: TikTokClient, entry: JournalEntry, opts: PublishOptions, token: string, kind: 'video' | 'photo', content: PublishContent): Promise<Published> {
  // An earlier call of this process handed this very post to TikTok (a retry after an unknown outcome).
  if (entry.publishId) {
    const state = settle(await fetchStatus(client, token, entry.publishId));
    if (state.state === 'published') return published(state.postId, entry.publishId, entry.username);
    if (state.state === 'processing') return awaitPost(client, entry, token, entry.publishId, opts);
    entry.publishId = undefined;
  }

  const creator = await queryCreator(client, token);
  const privacy = choosePrivacy(creator);
  if (!privacy) throw new RejectedError('TikTok offers no privacy level for this account, so it cannot post', 'privacy_level_option_mismatch');
  entry.username = creator.username;
  entry.privacy = privacy;
  const handover: Handover = {
    remember: (id) => {
      entry.publishId = id;
    },
    forget: () => {
      entry.publishId = undefined;
    },
  };
  const publishId = kind === 'video' ? await startVideo(client, opts, token, creator, privacy, content, handover) : await startPhotos(client, token, creator, privacy, content);
  handover.remember(publishId);
  return awaitPost(client, entry, token, publishId, opts);
}

/** Waits for the outcome; a FAILED status proves nothing was posted, so the publish id is let go. */
async function awaitPost(client: TikTokClient, entry: JournalEntry, token: string, publishId: string, opts: PublishOptions): Promise<Published> {
  try {
    const { postId } = await waitForPost(client, token, publishId, entry.privacy ?? '', opts);
    return published(postId, publishId, entry.username);
  } catch (err) {
    if (isProviderError(err) && err.kind !== 'unknown_outcome') entry.publishId = undefined;
    throw err;
  }
}

/**
 * TikTok posts are one video, or 1–35 photos; never text alone, never both. The content rules
 * already enforce this: these checks only guard a caller that skipped them.
 */
function postKind(content: PublishContent): 'video' | 'photo' {
  const videos = content.media.filter((m) => m.kind === 'video');
  const images = content.media.filter((m) => m.kind === 'image');
  if (content.media.length === 0) throw new RejectedError('TikTok posts need a video or at least one photo; text alone cannot be posted', 'media_required');
  if (videos.length > 0 && images.length > 0) throw new RejectedError('TikTok cannot combine photos and a video in one post', 'mixed_media');
  if (videos.length > 1) throw new RejectedError('TikTok posts hold one video', 'too_many_videos');
  if (images.length > PHOTOS_MAX) throw new RejectedError(`TikTok photo posts hold at most ${PHOTOS_MAX} photos`, 'too_many_images');
  return videos.length === 1 ? 'video' : 'photo';
}

async function startVideo(client: TikTokClient, opts: PublishOptions, token: string, creator: CreatorInfo, privacy: string, content: PublishContent, handover: Handover): Promise<string> {
  const video = content.media[0] as MediaItem;
  const max = creator.maxVideoPostDurationSec;
  if (max !== undefined && video.durationSeconds !== undefined && video.durationSeconds > max) {
    throw new RejectedError(`This TikTok account may post videos of up to ${max} s; this one lasts ${Math.round(video.durationSeconds)} s`, 'duration_check_failed');
  }
  const postInfo = {
    title: content.text,
    privacy_level: privacy,
    ...interactionSettings(creator, 'video'),
    brand_content_toggle: false,
    brand_organic_toggle: false,
  };
  if (opts.videoSource === 'PULL_FROM_URL') {
    const { data } = await client.call<Record<string, unknown>>(token, {
      method: 'POST',
      path: '/v2/post/publish/video/init/',
      json: { post_info: postInfo, source_info: { source: 'PULL_FROM_URL', video_url: video.url } },
      sideEffect: true,
    });
    return requirePublishId(data, true);
  }
  // Nothing has reached TikTok yet: a video Herald cannot read spends no init (6 a minute per user).
  const probe = await openMedia(video, { start: 0, end: 0 }, client.signal);
  probe.destroy();
  const plan = planChunks(video.sizeBytes, opts.chunkBytes);
  // Without its upload URL an initialised upload can never receive bytes, let alone be posted:
  // a lost answer here is safe to retry (so no sideEffect).
  const { data } = await client.call<Record<string, unknown>>(token, {
    method: 'POST',
    path: '/v2/post/publish/video/init/',
    json: { post_info: postInfo, source_info: { source: 'FILE_UPLOAD', video_size: plan.videoSize, chunk_size: plan.chunkSize, total_chunk_count: plan.totalChunkCount } },
  });
  const publishId = requirePublishId(data, false);
  const uploadUrl = str(data.upload_url);
  if (!uploadUrl) throw new TransientError('TikTok did not return an upload URL', 'invalid_response');
  try {
    await uploadChunks(uploadUrl, video, plan, client.app.timeoutMs, () => handover.remember(publishId), client.signal);
  } catch (err) {
    // An answered failure (even to the last chunk) leaves an incomplete upload TikTok cannot post.
    if (!(err instanceof UnknownOutcomeError)) handover.forget();
    throw err;
  }
  return publishId;
}

async function startPhotos(client: TikTokClient, token: string, creator: CreatorInfo, privacy: string, content: PublishContent): Promise<string> {
  if (content.text.length > PHOTO_DESCRIPTION_MAX) {
    throw new RejectedError(`A TikTok photo description holds at most ${PHOTO_DESCRIPTION_MAX} characters`, 'invalid_params');
  }
  // The caption goes in `description`; `title` (90 characters, shown in bold) is left out rather
  // than repeating the start of the caption.
  const { data } = await client.call<Record<string, unknown>>(token, {
    method: 'POST',
    path: '/v2/post/publish/content/init/',
    json: {
      post_info: { description: content.text, privacy_level: privacy, ...interactionSettings(creator, 'photo'), brand_content_toggle: false, brand_organic_toggle: false },
      source_info: { source: 'PULL_FROM_URL', photo_cover_index: 0, photo_images: content.media.map((m) => m.url) },
      post_mode: 'DIRECT_POST',
      media_type: 'PHOTO',
    },
    sideEffect: true,
  });
  return requirePublishId(data, true);
}

/**
 * An "ok" answer without a publish id is not documented. After a pull init TikTok may still fetch
 * and post the media (unknown outcome); a file upload without its id and URL can never be posted.
 */
function requirePublishId(data: Record<string, unknown>, pulled: boolean): string {
  const id = str(data.publish_id);
  if (id) return id;
  const message = 'TikTok accepted the post without returning a publish_id';
  throw pulled ? new UnknownOutcomeError(message, 'invalid_response') : new TransientError(message, 'invalid_response');
}
