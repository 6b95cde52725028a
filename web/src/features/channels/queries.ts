import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';

/** The workspace's channels; disconnected ones only when asked (they keep their post history). */
export const channelsQuery = (workspaceId: string, includeDisconnected = false) =>
  queryOptions({
    queryKey: ['channels', workspaceId, includeDisconnected ? 'all' : 'connected'],
    queryFn: () =>
      call(api.GET('/api/v1/workspaces/{workspaceId}/channels', { params: { path: { workspaceId }, query: includeDisconnected ? { includeDisconnected: 'true' } : {} } })).then(
        (body) => body.items,
      ),
  });

export const channelQuery = (channelId: string) =>
  queryOptions({
    queryKey: ['channel', channelId],
    queryFn: () => call(api.GET('/api/v1/channels/{channelId}', { params: { path: { channelId } } })),
  });

export const useChannels = (workspaceId: string, includeDisconnected = false) => useQuery(channelsQuery(workspaceId, includeDisconnected));
