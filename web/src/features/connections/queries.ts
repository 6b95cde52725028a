import { queryOptions, useMutation } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { ConnectionStatus, Platform } from '../../api/types';

/** Every platform, and whether this server can connect it (the operator set up its app). */
export const platformsQuery = queryOptions({
  queryKey: ['platforms'],
  queryFn: () => call(api.GET('/api/v1/platforms')).then((body) => body.items),
  staleTime: 5 * 60_000,
});

/** The token state of each live channel of a workspace, by channel id. */
export const channelHealthQuery = (workspaceId: string) =>
  queryOptions({
    queryKey: ['channels', workspaceId, 'health'],
    queryFn: () => call(api.GET('/api/v1/workspaces/{workspaceId}/channels/health', { params: { path: { workspaceId } } })).then((body) => new Map(body.items.map((item) => [item.channelId, item]))),
  });

/** Still waiting on the platform: the page keeps asking until the attempt settles. */
export const isConnectionInFlight = (status: ConnectionStatus) => status === 'pending' || status === 'exchanging';

export const connectionQuery = (connectionId: string) =>
  queryOptions({
    queryKey: ['connection', connectionId],
    queryFn: () => call(api.GET('/api/v1/connections/{connectionId}', { params: { path: { connectionId } } })),
    refetchInterval: (query) => (query.state.data && isConnectionInFlight(query.state.data.status) ? 1500 : false),
  });

/**
 * Starts connecting accounts of a platform (or reconnecting one): the server hands back the platform's
 * consent page and the browser goes there. The mutation stays pending while the page unloads.
 */
export function useStartConnection(workspaceId: string) {
  return useMutation({
    mutationFn: (platform: Platform) => call(api.POST('/api/v1/workspaces/{workspaceId}/channels/connect/{platform}', { params: { path: { workspaceId, platform } } })),
    onSuccess: (started) => {
      window.location.assign(started.authorizeUrl);
      // Never settles: the page is leaving, and the button should keep its spinner until it does.
      return new Promise<never>(() => undefined);
    },
  });
}
