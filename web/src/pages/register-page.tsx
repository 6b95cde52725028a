import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type ChangeEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { splitError } from '../api/errors';
import { Alert } from '../components/alert';
import { Button } from '../components/button';
import { Input } from '../components/field';
import { PasswordInput } from '../components/password-input';
import { GoogleButton } from '../features/session/google-button';
import { authConfigQuery, useSignIn } from '../features/session/session';
import { AuthLayout, Divider } from '../layouts/auth-layout';
import { safeReturnTo, withParams } from '../lib/return-to';
import { collect, email, focusFirstInvalid, hasErrors, MIN_PASSWORD_LENGTH, password, required } from '../lib/validate';

const FIELDS = ['name', 'email', 'password'] as const;

export function RegisterPage() {
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get('returnTo'));
  const [form, setForm] = useState({ name: '', email: params.get('email') ?? '', password: '' });
  const [checked, setChecked] = useState<Partial<Record<(typeof FIELDS)[number], string>>>({});
  const config = useQuery(authConfigQuery);
  const signIn = useSignIn();
  const navigate = useNavigate();

  const register = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/register', { body: { name: form.name.trim(), email: form.email.trim(), password: form.password } })),
    onSuccess: (result) => {
      signIn(result.accessToken);
      void navigate(returnTo, { replace: true });
    },
  });

  const server = splitError(register.error, FIELDS);
  const fields = { ...server.fields, ...checked };
  const banner = server.banner;
  const update = (key: keyof typeof form) => (event: ChangeEvent<HTMLInputElement>) => setForm({ ...form, [key]: event.target.value });
  const missing = MIN_PASSWORD_LENGTH - form.password.length;

  const submit = (formElement: HTMLFormElement) => {
    const problems = collect<(typeof FIELDS)[number]>({
      name: [required(form.name, 'Enter your name.')],
      email: [required(form.email, 'Enter your email address.'), email(form.email)],
      password: [password(form.password)],
    });
    setChecked(problems);
    if (hasErrors(problems)) focusFirstInvalid(formElement);
    else register.mutate();
  };

  return (
    <AuthLayout
      title="Create your account"
      subtitle="Plan, write and schedule for every brand you look after."
      footer={
        <>
          Already have an account?{' '}
          <Link to={withParams('/login', { returnTo: params.get('returnTo'), email: form.email.trim() || null })} className="font-medium text-brand-700 hover:text-brand-800">
            Log in
          </Link>
        </>
      }
    >
      <div className="space-y-5">
        {config.data?.googleEnabled ? (
          <>
            <GoogleButton returnTo={returnTo} />
            <Divider>or</Divider>
          </>
        ) : null}
        <form
          className="space-y-5"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            submit(event.currentTarget);
          }}
        >
          <Input label="Your name" autoComplete="name" value={form.name} onChange={update('name')} error={fields.name} required autoFocus data-testid="register-name" />
          <Input label="Email" type="email" autoComplete="email" value={form.email} onChange={update('email')} error={fields.email} required data-testid="register-email" />
          <PasswordInput
            label="Password"
            autoComplete="new-password"
            value={form.password}
            onChange={update('password')}
            error={fields.password}
            hint={form.password.length > 0 && missing > 0 ? `${missing} more character${missing === 1 ? '' : 's'} to go.` : `At least ${MIN_PASSWORD_LENGTH} characters.`}
            required
            data-testid="register-password"
          />
          {banner ? <Alert tone="error">{banner}</Alert> : null}
          <Button type="submit" size="lg" className="w-full" loading={register.isPending} data-testid="register-submit">
            Create account
          </Button>
        </form>
      </div>
    </AuthLayout>
  );
}
