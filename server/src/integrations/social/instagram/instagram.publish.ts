import { waitOrAbandon } from '../http.js';
import { RateLimitedError, RejectedError, TransientError, UnknownOutcomeError } from '../errors.js';
import type { MediaItem, Published, PublishContent } from '../provider.js';
import { requireId, str, type GraphClient } from '../graph/graph-client.js';
import { graphTime } from '../graph/insights.js';
import { ensurePublishingQuota, windowFrees } from './instagram.quota.js';

/**
 * Instagram Content Publishing (Facebook Login, page token), three steps:
 * 1. a container: POST /{ig-user}/media with `image_url`, or `video_url` + `media_type=REELS` (single
 *    feed videos are reels since 2023), or, for 2–10 items, one child per item with
 *    `is_carousel_item=true` and then a `media_type=CAROUSEL` container listing `children`;
 * 2. wait until the container's `status_code` is FINISHED (IN_PROGRESS while Instagram fetches and
 *    processes the media; ERROR and EXPIRED are final);
 * 3. POST /{ig-user}/media_publish {creation_id}: the only step that makes a post.
 * Instagram fetches the media from the public URLs itself. Containers are invisible and expire after
 * 24 h, so every step before media_publish may be retried freely.
 */
export interface ContainerPolling {
  /** First wait between status checks; each later wait is 1.5× longer, up to `maxIntervalMs`. */
  intervalMs: number;
  maxIntervalMs: number;
  /**
   * Give up waiting for containers (a retryable error: nothing was published) this long after the
   * publish began. Must stay well under half the publishing lease, when the publisher abandons a call.
   */
  maxWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_POLLING: ContainerPolling = { intervalMs: 3_000, maxIntervalMs: 30_000, maxWaitMs: 4 * 60_000 };

const MAX_CAROUSEL_ITEMS = 10;
/** Container ERROR subcodes Instagram's table says to retry with a new container. */
const RETRYABLE_CONTAINER_ERRORS = ['2207001', '2207003', '2207020', '2207032', '2207053'];

export async function publishToInstagram(graph: GraphClient, igUserId: string, token: string, content: PublishContent, polling: ContainerPolling): Promise<Published> {
  if (content.media.length === 0) throw new RejectedError('Instagram posts need at least one image or video');
  if (content.media.length > MAX_CAROUSEL_ITEMS) throw new RejectedError(`An Instagram carousel holds at most ${MAX_CAROUSEL_ITEMS} items`);
  await ensurePublishingQuota(graph, igUserId, token);
  const wait = { ...polling, deadline: Date.now() + polling.maxWaitMs };

  const caption = content.text === '' ? undefined : content.text;
  let containerId: string;
  const only = content.media.length === 1 ? content.media[0] : undefined;
  if (only) {
    containerId = await createContainer(graph, igUserId, token, { ...itemParams(only, false), caption });
  } else {
    const children: string[] = [];
    for (const item of content.media) children.push(await createContainer(graph, igUserId, token, itemParams(item, true)));
    // A carousel may only list children that are ready.
    for (const child of children) await waitUntilFinished(graph, child, token, wait);
    containerId = await createContainer(graph, igUserId, token, { media_type: 'CAROUSEL', children: children.join(','), caption });
  }
  await waitUntilFinished(graph, containerId, token, wait);

  let mediaId: string;
  try {
    mediaId = requireId(await graph.post(`${igUserId}/media_publish`, token, { creation_id: containerId }, { sideEffect: true }), 'Instagram media_publish');
  } catch (err) {
    // The daily publishing limit: wait for the moving window to free a slot, not a fixed time.
    if (err instanceof RateLimitedError && isPublishingLimit(err.platformCode)) {
      throw new RateLimitedError(err.message, await windowFrees(graph, igUserId, token), err.platformCode);
    }
    throw err;
  }
  return { platformPostId: mediaId, ...(await mediaLink(graph, mediaId, token)) };
}

/** Code 9 ("application limit"), subcode 2207042 ("maximum number of posts"). */
function isPublishingLimit(code: string | undefined): boolean {
  return code !== undefined && (code === '9' || code.startsWith('9/') || code.endsWith('/2207042'));
}

function itemParams(item: MediaItem, carouselItem: boolean): Record<string, string | undefined> {
  const flag = carouselItem ? 'true' : undefined;
  if (item.kind === 'video') return { media_type: carouselItem ? 'VIDEO' : 'REELS', video_url: item.url, is_carousel_item: flag, share_to_feed: carouselItem ? undefined : 'true' };
  return { image_url: item.url, is_carousel_item: flag, alt_text: item.altText };
}

async function createContainer(graph: GraphClient, igUserId: string, token: string, params: Record<string, string | undefined>): Promise<string> {
  return requireId(await graph.post(`${igUserId}/media`, token, params), 'Instagram container');
}

/** Polls GET /{container}?fields=status_code,status until FINISHED, at most until `deadline`. */
export async function waitUntilFinished(graph: GraphClient, containerId: string, token: string, polling: ContainerPolling & { deadline: number }): Promise<void> {
  // Only media_publish publishes a container: abandoning the wait before it is safe to retry.
  const abandoned = () => new TransientError('Instagram: Herald stopped waiting for the media to be processed', 'abandoned');
  const sleep = polling.sleep ?? ((ms: number) => waitOrAbandon(ms, graph.signal, abandoned));
  const deadline = polling.deadline;
  let wait = polling.intervalMs;
  for (;;) {
    const body = await graph.get(containerId, token, { fields: 'status_code,status' });
    const code = str(body.status_code);
    const status = str(body.status) ?? '';
    if (code === 'FINISHED') return;
    if (code === 'ERROR') {
      const message = `Instagram could not process the media${status ? `: ${status}` : ''}`;
      if (RETRYABLE_CONTAINER_ERRORS.some((sub) => status.includes(sub))) throw new TransientError(message, 'container_error');
      throw new RejectedError(message, 'container_error');
    }
    if (code === 'EXPIRED') throw new TransientError('Instagram: the media container expired before it was published', 'container_expired');
    // Only media_publish publishes a container; finding one already published means another
    // attempt got there first, which the reconciler must sort out.
    if (code === 'PUBLISHED') throw new UnknownOutcomeError('Instagram: the media container was already published');
    if (Date.now() + wait > deadline) throw new TransientError('Instagram is still processing the media; trying again later', 'container_in_progress');
    await sleep(wait);
    wait = Math.min(polling.maxIntervalMs, Math.round(wait * 1.5));
  }
}

/** `permalink` and `timestamp` of a published media; a failed read leaves the permalink unknown. */
async function mediaLink(graph: GraphClient, mediaId: string, token: string): Promise<Pick<Published, 'permalink' | 'publishedAt'>> {
  try {
    const node = await graph.get(mediaId, token, { fields: 'permalink,timestamp' });
    return { permalink: str(node.permalink) ?? null, publishedAt: graphTime(node.timestamp) ?? new Date() };
  } catch {
    // The post exists: failing here would make the pipeline publish it again.
    return { permalink: null, publishedAt: new Date() };
  }
}
