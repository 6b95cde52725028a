import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { Outlet, useParams } from 'react-router';
import { ApiError, describeError } from '../../api/errors';
import type { Permission } from '../../api/types';
import { Alert } from '../../components/alert';
import { PageLoader } from '../../components/spinner';
import { prefs } from '../../lib/prefs';
import { NotFoundPanel } from '../../pages/not-found-page';
import { OrgContext } from './org-context';
import { orgQuery } from './queries';

/** /orgs/:orgId: loads the organization and what you may do in it, for every page below. */
export function OrgScope() {
  const { orgId = '' } = useParams();
  const org = useQuery(orgQuery(orgId));

  useEffect(() => {
    if (org.data) prefs.setLastOrgId(org.data.id);
  }, [org.data]);

  const value = useMemo(() => (org.data ? { org: org.data, can: (action: Permission) => org.data.permissions.includes(action) } : null), [org.data]);

  if (org.isPending) return <PageLoader />;
  if (org.isError) {
    if (org.error instanceof ApiError && (org.error.status === 404 || org.error.status === 403)) {
      return <NotFoundPanel title="Organization not found" message="It may have been deleted, or you’re not a member of it." />;
    }
    return <Alert tone="error">{describeError(org.error)}</Alert>;
  }
  return (
    <OrgContext.Provider value={value}>
      <Outlet />
    </OrgContext.Provider>
  );
}
