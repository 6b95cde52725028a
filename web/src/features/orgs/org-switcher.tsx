import { Building2, Check, ChevronsUpDown, Plus } from 'lucide-react';
import { useState } from 'react';
import { ROLE_LABELS } from '../../api/types';
import { Avatar } from '../../components/avatar';
import { Dialog } from '../../components/dialog';
import { Menu, MenuItem, MenuLabel, MenuLink, MenuSeparator } from '../../components/menu';
import { Skeleton } from '../../components/spinner';
import { useMe } from '../session/session';
import { CreateOrgForm } from './create-org-form';

/** Lists the organizations you belong to and lets you create another. */
export function OrgSwitcher({ orgId }: { orgId: string | undefined }) {
  const me = useMe();
  const [creating, setCreating] = useState(false);
  const memberships = me.data?.memberships ?? [];
  const current = memberships.find((m) => m.organization.id === orgId);

  if (me.isPending) {
    return (
      <div className="flex items-center gap-3 rounded-xl p-2">
        <Skeleton className="size-9 rounded-lg" />
        <div className="flex-1 space-y-1.5">
          <Skeleton className="h-3.5 w-24" />
          <Skeleton className="h-3 w-14" />
        </div>
      </div>
    );
  }

  return (
    <>
      <Menu
        triggerClassName="flex w-full items-center gap-3 rounded-xl p-2 text-left transition-colors hover:bg-zinc-100 aria-expanded:bg-zinc-100"
        triggerProps={{ 'data-testid': 'org-switcher', 'aria-label': current ? `Organization: ${current.organization.name}. Switch organization` : 'Choose an organization' }}
        panelClassName="w-full min-w-64"
        trigger={
          <>
            {current ? (
              <Avatar name={current.organization.name} seed={current.organization.id} shape="square" />
            ) : (
              <span className="flex size-9 items-center justify-center rounded-lg bg-zinc-100 text-zinc-500">
                <Building2 className="size-5" aria-hidden />
              </span>
            )}
            <span className="min-w-0 flex-1">
              <span className="block truncate text-sm font-semibold text-zinc-900">{current?.organization.name ?? 'Choose organization'}</span>
              <span className="block truncate text-xs text-zinc-500">{current ? ROLE_LABELS[current.role] : `${memberships.length} organization${memberships.length === 1 ? '' : 's'}`}</span>
            </span>
            <ChevronsUpDown className="size-4 shrink-0 text-zinc-400" aria-hidden />
          </>
        }
      >
        <MenuLabel>Organizations</MenuLabel>
        <div className="max-h-72 overflow-y-auto">
          {memberships.map((membership) => {
            const selected = membership.organization.id === orgId;
            return (
              <MenuLink key={membership.organization.id} to={`/orgs/${membership.organization.id}`} selected={selected} data-testid="org-option">
                <Avatar name={membership.organization.name} seed={membership.organization.id} shape="square" size="xs" />
                <span className="min-w-0 flex-1 truncate">{membership.organization.name}</span>
                {selected ? <Check className="size-4 text-brand-600" aria-hidden /> : <span className="text-xs text-zinc-400">{ROLE_LABELS[membership.role]}</span>}
              </MenuLink>
            );
          })}
        </div>
        <MenuSeparator />
        <MenuItem icon={Plus} onClick={() => setCreating(true)} data-testid="create-org">
          Create organization
        </MenuItem>
      </Menu>
      <Dialog open={creating} onClose={() => setCreating(false)} title="Create organization" description="Organizations hold your workspaces, members and billing. You’ll be its owner.">
        <CreateOrgForm onCancel={() => setCreating(false)} onCreated={() => setCreating(false)} />
      </Dialog>
    </>
  );
}
