import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ChangeEvent } from 'react';
import { api, call } from '../api/client';
import { splitError } from '../api/errors';
import type { User } from '../api/types';
import { Alert } from '../components/alert';
import { Avatar } from '../components/avatar';
import { Button } from '../components/button';
import { Card, CardBody, CardFooter, CardHeader } from '../components/card';
import { Input } from '../components/field';
import { PageHeader } from '../components/page-header';
import { PasswordInput } from '../components/password-input';
import { PageLoader } from '../components/spinner';
import { useToast } from '../components/toast';
import { EmailVerificationCard } from '../features/session/email-verification';
import { authConfigQuery, useMe } from '../features/session/session';
import { formatDate } from '../lib/format';
import { collect, focusFirstInvalid, hasErrors, MIN_PASSWORD_LENGTH, password as passwordCheck, required } from '../lib/validate';

export function ProfilePage() {
  const me = useMe();
  const config = useQuery(authConfigQuery);
  if (!me.data) return <PageLoader />;
  const user = me.data.user;
  return (
    <>
      <PageHeader title="Your profile" description="How you appear to your team, and how you sign in." />
      <div className="space-y-8">
        <NameCard key={user.name} user={user} />
        <EmailVerificationCard user={user} mailConfigured={config.data?.mailConfigured ?? true} />
        <PasswordCard key={String(user.hasPassword)} user={user} />
      </div>
    </>
  );
}

function NameCard({ user }: { user: User }) {
  const [name, setName] = useState(user.name);
  const [checked, setChecked] = useState<{ name?: string }>({});
  const queryClient = useQueryClient();
  const toast = useToast();

  const save = useMutation({
    mutationFn: () => call(api.PATCH('/api/v1/me', { body: { name: name.trim() } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['me'] });
      toast.success('Profile saved.');
    },
  });

  const server = splitError(save.error, ['name'] as const);

  return (
    <Card>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const problems = collect<'name'>({ name: [required(name, 'Enter your name.')] });
          setChecked(problems);
          if (hasErrors(problems)) focusFirstInvalid(event.currentTarget);
          else save.mutate();
        }}
      >
        <CardHeader title="Personal details" description={`Member since ${formatDate(user.createdAt)}`} />
        <CardBody className="space-y-5">
          <div className="flex items-center gap-4">
            <Avatar name={name || user.name} seed={user.id} size="lg" />
            <div className="min-w-0">
              <p className="truncate font-medium text-zinc-900">{name || user.name}</p>
              <p className="truncate text-sm text-zinc-500">{user.email}</p>
            </div>
          </div>
          <div className="grid gap-5 sm:grid-cols-2">
            <Input label="Name" autoComplete="name" value={name} onChange={(event) => setName(event.target.value)} error={checked.name ?? server.fields.name} maxLength={100} data-testid="profile-name" />
            <Input label="Email" value={user.email} readOnly hint="Your sign-in address. It can’t be changed here." />
          </div>
          {server.banner ? <Alert tone="error">{server.banner}</Alert> : null}
        </CardBody>
        <CardFooter>
          <Button type="submit" loading={save.isPending} disabled={name.trim() === user.name} data-testid="profile-save">
            Save
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

const PASSWORD_FIELDS = ['currentPassword', 'newPassword', 'confirm'] as const;
type PasswordField = (typeof PASSWORD_FIELDS)[number];

function PasswordCard({ user }: { user: User }) {
  const [form, setForm] = useState({ currentPassword: '', newPassword: '', confirm: '' });
  const [checked, setChecked] = useState<Partial<Record<PasswordField, string>>>({});
  const queryClient = useQueryClient();
  const toast = useToast();

  const change = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/me/password', {
          body: user.hasPassword ? { currentPassword: form.currentPassword, newPassword: form.newPassword } : { newPassword: form.newPassword },
        }),
      ),
    onSuccess: async () => {
      setForm({ currentPassword: '', newPassword: '', confirm: '' });
      toast.success(user.hasPassword ? 'Password changed.' : 'Password set. You can now log in with your email too.');
      await queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });

  const server = splitError(change.error, PASSWORD_FIELDS);
  const fields = { ...server.fields, ...checked };
  const banner = server.banner;
  const update = (key: PasswordField) => (event: ChangeEvent<HTMLInputElement>) => setForm({ ...form, [key]: event.target.value });

  return (
    <Card>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const problems = collect<PasswordField>({
            currentPassword: [user.hasPassword && required(form.currentPassword, 'Enter your current password.')],
            newPassword: [passwordCheck(form.newPassword)],
            confirm: [form.confirm !== form.newPassword && 'The two passwords don’t match.'],
          });
          setChecked(problems);
          if (hasErrors(problems)) focusFirstInvalid(event.currentTarget);
          else change.mutate();
        }}
      >
        <CardHeader
          title={user.hasPassword ? 'Change password' : 'Set a password'}
          description={user.hasPassword ? 'Changing it signs you out everywhere else; this device stays signed in.' : 'You sign in with Google. Add a password to also log in with your email.'}
        />
        <CardBody className="grid gap-5 sm:grid-cols-2">
          {user.hasPassword ? (
            <PasswordInput
              label="Current password"
              autoComplete="current-password"
              value={form.currentPassword}
              onChange={update('currentPassword')}
              error={fields.currentPassword}
              wrapperClassName="sm:col-span-2 sm:max-w-[calc(50%-0.625rem)]"
              data-testid="current-password"
            />
          ) : null}
          <PasswordInput
            label="New password"
            autoComplete="new-password"
            value={form.newPassword}
            onChange={update('newPassword')}
            error={fields.newPassword}
            hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
            data-testid="new-password"
          />
          <PasswordInput label="Confirm new password" autoComplete="new-password" value={form.confirm} onChange={update('confirm')} error={fields.confirm} data-testid="confirm-password" />
          {banner ? (
            <Alert tone="error" className="sm:col-span-2">
              {banner}
            </Alert>
          ) : null}
        </CardBody>
        <CardFooter>
          <Button type="submit" loading={change.isPending} data-testid="password-save">
            {user.hasPassword ? 'Change password' : 'Set password'}
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
