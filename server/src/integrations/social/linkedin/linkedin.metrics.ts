import type { Credentials, PostMetrics } from '../provider.js';
import { type LinkedInClient, RestliRaw, restliList, restliQuery } from './linkedin.client.js';

const EMPTY = { impressions: null, reach: null, likes: null, comments: null, shares: null, saves: null, clicks: null, videoViews: null } as const;

function empty(platformPostId: string): PostMetrics {
  return { platformPostId, ...EMPTY };
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

interface ShareStatistics {
  impressionCount?: unknown;
  uniqueImpressionsCount?: unknown;
  likeCount?: unknown;
  commentCount?: unknown;
  shareCount?: unknown;
  clickCount?: unknown;
}

/**
 * Lifetime statistics of an organization's posts: `organizationalEntityShareStatistics` without
 * `timeIntervals`, share URNs in `shares=List(…)` and ugcPost URNs in `ugcPosts=List(…)`. LinkedIn
 * keeps these for 12 months; a post it does not report gets null figures, not zeros.
 */
export async function organizationMetrics(client: LinkedInClient, token: string, organization: string, ids: string[]): Promise<PostMetrics[]> {
  const found = new Map<string, PostMetrics>();
  const groups: ['shares' | 'ugcPosts', string[]][] = [
    ['shares', ids.filter((id) => id.startsWith('urn:li:share:'))],
    ['ugcPosts', ids.filter((id) => id.startsWith('urn:li:ugcPost:'))],
  ];
  for (const [param, urns] of groups) {
    for (let i = 0; i < urns.length; i += 20) {
      const chunk = urns.slice(i, i + 20);
      const answer = await client.rest(token, {
        method: 'GET',
        path: '/rest/organizationalEntityShareStatistics',
        query: restliQuery({ q: 'organizationalEntity', organizationalEntity: organization, [param]: restliList(chunk) }),
      });
      const elements = ((answer.json as { elements?: { share?: unknown; ugcPost?: unknown; totalShareStatistics?: ShareStatistics }[] } | null)?.elements ?? []);
      for (const el of elements) {
        const urn = typeof el.share === 'string' ? el.share : typeof el.ugcPost === 'string' ? el.ugcPost : undefined;
        const s = el.totalShareStatistics;
        if (!urn || !s) continue;
        found.set(urn, {
          platformPostId: urn,
          impressions: num(s.impressionCount),
          reach: num(s.uniqueImpressionsCount),
          likes: num(s.likeCount),
          comments: num(s.commentCount),
          shares: num(s.shareCount),
          saves: null,
          clicks: num(s.clickCount),
          videoViews: null,
        });
      }
    }
  }
  return ids.map((id) => found.get(id) ?? empty(id));
}

/** memberCreatorPostAnalytics query types and the PostMetrics figure each fills. */
const MEMBER_FIGURES = [
  ['IMPRESSION', 'impressions'],
  ['MEMBERS_REACHED', 'reach'],
  ['REACTION', 'likes'],
  ['COMMENT', 'comments'],
  ['RESHARE', 'shares'],
] as const;

export const MEMBER_ANALYTICS_SCOPE = 'r_member_postAnalytics';

/**
 * A member's own posts: `memberCreatorPostAnalytics` (finder `entity`, one metric per call,
 * `aggregation=TOTAL`). It needs the r_member_postAnalytics permission, which Herald does not ask
 * for by default (the app must have LinkedIn's Community Management product for it); without it
 * every figure is null. LinkedIn gives no click count for member posts. The entity is written as
 * the Rest.li union `(share:urn…)` / `(ugcPost:urn…)`; the contracts reference marks this syntax as
 * not confirmed, so a 400/403/404 for a post leaves its figures null rather than failing the batch.
 */
export async function memberMetrics(client: LinkedInClient, credentials: Credentials, ids: string[]): Promise<PostMetrics[]> {
  if (!credentials.scopes?.includes(MEMBER_ANALYTICS_SCOPE)) return ids.map(empty);
  const out: PostMetrics[] = [];
  for (const id of ids) {
    const kind = /^urn:li:(share|ugcPost):\d+$/.exec(id)?.[1];
    const metrics = empty(id);
    if (kind) {
      for (const [queryType, figure] of MEMBER_FIGURES) {
        const answer = await client.rest(credentials.accessToken, {
          method: 'GET',
          path: '/rest/memberCreatorPostAnalytics',
          query: restliQuery({ q: 'entity', entity: new RestliRaw(`(${kind}:${encodeURIComponent(id)})`), queryType, aggregation: 'TOTAL' }),
          allow: [400, 403, 404],
        });
        if (answer.status !== 200) break;
        const elements = ((answer.json as { elements?: { count?: unknown }[] } | null)?.elements ?? []);
        const counts = elements.map((e) => num(e.count)).filter((n): n is number => n !== null);
        metrics[figure] = counts.length > 0 ? counts.reduce((a, b) => a + b, 0) : null;
      }
    }
    out.push(metrics);
  }
  return out;
}
