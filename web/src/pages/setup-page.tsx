import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ChangeEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, call } from '../api/client';
import { splitError } from '../api/errors';
import { Alert } from '../components/alert';
import { Button } from '../components/button';
import { Input } from '../components/field';
import { PasswordInput } from '../components/password-input';
import { authConfigQuery, useSignIn } from '../features/session/session';
import { AuthLayout } from '../layouts/auth-layout';
import { prefs } from '../lib/prefs';
import { collect, email, focusFirstInvalid, hasErrors, password, required } from '../lib/validate';

const FIELDS = ['name', 'email', 'password', 'organizationName'] as const;

/** First run: creates the owner account and the first organization of this Herald instance. */
export function SetupPage() {
  const [form, setForm] = useState({ name: '', email: '', password: '', organizationName: '' });
  const [checked, setChecked] = useState<Partial<Record<(typeof FIELDS)[number], string>>>({});
  const signIn = useSignIn();
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  const setup = useMutation({
    mutationFn: () => call(api.POST('/api/v1/setup', { body: { ...form, name: form.name.trim(), email: form.email.trim(), organizationName: form.organizationName.trim() } })),
    onSuccess: (result) => {
      prefs.setLastOrgId(result.organization.id);
      const config = queryClient.getQueryData(authConfigQuery.queryKey);
      if (config) queryClient.setQueryData(authConfigQuery.queryKey, { ...config, needsSetup: false });
      signIn(result.accessToken);
      void navigate(`/orgs/${result.organization.id}`, { replace: true });
      void queryClient.invalidateQueries({ queryKey: authConfigQuery.queryKey });
    },
  });

  const server = splitError(setup.error, FIELDS);
  const fields = { ...server.fields, ...checked };
  const banner = server.banner;
  const update = (key: keyof typeof form) => (event: ChangeEvent<HTMLInputElement>) => setForm({ ...form, [key]: event.target.value });

  const submit = (formElement: HTMLFormElement) => {
    const problems = collect<(typeof FIELDS)[number]>({
      name: [required(form.name, 'Enter your name.')],
      email: [required(form.email, 'Enter your email address.'), email(form.email)],
      password: [password(form.password)],
      organizationName: [required(form.organizationName, 'Name your organization.')],
    });
    setChecked(problems);
    if (hasErrors(problems)) focusFirstInvalid(formElement);
    else setup.mutate();
  };

  return (
    <AuthLayout title="Welcome to Herald" subtitle="Let’s set up this Herald instance. You’ll be its owner, and you can invite your team right after.">
      <form
        className="space-y-5"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit(event.currentTarget);
        }}
      >
        <Input label="Your name" autoComplete="name" value={form.name} onChange={update('name')} error={fields.name} required autoFocus data-testid="setup-name" />
        <Input label="Work email" type="email" autoComplete="email" value={form.email} onChange={update('email')} error={fields.email} required data-testid="setup-email" />
        <PasswordInput
          label="Password"
          autoComplete="new-password"
          value={form.password}
          onChange={update('password')}
          error={fields.password}
          hint="At least 10 characters."
          required
          data-testid="setup-password"
        />
        <Input
          label="Organization name"
          placeholder="Your company or agency"
          value={form.organizationName}
          onChange={update('organizationName')}
          error={fields.organizationName}
          required
          data-testid="setup-org"
        />
        {banner ? <Alert tone="error">{banner}</Alert> : null}
        <Button type="submit" size="lg" className="w-full" loading={setup.isPending} data-testid="setup-submit">
          Create owner account
        </Button>
      </form>
    </AuthLayout>
  );
}
