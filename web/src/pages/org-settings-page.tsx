import { useMutation, useQueryClient } from '@tanstack/react-query';
import { LogOut, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, call } from '../api/client';
import { splitError } from '../api/errors';
import { ROLE_LABELS } from '../api/types';
import { Alert } from '../components/alert';
import { Badge } from '../components/badge';
import { Button } from '../components/button';
import { Card, CardBody, CardFooter, CardHeader } from '../components/card';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Input } from '../components/field';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toast';
import { useCurrentOrg } from '../features/orgs/org-context';
import { formatDate } from '../lib/format';
import { prefs } from '../lib/prefs';
import { collect, focusFirstInvalid, hasErrors, required } from '../lib/validate';

export function OrgSettingsPage() {
  const { org, can } = useCurrentOrg();
  return (
    <>
      <PageHeader title="Organization settings" description={`Settings that apply to all of ${org.name}.`} />
      <div className="space-y-8">
        <RenameCard key={org.name} />
        {can('org.leave') ? <LeaveCard /> : null}
        {can('org.delete') ? <DeleteCard /> : null}
      </div>
    </>
  );
}

function RenameCard() {
  const { org, can } = useCurrentOrg();
  const [name, setName] = useState(org.name);
  const [checked, setChecked] = useState<{ name?: string }>({});
  const queryClient = useQueryClient();
  const toast = useToast();
  const canEdit = can('org.update');

  const rename = useMutation({
    mutationFn: () => call(api.PATCH('/api/v1/orgs/{orgId}', { params: { path: { orgId: org.id } }, body: { name: name.trim() } })),
    onSuccess: async () => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: ['org', org.id] }), queryClient.invalidateQueries({ queryKey: ['me'] })]);
      toast.success('Organization renamed.');
    },
  });

  const server = splitError(rename.error, ['name'] as const);

  return (
    <Card>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const problems = collect<'name'>({ name: [required(name, 'The organization needs a name.')] });
          setChecked(problems);
          if (hasErrors(problems)) focusFirstInvalid(event.currentTarget);
          else rename.mutate();
        }}
      >
        <CardHeader
          title="General"
          description={
            <>
              Created {formatDate(org.createdAt)} · Your role: <Badge tone="brand">{ROLE_LABELS[org.role]}</Badge>
            </>
          }
        />
        <CardBody className="space-y-4">
          <Input
            label="Organization name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            error={checked.name ?? server.fields.name}
            disabled={!canEdit}
            maxLength={100}
            hint={canEdit ? 'Shown to your team and on invitations.' : 'Only owners and admins can rename the organization.'}
            wrapperClassName="max-w-md"
            data-testid="org-settings-name"
          />
          {server.banner ? <Alert tone="error">{server.banner}</Alert> : null}
        </CardBody>
        {canEdit ? (
          <CardFooter>
            <Button type="submit" loading={rename.isPending} disabled={name.trim() === org.name} data-testid="org-settings-save">
              Save
            </Button>
          </CardFooter>
        ) : null}
      </form>
    </Card>
  );
}

function DeleteCard() {
  const { org } = useCurrentOrg();
  const [confirming, setConfirming] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();

  const remove = async () => {
    await call(api.DELETE('/api/v1/orgs/{orgId}', { params: { path: { orgId: org.id } } }));
    prefs.forgetOrg(org.id);
    queryClient.removeQueries({ queryKey: ['org', org.id] });
    queryClient.removeQueries({ queryKey: ['workspaces', org.id] });
    await queryClient.invalidateQueries({ queryKey: ['me'] });
    toast.success(`${org.name} was deleted.`);
    void navigate('/', { replace: true });
  };

  return (
    <Card className="border-red-200">
      <CardHeader title="Delete organization" description="Deletes the organization, all of its workspaces, and everyone’s access to them. This can’t be undone." />
      <CardBody className="flex flex-col gap-4 sm:flex-row sm:items-center sm:justify-between">
        <p className="text-sm text-zinc-600">Only owners can delete an organization.</p>
        <Button variant="danger-outline" icon={Trash2} onClick={() => setConfirming(true)} data-testid="org-delete">
          Delete organization
        </Button>
      </CardBody>
      <ConfirmDialog open={confirming} onClose={() => setConfirming(false)} title={`Delete ${org.name}?`} confirmLabel="Delete organization" requireText={org.name} onConfirm={remove}>
        Every workspace in {org.name} will be deleted, and all members will lose access immediately.
      </ConfirmDialog>
    </Card>
  );
}

function LeaveCard() {
  const { org } = useCurrentOrg();
  const [confirming, setConfirming] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();

  const leave = async () => {
    await call(api.DELETE('/api/v1/orgs/{orgId}/members/me', { params: { path: { orgId: org.id } } }));
    prefs.forgetOrg(org.id);
    queryClient.removeQueries({ queryKey: ['org', org.id] });
    await queryClient.invalidateQueries({ queryKey: ['me'] });
    toast.success(`You left ${org.name}.`);
    void navigate('/', { replace: true });
  };

  return (
    <Card>
      <CardHeader title="Leave organization" description="You’ll lose access to its workspaces until someone invites you again." />
      <CardBody className="flex flex-col gap-4 sm:flex-row sm:items-center sm:justify-between">
        <p className="text-sm text-zinc-600">{org.role === 'owner' ? 'If you’re the only owner, make someone else an owner first.' : 'Your content stays in the organization.'}</p>
        <Button variant="secondary" icon={LogOut} onClick={() => setConfirming(true)} data-testid="org-leave">
          Leave organization
        </Button>
      </CardBody>
      <ConfirmDialog open={confirming} onClose={() => setConfirming(false)} title={`Leave ${org.name}?`} confirmLabel="Leave organization" onConfirm={leave}>
        You’ll lose access to {org.name} and all of its workspaces right away.
      </ConfirmDialog>
    </Card>
  );
}
