import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Trash2 } from 'lucide-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, call } from '../api/client';
import { ApiError, describeError } from '../api/errors';
import type { Workspace } from '../api/types';
import { Alert } from '../components/alert';
import { Button } from '../components/button';
import { Card, CardBody, CardFooter, CardHeader } from '../components/card';
import { ConfirmDialog } from '../components/confirm-dialog';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toast';
import { useCurrentOrg } from '../features/orgs/org-context';
import { useCurrentWorkspace } from '../features/workspaces/workspace-context';
import { bodyOf, draftOf, WorkspaceFields, type WorkspaceDraft } from '../features/workspaces/workspace-fields';
import { formatDate } from '../lib/format';
import { prefs } from '../lib/prefs';

export function WorkspaceSettingsPage() {
  const workspace = useCurrentWorkspace();
  // A fresh form per workspace (and after each save), so switching workspaces never keeps stale edits.
  return <WorkspaceSettings key={`${workspace.id}:${workspace.updatedAt}`} workspace={workspace} />;
}

function WorkspaceSettings({ workspace }: { workspace: Workspace }) {
  const { org, can } = useCurrentOrg();
  const [draft, setDraft] = useState<WorkspaceDraft>(() => draftOf(workspace));
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const canEdit = can('workspaces.update');
  const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(workspace));

  const save = useMutation({
    mutationFn: () => call(api.PATCH('/api/v1/workspaces/{workspaceId}', { params: { path: { workspaceId: workspace.id } }, body: bodyOf(draft) })),
    onSuccess: (updated) => {
      queryClient.setQueryData(['workspace', updated.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['workspaces', org.id] });
      toast.success('Workspace settings saved.');
    },
  });

  const remove = async () => {
    await call(api.DELETE('/api/v1/workspaces/{workspaceId}', { params: { path: { workspaceId: workspace.id } } }));
    prefs.setLastWorkspaceId(org.id, null);
    queryClient.removeQueries({ queryKey: ['workspace', workspace.id] });
    await queryClient.invalidateQueries({ queryKey: ['workspaces', org.id] });
    toast.success(`Workspace “${workspace.name}” deleted.`);
    void navigate(`/orgs/${org.id}`, { replace: true });
  };

  const error = save.error instanceof ApiError ? save.error : null;
  const hasFieldErrors = error !== null && Object.keys(error.fields).length > 0;

  return (
    <>
      <PageHeader eyebrow={workspace.name} title="Brand settings" description="How this brand presents itself: its time zone for scheduling, its voice and its default hashtags." />
      <div className="space-y-8">
        <Card>
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              save.mutate();
            }}
          >
            <CardHeader title="Profile" description={`Created ${formatDate(workspace.createdAt)}`} />
            <CardBody className="space-y-5">
              {!canEdit ? <Alert tone="info">Only owners and admins can change workspace settings.</Alert> : null}
              <WorkspaceFields draft={draft} onChange={setDraft} error={error} disabled={!canEdit || save.isPending} />
              {save.error && !hasFieldErrors ? <Alert tone="error">{describeError(save.error)}</Alert> : null}
            </CardBody>
            {canEdit ? (
              <CardFooter>
                <Button variant="ghost" disabled={!dirty || save.isPending} onClick={() => setDraft(draftOf(workspace))}>
                  Discard changes
                </Button>
                <Button type="submit" loading={save.isPending} disabled={!dirty || draft.name.trim() === ''} data-testid="workspace-save">
                  Save changes
                </Button>
              </CardFooter>
            ) : null}
          </form>
        </Card>

        {can('workspaces.delete') ? (
          <Card className="border-red-200">
            <CardHeader title="Delete workspace" description="Removes this workspace and everything in it for everyone. This can’t be undone." />
            <CardBody className="flex flex-col gap-4 sm:flex-row sm:items-center sm:justify-between">
              <p className="text-sm text-zinc-600">
                You’ll be asked to type <span className="font-medium text-zinc-900">{workspace.name}</span> to confirm.
              </p>
              <Button variant="danger-outline" icon={Trash2} onClick={() => setConfirmingDelete(true)} data-testid="workspace-delete">
                Delete workspace
              </Button>
            </CardBody>
          </Card>
        ) : null}
      </div>
      <ConfirmDialog open={confirmingDelete} onClose={() => setConfirmingDelete(false)} title={`Delete “${workspace.name}”?`} confirmLabel="Delete workspace" requireText={workspace.name} onConfirm={remove}>
        This permanently deletes the workspace for everyone in {org.name}.
      </ConfirmDialog>
    </>
  );
}
