import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, call } from '../../api/client';
import { ApiError, describeError } from '../../api/errors';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Dialog, DialogActions } from '../../components/dialog';
import { useToast } from '../../components/toast';
import { prefs } from '../../lib/prefs';
import { bodyOf, emptyDraft, WorkspaceFields, type WorkspaceDraft } from './workspace-fields';

interface CreateWorkspaceDialogProps {
  orgId: string;
  open: boolean;
  onClose: () => void;
}

export function CreateWorkspaceDialog({ orgId, open, onClose }: CreateWorkspaceDialogProps) {
  return (
    <Dialog open={open} onClose={onClose} title="New workspace" description="A workspace holds one brand: its channels, posts and voice." size="lg">
      <CreateWorkspaceForm orgId={orgId} onDone={onClose} />
    </Dialog>
  );
}

function CreateWorkspaceForm({ orgId, onDone }: { orgId: string; onDone: () => void }) {
  const [draft, setDraft] = useState<WorkspaceDraft>(emptyDraft);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();

  const create = useMutation({
    mutationFn: () => call(api.POST('/api/v1/orgs/{orgId}/workspaces', { params: { path: { orgId } }, body: bodyOf(draft) })),
    onSuccess: async (workspace) => {
      queryClient.setQueryData(['workspace', workspace.id], workspace);
      await queryClient.invalidateQueries({ queryKey: ['workspaces', orgId] });
      prefs.setLastWorkspaceId(orgId, workspace.id);
      toast.success(`Workspace “${workspace.name}” created.`);
      onDone();
      void navigate(`/orgs/${orgId}/workspaces/${workspace.id}`);
    },
  });

  const error = create.error instanceof ApiError ? create.error : null;
  const hasFieldErrors = error !== null && Object.keys(error.fields).length > 0;

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate();
      }}
    >
      <WorkspaceFields draft={draft} onChange={setDraft} error={error} disabled={create.isPending} autoFocus />
      {create.error && !hasFieldErrors ? (
        <Alert tone="error" className="mt-5">
          {describeError(create.error)}
        </Alert>
      ) : null}
      <DialogActions>
        <Button variant="secondary" onClick={onDone} disabled={create.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={create.isPending} disabled={draft.name.trim() === ''} data-testid="workspace-submit">
          Create workspace
        </Button>
      </DialogActions>
    </form>
  );
}
