import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
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
import { collect, email as emailCheck, focusFirstInvalid, hasErrors, required } from '../lib/validate';

const GOOGLE_ERRORS: Record<string, string> = {
  google_denied: 'Google sign-in was cancelled. You can try again, or log in with your email and password.',
  google_state_mismatch: 'That Google sign-in took too long or was started in another tab. Please try again.',
  google_failed: 'We couldn’t sign you in with Google. Please try again in a moment.',
};

export function LoginPage() {
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get('returnTo'));
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [checked, setChecked] = useState<Partial<Record<'email' | 'password', string>>>({});
  const config = useQuery(authConfigQuery);
  const signIn = useSignIn();
  const navigate = useNavigate();

  const login = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/login', { body: { email: email.trim(), password } })),
    onSuccess: (result) => {
      signIn(result.accessToken);
      void navigate(returnTo, { replace: true });
    },
  });

  const server = splitError(login.error, ['email', 'password'] as const);
  const fields = { ...server.fields, ...checked };
  const banner = server.banner;

  const submit = (formElement: HTMLFormElement) => {
    const problems = collect<'email' | 'password'>({
      email: [required(email, 'Enter your email address.'), emailCheck(email)],
      password: [required(password, 'Enter your password.')],
    });
    setChecked(problems);
    if (hasErrors(problems)) focusFirstInvalid(formElement);
    else login.mutate();
  };
  const googleError = GOOGLE_ERRORS[params.get('error') ?? ''];
  const keep = { returnTo: params.get('returnTo'), email: email.trim() || null };

  return (
    <AuthLayout
      title="Log in to Herald"
      subtitle="Welcome back. Pick up where you left off."
      footer={
        <>
          New to Herald?{' '}
          <Link to={withParams('/register', keep)} className="font-medium text-brand-700 hover:text-brand-800">
            Create an account
          </Link>
        </>
      }
    >
      <div className="space-y-5">
        {params.get('expired') ? <Alert tone="info">Your session has ended. Log in again to continue.</Alert> : null}
        {googleError ? <Alert tone="error">{googleError}</Alert> : null}
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
          <Input label="Email" type="email" autoComplete="email" value={email} onChange={(event) => setEmail(event.target.value)} error={fields.email} required autoFocus data-testid="login-email" />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={fields.password}
            required
            data-testid="login-password"
            labelAside={
              <Link to={withParams('/forgot-password', { email: email.trim() || null })} className="text-sm font-medium text-brand-700 hover:text-brand-800" data-testid="forgot-password">
                Forgot password?
              </Link>
            }
          />
          {banner ? <Alert tone="error">{banner}</Alert> : null}
          <Button type="submit" size="lg" className="w-full" loading={login.isPending} data-testid="login-submit">
            Log in
          </Button>
        </form>
      </div>
    </AuthLayout>
  );
}
