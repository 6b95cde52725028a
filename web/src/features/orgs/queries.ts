import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';

export const orgQuery = (orgId: string) =>
  queryOptions({
    queryKey: ['org', orgId],
    queryFn: () => call(api.GET('/api/v1/orgs/{orgId}', { params: { path: { orgId } } })),
  });

export const useOrg = (orgId: string | undefined) => useQuery({ ...orgQuery(orgId ?? ''), enabled: Boolean(orgId) });
