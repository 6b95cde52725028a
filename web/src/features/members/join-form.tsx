import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, call } from '../../api/client';
import { splitError } from '../../api/errors';
import type { InvitationPreview } from '../../api/types';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Input } from '../../components/field';
import { PasswordInput } from '../../components/password-input';
import { useToast } from '../../components/toast';
import { collect, focusFirstInvalid, hasErrors, MIN_PASSWORD_LENGTH, password as passwordCheck, required } from '../../lib/validate';
import { prefs } from '../../lib/prefs';
import { useSignIn } from '../session/session';

const FIELDS = ['name', 'password'] as const;

/** "Create account and join": one step creates the account with the invited email and accepts. */
export function JoinForm({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const [form, setForm] = useState({ name: '', password: '' });
  const [checked, setChecked] = useState<Partial<Record<(typeof FIELDS)[number], string>>>({});
  const signIn = useSignIn();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const toast = useToast();

  const join = useMutation({
    mutationFn: () => call(api.POST('/api/v1/invitations/{token}/register', { params: { path: { token } }, body: { name: form.name.trim(), password: form.password } })),
    onSuccess: async (result) => {
      signIn(result.accessToken);
      prefs.setLastOrgId(result.organization.id);
      await queryClient.invalidateQueries({ queryKey: ['me'] });
      toast.success(`Welcome to ${result.organization.name}!`);
      void navigate(`/orgs/${result.organization.id}`, { replace: true });
    },
  });

  const server = splitError(join.error, FIELDS);
  const fields = { ...server.fields, ...checked };
  const missing = MIN_PASSWORD_LENGTH - form.password.length;

  return (
    <form
      className="space-y-5"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const problems = collect<(typeof FIELDS)[number]>({ name: [required(form.name, 'Enter your name.')], password: [passwordCheck(form.password)] });
        setChecked(problems);
        if (hasErrors(problems)) focusFirstInvalid(event.currentTarget);
        else join.mutate();
      }}
    >
      <Input label="Your name" autoComplete="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={fields.name} required autoFocus data-testid="register-name" />
      <Input label="Email" type="email" value={invitation.email} readOnly hint="The invited address; your account uses it to sign in." data-testid="register-email" />
      <PasswordInput
        label="Password"
        autoComplete="new-password"
        value={form.password}
        onChange={(e) => setForm({ ...form, password: e.target.value })}
        error={fields.password}
        hint={form.password.length > 0 && missing > 0 ? `${missing} more character${missing === 1 ? '' : 's'} to go.` : `At least ${MIN_PASSWORD_LENGTH} characters.`}
        required
        data-testid="register-password"
      />
      {server.banner ? <Alert tone="error">{server.banner}</Alert> : null}
      <Button type="submit" size="lg" className="w-full" loading={join.isPending} data-testid="register-submit">
        Create account and join {invitation.organization.name}
      </Button>
    </form>
  );
}
