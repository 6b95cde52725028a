import { queryOptions } from '@tanstack/react-query';
import { api, call } from '../../api/client';

export const membersQuery = (orgId: string) =>
  queryOptions({
    queryKey: ['members', orgId],
    queryFn: () => call(api.GET('/api/v1/orgs/{orgId}/members', { params: { path: { orgId } } })).then((body) => body.items),
  });

export const invitationsQuery = (orgId: string) =>
  queryOptions({
    queryKey: ['invitations', orgId],
    queryFn: () => call(api.GET('/api/v1/orgs/{orgId}/invitations', { params: { path: { orgId } } })).then((body) => body.items),
  });
