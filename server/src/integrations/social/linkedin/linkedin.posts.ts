import { RejectedError, UnknownOutcomeError } from '../errors.js';
import type { Published } from '../provider.js';
import { type LinkedInClient, restliQuery } from './linkedin.client.js';
import { permalinkOf, toLittleText } from './linkedin.text.js';
import { uniqueTextMatch } from '../text-match.js';

/** What goes into `content` of a post: one image or video, or several images. */
export type PostContent = { media: { id: string; altText?: string } } | { multiImage: { images: { id: string; altText?: string }[] } };

/**
 * POST /rest/posts. The one publishing step that makes something visible, so it is the one call
 * marked as a side effect (a lost answer becomes UnknownOutcome). LinkedIn answers 201 with an
 * empty body and the post URN in `x-restli-id`.
 */
export async function createPost(client: LinkedInClient, token: string, post: { author: string; commentary: string; content?: PostContent }): Promise<string> {
  const answer = await client.rest(token, {
    method: 'POST',
    path: '/rest/posts',
    json: {
      author: post.author,
      commentary: post.commentary,
      visibility: 'PUBLIC',
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      ...(post.content ? { content: post.content } : {}),
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: false,
    },
    sideEffect: true,
  });
  const urn = answer.headers.get('x-restli-id') ?? answer.headers.get('x-linkedin-id');
  if (!urn) throw new UnknownOutcomeError(`LinkedIn accepted the post (HTTP ${answer.status}) but did not say which post it made`);
  return urn;
}

/** DELETE /rest/posts/{urn}. LinkedIn treats deletes as idempotent; a 404 (already gone) counts as done. */
export async function deletePost(client: LinkedInClient, token: string, urn: string): Promise<void> {
  if (!/^urn:li:(share|ugcPost):\d+$/.test(urn)) throw new RejectedError(`Not a LinkedIn post URN: ${urn}`, 'bad_urn');
  await client.rest(token, { method: 'DELETE', path: `/rest/posts/${encodeURIComponent(urn)}`, headers: { 'x-restli-method': 'DELETE' }, allow: [404] });
}

interface PostElement {
  id?: unknown;
  commentary?: unknown;
  createdAt?: unknown;
  publishedAt?: unknown;
}

const PAGE = 50;
const MAX_PAGES = 6;

/**
 * Looks through the author's posts, newest first (`q=author`, `sortBy=CREATED`), for one created at
 * or after `since` whose commentary is exactly the little text Herald would have sent. LinkedIn
 * refuses duplicate commentary from one author, so an exact match is this post.
 *
 * Returns null only when the listing reached posts older than `since` (or its end) without a
 * match. When LinkedIn will not list the posts (a member's posts need the restricted
 * r_member_social permission) or the search stops before `since`, it cannot tell: UnknownOutcome.
 */
export async function findPost(client: LinkedInClient, token: string, author: string, text: string, since: Date): Promise<Published | null> {
  const wanted = toLittleText(text);
  const matches: Published[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await client.rest(token, {
      method: 'GET',
      path: '/rest/posts',
      query: restliQuery({ author, q: 'author', count: PAGE, start: page * PAGE, sortBy: 'CREATED' }),
      allow: [403],
    });
    if (answer.status === 403) {
      throw new UnknownOutcomeError(
        "LinkedIn does not let Herald list this author's posts (a member's posts need the r_member_social permission), so it cannot tell whether the post went out",
        'ACCESS_DENIED',
      );
    }
    const elements = ((answer.json as { elements?: PostElement[] } | null)?.elements ?? []);
    for (const el of elements) {
      const createdAt = typeof el.createdAt === 'number' ? el.createdAt : undefined;
      if (createdAt !== undefined && createdAt < since.getTime()) return uniqueTextMatch('LinkedIn', text, matches);
      if (typeof el.id === 'string' && (el.commentary === wanted || el.commentary === text)) {
        const at = typeof el.publishedAt === 'number' ? el.publishedAt : createdAt;
        matches.push({ platformPostId: el.id, permalink: permalinkOf(el.id), publishedAt: at !== undefined ? new Date(at) : undefined });
      }
    }
    if (elements.length < PAGE) return uniqueTextMatch('LinkedIn', text, matches);
  }
  throw new UnknownOutcomeError(`Herald looked through the ${PAGE * MAX_PAGES} newest LinkedIn posts without reaching the publish time; it cannot tell whether the post went out`);
}
