import { RejectedError } from '../errors.js';
import type { PostMetrics } from '../provider.js';
import { num, str, type GraphClient } from '../graph/graph-client.js';
import { insightValues } from '../graph/insights.js';

/**
 * Media insights: GET /{ig-media}/insights?metric=reach,views,likes,comments,shares,saved.
 * `impressions` and `plays` were retired in 2025; `views` replaced them, so it fills both
 * `impressions` and, for videos, `videoViews`. Instagram refuses insights for some media ("(#10) Not
 * enough viewers"): then the media's own `like_count`/`comments_count` still give those two figures.
 */
export const MEDIA_METRICS = ['reach', 'views', 'likes', 'comments', 'shares', 'saved'] as const;

export async function mediaMetrics(graph: GraphClient, token: string, ids: string[]): Promise<PostMetrics[]> {
  const out: PostMetrics[] = [];
  for (const id of ids) {
    let node;
    try {
      node = await graph.get(id, token, { fields: 'id,media_type,like_count,comments_count' });
    } catch (err) {
      // Deleted or not ours: nothing to report for this one, the others still count.
      if (!(err instanceof RejectedError)) throw err;
      out.push(emptyMetrics(id));
      continue;
    }
    let insights = new Map<string, number>();
    try {
      insights = insightValues(await graph.get(`${id}/insights`, token, { metric: MEDIA_METRICS.join(',') }));
    } catch (err) {
      if (!(err instanceof RejectedError)) throw err;
    }
    const views = insights.get('views') ?? null;
    out.push({
      platformPostId: id,
      impressions: views,
      reach: insights.get('reach') ?? null,
      likes: insights.get('likes') ?? num(node.like_count) ?? null,
      comments: insights.get('comments') ?? num(node.comments_count) ?? null,
      shares: insights.get('shares') ?? null,
      saves: insights.get('saved') ?? null,
      clicks: null,
      videoViews: str(node.media_type) === 'VIDEO' ? views : null,
    });
  }
  return out;
}

function emptyMetrics(id: string): PostMetrics {
  return { platformPostId: id, impressions: null, reach: null, likes: null, comments: null, shares: null, saves: null, clicks: null, videoViews: null };
}
