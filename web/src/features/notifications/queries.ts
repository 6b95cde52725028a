import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';

/** How often the bell asks for news: notifications are about hours-long problems, not seconds. */
export const NOTIFICATIONS_POLL_MS = 60_000;

export const notificationsQuery = queryOptions({
  queryKey: ['notifications'],
  queryFn: () => call(api.GET('/api/v1/notifications', { params: { query: { limit: 20 } } })),
  refetchInterval: NOTIFICATIONS_POLL_MS,
});

/** Marks the given notifications read, or every one of them without ids. */
export function useMarkNotificationsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (ids?: string[]) => call(api.POST('/api/v1/notifications/read', { body: ids ? { ids } : {} })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
}
