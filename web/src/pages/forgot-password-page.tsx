import { useMutation, useQuery } from '@tanstack/react-query';
import { MailCheck } from 'lucide-react';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { splitError } from '../api/errors';
import { Alert } from '../components/alert';
import { Button, ButtonLink } from '../components/button';
import { Input } from '../components/field';
import { authConfigQuery } from '../features/session/session';
import { AuthLayout } from '../layouts/auth-layout';
import { collect, email as emailCheck, focusFirstInvalid, hasErrors, required } from '../lib/validate';

export function ForgotPasswordPage() {
  const [params] = useSearchParams();
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [checked, setChecked] = useState<{ email?: string }>({});
  const config = useQuery(authConfigQuery);

  const request = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/password-reset', { body: { email: email.trim() } })),
  });

  if (request.isSuccess) {
    return (
      <AuthLayout title="Check your inbox" subtitle={<>If an account exists for {email.trim()}, we’ve sent a link to choose a new password. It expires soon, so use it shortly.</>}>
        <div className="flex flex-col items-center gap-6 rounded-xl border border-zinc-200 bg-zinc-50 px-6 py-8 text-center">
          <span className="flex size-12 items-center justify-center rounded-full bg-emerald-50 text-emerald-600 ring-1 ring-emerald-100">
            <MailCheck className="size-6" aria-hidden />
          </span>
          <p className="text-sm text-zinc-600">Didn’t get it? Check your spam folder, or try again in a few minutes.</p>
          <div className="flex gap-2">
            <Button variant="secondary" onClick={() => request.reset()}>
              Try another email
            </Button>
            <ButtonLink to="/login">Back to log in</ButtonLink>
          </div>
        </div>
      </AuthLayout>
    );
  }

  if (config.data && !config.data.mailConfigured) {
    return (
      <AuthLayout title="Reset your password" subtitle="This Herald server can’t send email, so it can’t mail you a reset link.">
        <div className="space-y-5" data-testid="reset-no-mail">
          <Alert tone="info" title="Ask for a reset link">
            An owner of your organization can create a one-time reset link for you from the Members page, or the person who runs this server can print one
            with <code className="rounded bg-brand-100/60 px-1">herald users reset-password {email.trim() || '<your email>'}</code>. Open the link to choose a new
            password.
          </Alert>
          <ButtonLink to="/login" variant="secondary" size="lg" className="w-full">
            Back to log in
          </ButtonLink>
        </div>
      </AuthLayout>
    );
  }

  const server = splitError(request.error, ['email'] as const);
  const fieldError = checked.email ?? server.fields.email;

  return (
    <AuthLayout
      title="Reset your password"
      subtitle="Enter the email you use for Herald and we’ll send you a link to choose a new password."
      footer={
        <>
          Remembered it?{' '}
          <Link to="/login" className="font-medium text-brand-700 hover:text-brand-800">
            Back to log in
          </Link>
        </>
      }
    >
      <form
        className="space-y-5"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const problems = collect<'email'>({ email: [required(email, 'Enter your email address.'), emailCheck(email)] });
          setChecked(problems);
          if (hasErrors(problems)) focusFirstInvalid(event.currentTarget);
          else request.mutate();
        }}
      >
        <Input label="Email" type="email" autoComplete="email" value={email} onChange={(event) => setEmail(event.target.value)} error={fieldError} required autoFocus data-testid="reset-email" />
        {server.banner ? <Alert tone="error">{server.banner}</Alert> : null}
        <Button type="submit" size="lg" className="w-full" loading={request.isPending} data-testid="reset-request-submit">
          Send reset link
        </Button>
      </form>
    </AuthLayout>
  );
}
