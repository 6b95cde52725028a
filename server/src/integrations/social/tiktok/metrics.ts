import { RejectedError } from '../errors.js';
import type { PostMetrics } from '../provider.js';
import type { TikTokClient } from './client.js';
import { isPublicPostId } from './creator.js';
import { fetchStatus } from './status.js';

/** `/v2/video/query/` takes at most 20 ids per call. */
const BATCH = 20;

/**
 * Figures from the Display API (`POST /v2/video/query/`, scope video.list): views, likes,
 * comments, shares. TikTok gives no impressions, reach, saves or clicks there (null). A post known
 * by its publish id (published before moderation gave it a public id) is first resolved through
 * the status endpoint; one still without a public id, or one TikTok does not return (private,
 * deleted), gets no entry: Herald knows nothing about it yet.
 */
export async function fetchMetrics(client: TikTokClient, accessToken: string, platformPostIds: string[]): Promise<PostMetrics[]> {
  const videoIdOf = new Map<string, string>();
  for (const id of new Set(platformPostIds)) {
    if (isPublicPostId(id)) {
      videoIdOf.set(id, id);
      continue;
    }
    let postId: string | undefined;
    try {
      const status = await fetchStatus(client, accessToken, id);
      postId = status.status === 'PUBLISH_COMPLETE' ? status.postIds[0] : undefined;
    } catch (err) {
      // A publish id TikTok no longer knows says nothing about the others; throttling and auth do.
      if (!(err instanceof RejectedError)) throw err;
    }
    if (postId) videoIdOf.set(id, postId);
  }
  const videoIds = [...new Set(videoIdOf.values())];
  const figures = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < videoIds.length; i += BATCH) {
    const { data } = await client.call<{ videos?: unknown }>(accessToken, {
      method: 'POST',
      path: '/v2/video/query/',
      query: { fields: 'id,view_count,like_count,comment_count,share_count' },
      json: { filters: { video_ids: videoIds.slice(i, i + BATCH) } },
    });
    for (const video of Array.isArray(data.videos) ? (data.videos as Record<string, unknown>[]) : []) {
      if (typeof video.id === 'string') figures.set(video.id, video);
    }
  }
  const metrics: PostMetrics[] = [];
  for (const [platformPostId, videoId] of videoIdOf) {
    const video = figures.get(videoId);
    if (!video) continue;
    metrics.push({
      platformPostId,
      impressions: null,
      reach: null,
      likes: count(video.like_count),
      comments: count(video.comment_count),
      shares: count(video.share_count),
      saves: null,
      clicks: null,
      videoViews: count(video.view_count),
    });
  }
  return metrics;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}
