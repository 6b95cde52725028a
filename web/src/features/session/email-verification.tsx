import { useMutation } from '@tanstack/react-query';
import { MailCheck, MailWarning } from 'lucide-react';
import { api, call } from '../../api/client';
import { describeError } from '../../api/errors';
import type { User } from '../../api/types';
import { Alert } from '../../components/alert';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { Card, CardBody, CardHeader } from '../../components/card';
import { useToast } from '../../components/toast';

/** The profile's email card: whether the address is verified, and a new link on request. */
export function EmailVerificationCard({ user, mailConfigured }: { user: User; mailConfigured: boolean }) {
  const toast = useToast();
  const resend = useMutation({
    mutationFn: () => call(api.POST('/api/v1/me/email-verification')),
    onSuccess: () => toast.success(`We sent a new link to ${user.email}.`),
  });

  return (
    <Card>
      <CardHeader
        title="Email address"
        description="A verified address proves this account and its mailbox belong to the same person."
        actions={
          user.emailVerified ? (
            <span data-testid="email-status">
              <Badge tone="green" className="gap-1">
                <MailCheck className="size-3.5" aria-hidden /> Verified
              </Badge>
            </span>
          ) : (
            <span data-testid="email-status">
              <Badge tone="amber" className="gap-1">
                <MailWarning className="size-3.5" aria-hidden /> Not verified
              </Badge>
            </span>
          )
        }
      />
      <CardBody className="space-y-4">
        <p className="text-sm text-zinc-700">
          <span className="font-medium text-zinc-900">{user.email}</span>
          {user.emailVerified ? ' is verified.' : ' isn’t verified yet.'}
        </p>
        {user.emailVerified ? null : mailConfigured ? (
          <div className="flex flex-wrap items-center gap-3">
            <p className="min-w-0 flex-1 text-sm text-zinc-600">
              Open the link we emailed you while signed in to this account. Lost it, or it expired? Get a new one; older links stop working.
            </p>
            <Button variant="secondary" loading={resend.isPending} onClick={() => resend.mutate()} data-testid="resend-verification">
              Resend verification email
            </Button>
          </div>
        ) : (
          <Alert tone="info">
            This server can’t send email, so addresses can’t be verified by link here. Signing in with Google, or accepting an emailed invitation, also
            verifies it.
          </Alert>
        )}
        {resend.error ? <Alert tone="error">{describeError(resend.error)}</Alert> : null}
      </CardBody>
    </Card>
  );
}
