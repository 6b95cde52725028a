import { Clock, Hash, LayoutGrid, Plus } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { describeError } from '../api/errors';
import type { Workspace } from '../api/types';
import { Alert } from '../components/alert';
import { Avatar } from '../components/avatar';
import { Button } from '../components/button';
import { Card } from '../components/card';
import { EmptyState } from '../components/empty-state';
import { PageHeader } from '../components/page-header';
import { Skeleton } from '../components/spinner';
import { useCurrentOrg } from '../features/orgs/org-context';
import { useWorkspaces } from '../features/workspaces/queries';
import { CreateWorkspaceDialog } from '../features/workspaces/create-workspace-dialog';

/** The organization's home: its workspaces (one per brand). */
export function OrgHomePage() {
  const { org, can } = useCurrentOrg();
  const workspaces = useWorkspaces(org.id);
  const [creating, setCreating] = useState(false);
  const canCreate = can('workspaces.create');
  const hasWorkspaces = (workspaces.data?.length ?? 0) > 0;

  const newButton = (
    <Button icon={Plus} onClick={() => setCreating(true)} data-testid="new-workspace">
      New workspace
    </Button>
  );

  return (
    <>
      <PageHeader title="Workspaces" description={`Each workspace is one brand ${org.name} manages, with its own channels, voice and schedule.`} actions={canCreate && hasWorkspaces ? newButton : null} />
      {workspaces.isPending ? (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" role="status" aria-label="Loading workspaces">
          {Array.from({ length: 3 }, (_, i) => (
            <Card key={i} className="space-y-4 p-5">
              <div className="flex items-center gap-3">
                <Skeleton className="size-10 rounded-lg" />
                <Skeleton className="h-4 w-32" />
              </div>
              <Skeleton className="h-3 w-full" />
              <Skeleton className="h-3 w-2/3" />
            </Card>
          ))}
        </div>
      ) : workspaces.isError ? (
        <Alert tone="error">{describeError(workspaces.error)}</Alert>
      ) : hasWorkspaces ? (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {workspaces.data.map((workspace) => (
            <li key={workspace.id}>
              <WorkspaceCard orgId={org.id} workspace={workspace} />
            </li>
          ))}
        </ul>
      ) : (
        <Card>
          <EmptyState
            icon={LayoutGrid}
            title="Create your first workspace"
            description={
              canCreate
                ? 'A workspace holds one brand: its social channels, posts, voice and default hashtags. Agencies usually create one per client.'
                : 'No workspaces yet. Ask an owner or admin of this organization to create one.'
            }
            action={canCreate ? newButton : undefined}
          />
        </Card>
      )}
      {canCreate ? <CreateWorkspaceDialog orgId={org.id} open={creating} onClose={() => setCreating(false)} /> : null}
    </>
  );
}

function WorkspaceCard({ orgId, workspace }: { orgId: string; workspace: Workspace }) {
  return (
    <Link
      to={`/orgs/${orgId}/workspaces/${workspace.id}`}
      data-testid="workspace-card"
      className="group flex h-full flex-col rounded-xl border border-zinc-200 bg-white p-5 shadow-xs transition hover:border-brand-300 hover:shadow-md"
    >
      <div className="flex items-center gap-3">
        <Avatar name={workspace.name} seed={workspace.id} shape="square" />
        <div className="min-w-0">
          <h2 className="truncate font-semibold text-zinc-900 group-hover:text-brand-700">{workspace.name}</h2>
          {workspace.industry ? <p className="truncate text-xs text-zinc-500">{workspace.industry}</p> : null}
        </div>
      </div>
      <p className="mt-4 line-clamp-2 flex-1 text-sm text-zinc-600">{workspace.description || <span className="text-zinc-400">No description yet.</span>}</p>
      <div className="mt-4 flex flex-wrap items-center gap-x-4 gap-y-1 border-t border-zinc-100 pt-3 text-xs text-zinc-500">
        <span className="inline-flex items-center gap-1.5">
          <Clock className="size-3.5" aria-hidden />
          {workspace.timezone.replace(/_/g, ' ')}
        </span>
        {workspace.defaultHashtags.length > 0 ? (
          <span className="inline-flex items-center gap-1.5">
            <Hash className="size-3.5" aria-hidden />
            {workspace.defaultHashtags.length} default hashtag{workspace.defaultHashtags.length === 1 ? '' : 's'}
          </span>
        ) : null}
      </div>
    </Link>
  );
}
