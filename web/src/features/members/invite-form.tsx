import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Send } from 'lucide-react';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { splitError } from '../../api/errors';
import { ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES, type IssuedInvitation, type Role } from '../../api/types';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Input, Select } from '../../components/field';
import { useToast } from '../../components/toast';
import { collect, email as emailCheck, focusFirstInvalid, hasErrors, required } from '../../lib/validate';

interface InviteFormProps {
  orgId: string;
  myRole: Role;
  onIssued: (invitation: IssuedInvitation) => void;
}

/** Invite someone by email with a role. Only owners may invite another owner. */
export function InviteForm({ orgId, myRole, onIssued }: InviteFormProps) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [checked, setChecked] = useState<{ email?: string }>({});
  const queryClient = useQueryClient();
  const toast = useToast();

  const invite = useMutation({
    mutationFn: () => call(api.POST('/api/v1/orgs/{orgId}/invitations', { params: { path: { orgId } }, body: { email: email.trim(), role } })),
    onSuccess: (invitation) => {
      void queryClient.invalidateQueries({ queryKey: ['invitations', orgId] });
      if (invitation.emailSent) toast.success(`Invitation sent to ${invitation.email}.`);
      onIssued(invitation);
      setEmail('');
    },
  });

  const server = splitError(invite.error, ['email', 'role'] as const);
  const roleOptions = ROLES.map((r) => ({ value: r, label: `${ROLE_LABELS[r]}`, disabled: r === 'owner' && myRole !== 'owner' }));

  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        const problems = collect<'email'>({ email: [required(email, 'Enter the email address to invite.'), emailCheck(email)] });
        setChecked(problems);
        if (hasErrors(problems)) focusFirstInvalid(event.currentTarget);
        else invite.mutate();
      }}
    >
      <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-start">
        <Input
          label="Email address"
          type="email"
          placeholder="teammate@example.com"
          autoComplete="off"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={checked.email ?? server.fields.email}
          data-testid="invite-email"
        />
        <Select label="Role" value={role} onChange={(event) => setRole(event.target.value as Role)} options={roleOptions} error={server.fields.role} data-testid="invite-role" />
        <Button type="submit" icon={Send} loading={invite.isPending} className="sm:mt-7" data-testid="invite-submit">
          Send invite
        </Button>
      </div>
      <p className="text-sm text-zinc-500">
        <span className="font-medium text-zinc-700">{ROLE_LABELS[role]}:</span> {ROLE_DESCRIPTIONS[role]}.
      </p>
      {server.banner ? <Alert tone="error">{server.banner}</Alert> : null}
    </form>
  );
}
