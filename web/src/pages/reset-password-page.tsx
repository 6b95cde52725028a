import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { ApiError, splitError } from '../api/errors';
import { Alert } from '../components/alert';
import { Button, ButtonLink } from '../components/button';
import { PasswordInput } from '../components/password-input';
import { useToast } from '../components/toast';
import { AuthLayout } from '../layouts/auth-layout';
import { collect, focusFirstInvalid, hasErrors, MIN_PASSWORD_LENGTH, password as passwordCheck } from '../lib/validate';

/** Opened from the reset email: /reset-password?token=… */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [checked, setChecked] = useState<Partial<Record<'password' | 'confirm', string>>>({});
  const navigate = useNavigate();
  const toast = useToast();

  const reset = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/password-reset/confirm', { body: { token, password } })),
    onSuccess: () => {
      toast.success('Your password has been changed. Log in with your new password.');
      void navigate('/login', { replace: true });
    },
  });

  const badToken = !token || (reset.error instanceof ApiError && reset.error.code === 'invalid_reset_token');
  if (badToken) {
    return (
      <AuthLayout title="This link has expired" subtitle="Password reset links work once and only for a short time.">
        <div className="space-y-5">
          <Alert tone="warning">{token ? 'This reset link is invalid or has already been used.' : 'This page needs the link from your reset email.'} Request a new link to continue.</Alert>
          <ButtonLink to="/forgot-password" size="lg" className="w-full">
            Request a new link
          </ButtonLink>
        </div>
      </AuthLayout>
    );
  }

  const server = splitError(reset.error, ['password'] as const);
  const fields = { ...server.fields, ...checked };

  return (
    <AuthLayout
      title="Choose a new password"
      subtitle="You’ll use it to log in from now on."
      footer={
        <Link to="/login" className="font-medium text-brand-700 hover:text-brand-800">
          Back to log in
        </Link>
      }
    >
      <form
        className="space-y-5"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const problems = collect<'password' | 'confirm'>({
            password: [passwordCheck(password)],
            confirm: [confirm !== password && 'The two passwords don’t match.'],
          });
          setChecked(problems);
          if (hasErrors(problems)) focusFirstInvalid(event.currentTarget);
          else reset.mutate();
        }}
      >
        <PasswordInput
          label="New password"
          autoComplete="new-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={fields.password}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
          autoFocus
          data-testid="reset-password"
        />
        <PasswordInput label="Confirm new password" autoComplete="new-password" value={confirm} onChange={(event) => setConfirm(event.target.value)} error={fields.confirm} data-testid="reset-password-confirm" />
        {server.banner ? <Alert tone="error">{server.banner}</Alert> : null}
        <Button type="submit" size="lg" className="w-full" loading={reset.isPending} data-testid="reset-submit">
          Change password
        </Button>
      </form>
    </AuthLayout>
  );
}
