import { Check, ChevronsUpDown, LayoutGrid, Plus } from 'lucide-react';
import { useState } from 'react';
import type { Workspace } from '../../api/types';
import { Avatar } from '../../components/avatar';
import { Menu, MenuItem, MenuLabel, MenuLink, MenuSeparator } from '../../components/menu';
import { Skeleton } from '../../components/spinner';
import { CreateWorkspaceDialog } from './create-workspace-dialog';

interface WorkspaceSwitcherProps {
  orgId: string;
  workspaces: Workspace[] | undefined;
  /** The list could not be loaded. */
  failed: boolean;
  current: Workspace | undefined;
  canCreate: boolean;
}

export function WorkspaceSwitcher({ orgId, workspaces, failed, current, canCreate }: WorkspaceSwitcherProps) {
  const [creating, setCreating] = useState(false);

  if (!workspaces) {
    return failed ? <p className="px-2.5 text-sm text-zinc-500">Workspaces couldn’t be loaded.</p> : <Skeleton className="h-10 w-full rounded-lg" />;
  }

  return (
    <>
      <Menu
        triggerClassName="flex h-10 w-full items-center gap-2.5 rounded-lg border border-zinc-200 bg-white px-2.5 text-left shadow-xs transition-colors hover:border-zinc-300 aria-expanded:border-brand-400"
        triggerProps={{ 'data-testid': 'workspace-switcher', 'aria-label': current ? `Workspace: ${current.name}. Switch workspace` : 'Choose a workspace' }}
        panelClassName="w-full min-w-60"
        trigger={
          <>
            {current ? <Avatar name={current.name} seed={current.id} shape="square" size="xs" /> : <LayoutGrid className="size-4 text-zinc-400" aria-hidden />}
            <span className={current ? 'min-w-0 flex-1 truncate text-sm font-medium text-zinc-900' : 'min-w-0 flex-1 truncate text-sm text-zinc-500'}>
              {current?.name ?? (workspaces.length === 0 ? 'No workspaces yet' : 'Choose a workspace')}
            </span>
            <ChevronsUpDown className="size-4 shrink-0 text-zinc-400" aria-hidden />
          </>
        }
      >
        {workspaces.length > 0 ? (
          <>
            <MenuLabel>Workspaces</MenuLabel>
            <div className="max-h-72 overflow-y-auto">
              {workspaces.map((workspace) => (
                <MenuLink key={workspace.id} to={`/orgs/${orgId}/workspaces/${workspace.id}`} selected={workspace.id === current?.id} data-testid="workspace-option">
                  <Avatar name={workspace.name} seed={workspace.id} shape="square" size="xs" />
                  <span className="min-w-0 flex-1 truncate">{workspace.name}</span>
                  {workspace.id === current?.id ? <Check className="size-4 text-brand-600" aria-hidden /> : null}
                </MenuLink>
              ))}
            </div>
            <MenuSeparator />
          </>
        ) : null}
        <MenuLink to={`/orgs/${orgId}`} icon={LayoutGrid}>
          All workspaces
        </MenuLink>
        {canCreate ? (
          <MenuItem icon={Plus} onClick={() => setCreating(true)}>
            New workspace
          </MenuItem>
        ) : null}
      </Menu>
      <CreateWorkspaceDialog orgId={orgId} open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
