import { useMutation, useQueryClient } from '@tanstack/react-query';
import { MailCheck } from 'lucide-react';
import { useEffect } from 'react';
import { useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { describeError } from '../api/errors';
import { Alert } from '../components/alert';
import { ButtonLink } from '../components/button';
import { PageLoader } from '../components/spinner';
import { useMe } from '../features/session/session';
import { AuthLayout } from '../layouts/auth-layout';

/**
 * /verify-email?token=…: where the verification mail leads. Behind sign-in on purpose: the link only
 * verifies the account it was sent for, when opened by whoever can sign in to it.
 */
export function VerifyEmailPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const me = useMe();
  const queryClient = useQueryClient();
  const verify = useMutation({
    mutationFn: () => call(api.POST('/api/v1/me/email-verification/confirm', { body: { token } })),
    onSuccess: async () => queryClient.invalidateQueries({ queryKey: ['me'] }),
  });
  const { mutate, isIdle } = verify;
  useEffect(() => {
    if (token && isIdle) mutate();
  }, [token, isIdle, mutate]);

  if (!token) {
    return (
      <AuthLayout title="This link is incomplete" subtitle="Open the link from the email again, or send a new one from your profile.">
        <ButtonLink to="/profile" size="lg" className="w-full">
          Go to your profile
        </ButtonLink>
      </AuthLayout>
    );
  }
  if (verify.isSuccess) {
    return (
      <AuthLayout title="Email verified" subtitle={<>{verify.data.user.email} is confirmed as the address of your Herald account.</>}>
        <div className="flex flex-col items-center gap-6 rounded-xl border border-zinc-200 bg-zinc-50 px-6 py-8 text-center" data-testid="email-verified">
          <span className="flex size-12 items-center justify-center rounded-full bg-emerald-50 text-emerald-600 ring-1 ring-emerald-100">
            <MailCheck className="size-6" aria-hidden />
          </span>
          <ButtonLink to="/">Continue to Herald</ButtonLink>
        </div>
      </AuthLayout>
    );
  }
  if (verify.isError) {
    return (
      <AuthLayout title="We couldn’t verify your email" subtitle={`Signed in as ${me.data?.user.email ?? '…'}.`}>
        <div className="space-y-4">
          <Alert tone="error">{describeError(verify.error)}</Alert>
          <ButtonLink to="/profile" size="lg" className="w-full">
            Send a new link from your profile
          </ButtonLink>
        </div>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Verifying your email">
      <PageLoader label="Verifying" />
    </AuthLayout>
  );
}
