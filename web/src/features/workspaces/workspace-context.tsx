import { createContext, useContext } from 'react';
import type { Workspace } from '../../api/types';

export const WorkspaceContext = createContext<Workspace | null>(null);

/** The workspace of the current page (inside /orgs/:orgId/workspaces/:workspaceId). */
export function useCurrentWorkspace(): Workspace {
  const workspace = useContext(WorkspaceContext);
  if (!workspace) throw new Error('useCurrentWorkspace must be used inside a workspace route');
  return workspace;
}
