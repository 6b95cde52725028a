import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';

export const workspacesQuery = (orgId: string) =>
  queryOptions({
    queryKey: ['workspaces', orgId],
    queryFn: () => call(api.GET('/api/v1/orgs/{orgId}/workspaces', { params: { path: { orgId } } })).then((body) => body.items),
  });

export const workspaceQuery = (workspaceId: string) =>
  queryOptions({
    queryKey: ['workspace', workspaceId],
    queryFn: () => call(api.GET('/api/v1/workspaces/{workspaceId}', { params: { path: { workspaceId } } })),
  });

export const useWorkspaces = (orgId: string | undefined) => useQuery({ ...workspacesQuery(orgId ?? ''), enabled: Boolean(orgId) });
