import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { api, call } from '../../api/client';

export interface MediaFilters {
  q?: string;
  kind?: 'image' | 'video' | undefined;
  tag?: string;
}

export const mediaListQuery = (workspaceId: string, filters: MediaFilters, limit = 30) =>
  infiniteQueryOptions({
    queryKey: ['media', workspaceId, { q: filters.q ?? '', kind: filters.kind ?? '', tag: filters.tag ?? '', limit }],
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/v1/workspaces/{workspaceId}/media', {
          params: {
            path: { workspaceId },
            query: {
              limit,
              ...(filters.q ? { q: filters.q } : {}),
              ...(filters.kind ? { kind: filters.kind } : {}),
              ...(filters.tag ? { tag: filters.tag } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });

export const mediaQuery = (mediaId: string) =>
  queryOptions({
    queryKey: ['media-item', mediaId],
    queryFn: () => call(api.GET('/api/v1/media/{mediaId}', { params: { path: { mediaId } } })),
    staleTime: 5 * 60_000,
  });
