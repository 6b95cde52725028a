import { queryOptions, type QueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Post, PostDetail, PostStatus } from '../../api/types';

export const postQuery = (postId: string) =>
  queryOptions({
    queryKey: ['post', postId],
    queryFn: () => call(api.GET('/api/v1/posts/{postId}', { params: { path: { postId } } })),
  });

/** The slim calendar: at most `perDay` posts a day (with each day's total); all of them without it. */
export const calendarQuery = (workspaceId: string, from: string, to: string, perDay?: number) =>
  queryOptions({
    queryKey: ['calendar', workspaceId, from, to, perDay ?? 'all'],
    queryFn: () => call(api.GET('/api/v1/workspaces/{workspaceId}/calendar', { params: { path: { workspaceId }, query: { from, to, ...(perDay ? { perDay } : {}) } } })),
  });

export interface PostFilters {
  status?: PostStatus | undefined;
  channelId?: string | undefined;
  /** ISO date-times with offsets. */
  from?: string | undefined;
  to?: string | undefined;
}

export const postsPage = (workspaceId: string, filters: PostFilters, cursor: string | null, limit = 25) =>
  call(
    api.GET('/api/v1/workspaces/{workspaceId}/posts', {
      params: {
        path: { workspaceId },
        query: {
          limit,
          ...(filters.status ? { status: filters.status } : {}),
          ...(filters.channelId ? { channelId: filters.channelId } : {}),
          ...(filters.from ? { from: filters.from } : {}),
          ...(filters.to ? { to: filters.to } : {}),
          ...(cursor ? { cursor } : {}),
        },
      },
    }),
  );

/** After any change to a post: its detail, the lists and the calendar are refetched. */
export async function refreshPosts(queryClient: QueryClient, workspaceId: string, post?: PostDetail): Promise<void> {
  if (post) queryClient.setQueryData(['post', post.id], post);
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ['posts', workspaceId] }),
    queryClient.invalidateQueries({ queryKey: ['calendar', workspaceId] }),
    post ? queryClient.invalidateQueries({ queryKey: ['post', post.id] }) : Promise.resolve(),
  ]);
}

export const postActions = {
  schedule: (postId: string, scheduledAt: string) => call(api.POST('/api/v1/posts/{postId}/schedule', { params: { path: { postId } }, body: { scheduledAt } })),
  publishNow: (postId: string) => call(api.POST('/api/v1/posts/{postId}/publish-now', { params: { path: { postId } } })),
  queue: (postId: string) => call(api.POST('/api/v1/posts/{postId}/queue', { params: { path: { postId } } })),
  cancel: (postId: string) => call(api.POST('/api/v1/posts/{postId}/cancel', { params: { path: { postId } } })),
  duplicate: (postId: string) => call(api.POST('/api/v1/posts/{postId}/duplicate', { params: { path: { postId } } })),
  remove: (postId: string) => call(api.DELETE('/api/v1/posts/{postId}', { params: { path: { postId } } })),
  unpublish: (postId: string) => call(api.POST('/api/v1/posts/{postId}/unpublish', { params: { path: { postId } }, body: {} })),
};

/** When a post goes (or went) out: its publish time, else its scheduled time. */
export const postWhen = (post: Pick<Post, 'publishedAt' | 'scheduledAt'>) => post.publishedAt ?? post.scheduledAt;

/** How long after its time a scheduled target still counts as "going out now" rather than overdue. */
const DUE_WINDOW_MS = 2 * 60_000;

/**
 * A post as it is about to be: a target whose time has come (publish now, or a schedule just
 * reached) is shown as publishing until the worker's own change arrives, so the page never offers
 * "Publish now" or "Reschedule" for a post that is already on its way. Older than two minutes, a
 * scheduled target is left as it is (overdue: the sweep will resend it).
 */
export function asAboutToBe<P extends Pick<Post, 'status' | 'targets'>>(post: P, now = Date.now()): P {
  const due = (t: P['targets'][number]) => t.status === 'scheduled' && t.scheduledAt !== null && new Date(t.scheduledAt).getTime() <= now && now - new Date(t.scheduledAt).getTime() < DUE_WINDOW_MS;
  if (!post.targets.some(due)) return post;
  return { ...post, status: post.status === 'scheduled' ? 'publishing' : post.status, targets: post.targets.map((t) => (due(t) ? { ...t, status: 'publishing' } : t)) };
}

/** First line of a post's text, for titles and chips. */
export function postTitle(text: string, max = 80): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  if (!line) return 'Untitled post';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
