import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Outlet, useParams } from 'react-router';
import { ApiError, describeError } from '../../api/errors';
import { Alert } from '../../components/alert';
import { PageLoader } from '../../components/spinner';
import { prefs } from '../../lib/prefs';
import { NotFoundPanel } from '../../pages/not-found-page';
import { LivePostUpdates } from '../posts/live-updates';
import { workspaceQuery } from './queries';
import { WorkspaceContext } from './workspace-context';

/**
 * /orgs/:orgId/workspaces/:workspaceId: loads the workspace, remembers it as this org's current one, and
 * keeps its pages' posts live (one event stream for the lists, the calendar and each post page).
 */
export function WorkspaceScope() {
  const { orgId = '', workspaceId = '' } = useParams();
  const workspace = useQuery(workspaceQuery(workspaceId));
  const belongs = workspace.data?.organizationId === orgId;

  useEffect(() => {
    if (workspace.data && belongs) prefs.setLastWorkspaceId(orgId, workspace.data.id);
  }, [workspace.data, belongs, orgId]);

  if (workspace.isPending) return <PageLoader />;
  if (workspace.isError && !(workspace.error instanceof ApiError && [403, 404].includes(workspace.error.status))) {
    return <Alert tone="error">{describeError(workspace.error)}</Alert>;
  }
  if (!workspace.data || !belongs) {
    return <NotFoundPanel title="Workspace not found" message="It may have been deleted, or it belongs to another organization." />;
  }
  return (
    <WorkspaceContext.Provider value={workspace.data}>
      <LivePostUpdates workspaceId={workspace.data.id}>
        <Outlet />
      </LivePostUpdates>
    </WorkspaceContext.Provider>
  );
}
