import { RejectedError } from '../errors.js';
import type { PostMetrics } from '../provider.js';
import { isObject, num, type GraphClient } from '../graph/graph-client.js';
import { insightValues, summaryCount } from '../graph/insights.js';

/**
 * Post insights (GET /{post}/insights?metric=…, Page token with ANALYZE). Meta retired
 * `post_impressions_unique` (and the other impression metrics) for all versions in 2025–26 and names
 * `post_total_media_view_unique` as its replacement; `post_media_view` counts views the way
 * `post_impressions` did. Reactions, comments and shares come from the post's own edges.
 * Video posts (tracked by video id) read the video insights instead.
 */
export const POST_METRICS = ['post_media_view', 'post_total_media_view_unique', 'post_clicks', 'post_reactions_by_type_total'] as const;
export const VIDEO_METRICS = ['total_video_impressions', 'total_video_impressions_unique', 'total_video_views'] as const;

export async function pageMetrics(graph: GraphClient, token: string, ids: string[]): Promise<PostMetrics[]> {
  const out: PostMetrics[] = [];
  for (const id of ids) {
    try {
      out.push(id.includes('_') ? await postMetrics(graph, token, id) : await videoMetrics(graph, token, id));
    } catch (err) {
      // One post Facebook will not report on (deleted, too new, not enough audience) must not hide the
      // others; auth, throttling and outages still stop the whole batch.
      if (!(err instanceof RejectedError)) throw err;
      out.push(emptyMetrics(id));
    }
  }
  return out;
}

async function postMetrics(graph: GraphClient, token: string, id: string): Promise<PostMetrics> {
  const insights = insightValues(await graph.get(`${id}/insights`, token, { metric: POST_METRICS.join(',') }));
  const post = await graph.get(id, token, { fields: 'shares,comments.limit(0).summary(true),reactions.limit(0).summary(true)' });
  const shares = isObject(post.shares) ? (num(post.shares.count) ?? 0) : 0;
  return {
    platformPostId: id,
    impressions: insights.get('post_media_view') ?? null,
    reach: insights.get('post_total_media_view_unique') ?? null,
    likes: summaryCount(post.reactions) ?? insights.get('post_reactions_by_type_total') ?? null,
    comments: summaryCount(post.comments),
    // A post nobody shared has no `shares` field at all.
    shares,
    saves: null,
    clicks: insights.get('post_clicks') ?? null,
    videoViews: null,
  };
}

async function videoMetrics(graph: GraphClient, token: string, id: string): Promise<PostMetrics> {
  const insights = insightValues(await graph.get(`${id}/video_insights`, token, { metric: VIDEO_METRICS.join(',') }));
  return {
    ...emptyMetrics(id),
    impressions: insights.get('total_video_impressions') ?? null,
    reach: insights.get('total_video_impressions_unique') ?? null,
    videoViews: insights.get('total_video_views') ?? null,
  };
}

function emptyMetrics(id: string): PostMetrics {
  return { platformPostId: id, impressions: null, reach: null, likes: null, comments: null, shares: null, saves: null, clicks: null, videoViews: null };
}
