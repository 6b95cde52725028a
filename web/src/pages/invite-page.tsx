import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Clock, MailWarning, UserRound } from 'lucide-react';
import { useState } from 'react';
import { useParams, useNavigate } from 'react-router';
import { api, call } from '../api/client';
import { ApiError, describeError } from '../api/errors';
import { ROLE_DESCRIPTIONS, ROLE_LABELS, type InvitationPreview } from '../api/types';
import { Alert } from '../components/alert';
import { Avatar } from '../components/avatar';
import { Badge } from '../components/badge';
import { Button, ButtonLink } from '../components/button';
import { PageLoader } from '../components/spinner';
import { useToast } from '../components/toast';
import { JoinForm } from '../features/members/join-form';
import { useLogOut, useMe, useSession } from '../features/session/session';
import { AuthLayout } from '../layouts/auth-layout';
import { formatDateTime, formatRelative } from '../lib/format';
import { prefs } from '../lib/prefs';
import { withParams } from '../lib/return-to';

/** /invite/:token: see an invitation; create an account and join in one step, or log in and accept. */
export function InvitePage() {
  const { token = '' } = useParams();
  const preview = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => call(api.GET('/api/v1/invitations/{token}', { params: { path: { token } } })),
    retry: false,
  });

  if (preview.isPending) {
    return (
      <AuthLayout title="Your invitation">
        <PageLoader label="Loading invitation" />
      </AuthLayout>
    );
  }

  if (preview.isError) {
    const error = preview.error;
    const gone = error instanceof ApiError && (error.status === 410 || error.code === 'invitation_expired');
    const unknown = error instanceof ApiError && error.status === 404;
    return (
      <AuthLayout
        title={gone ? 'This invitation has expired' : unknown ? 'This invitation isn’t valid' : 'We couldn’t open this invitation'}
        subtitle={
          gone
            ? 'Invitations are valid for a limited time. Ask the person who invited you to send a new one.'
            : unknown
              ? 'The link may be mistyped, or the invitation may have been revoked or already used.'
              : describeError(error)
        }
      >
        <ButtonLink to="/" variant="secondary" size="lg" className="w-full">
          Go to Herald
        </ButtonLink>
      </AuthLayout>
    );
  }

  return <InvitationCard token={token} invitation={preview.data} />;
}

function InvitationCard({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const session = useSession();
  const me = useMe();
  const logOut = useLogOut();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const toast = useToast();
  const returnTo = `/invite/${token}`;
  const [joining, setJoining] = useState(false);

  const accept = useMutation({
    mutationFn: () => call(api.POST('/api/v1/invitations/{token}/accept', { params: { path: { token } } })),
    onSuccess: async (result) => {
      prefs.setLastOrgId(result.organization.id);
      await queryClient.invalidateQueries({ queryKey: ['me'] });
      toast.success(`Welcome to ${result.organization.name}!`);
      void navigate(`/orgs/${result.organization.id}`, { replace: true });
    },
  });

  const signedIn = session.status === 'signedIn';
  const myEmail = me.data?.user.email;
  const mismatch = signedIn && myEmail !== undefined && myEmail.toLowerCase() !== invitation.email.toLowerCase();
  const alreadyMember = accept.error instanceof ApiError && accept.error.code === 'already_member';

  return (
    <AuthLayout title={`Join ${invitation.organization.name}`} subtitle="You’ve been invited to collaborate on Herald.">
      <div className="space-y-6">
        <div className="rounded-xl border border-zinc-200 bg-zinc-50/60 p-5">
          <div className="flex items-center gap-3">
            <Avatar name={invitation.organization.name} seed={invitation.organization.id} shape="square" size="lg" />
            <div className="min-w-0">
              <p className="truncate font-semibold text-zinc-900">{invitation.organization.name}</p>
              <p className="text-sm text-zinc-500">
                {invitation.invitedBy ? (
                  <>
                    Invited by <span className="font-medium text-zinc-700">{invitation.invitedBy.name}</span>
                  </>
                ) : (
                  'You’ve been invited'
                )}
              </p>
            </div>
          </div>
          <dl className="mt-5 space-y-3 text-sm">
            <div className="flex items-start gap-3">
              <dt className="sr-only">Role</dt>
              <UserRound className="mt-0.5 size-4 shrink-0 text-zinc-400" aria-hidden />
              <dd>
                <Badge tone="brand">{ROLE_LABELS[invitation.role]}</Badge> <span className="text-zinc-600">{ROLE_DESCRIPTIONS[invitation.role]}</span>
              </dd>
            </div>
            <div className="flex items-start gap-3">
              <dt className="sr-only">For</dt>
              <MailWarning className="mt-0.5 size-4 shrink-0 text-zinc-400" aria-hidden />
              <dd className="text-zinc-600">
                For <span className="font-medium text-zinc-800">{invitation.email}</span>
              </dd>
            </div>
            <div className="flex items-start gap-3">
              <dt className="sr-only">Expires</dt>
              <Clock className="mt-0.5 size-4 shrink-0 text-zinc-400" aria-hidden />
              <dd className="text-zinc-600" title={formatDateTime(invitation.expiresAt)}>
                Expires {formatRelative(invitation.expiresAt)}
              </dd>
            </div>
          </dl>
        </div>

        {signedIn ? (
          <div className="space-y-4">
            {mismatch ? (
              <Alert tone="warning" title="You’re signed in with a different email">
                This invitation is for {invitation.email}, but you’re signed in as {myEmail}. Log out and sign in with the invited address to accept it.
              </Alert>
            ) : null}
            {accept.error ? (
              <Alert
                tone={alreadyMember ? 'info' : 'error'}
                action={
                  alreadyMember ? (
                    <ButtonLink to={`/orgs/${invitation.organization.id}`} size="sm" variant="secondary">
                      Open {invitation.organization.name}
                    </ButtonLink>
                  ) : undefined
                }
              >
                {describeError(accept.error)}
              </Alert>
            ) : null}
            <Button size="lg" className="w-full" loading={accept.isPending} onClick={() => accept.mutate()} data-testid="accept-invitation">
              Accept invitation
            </Button>
            <p className="text-center text-sm text-zinc-500">
              Signed in as <span className="font-medium text-zinc-700">{myEmail ?? '…'}</span> ·{' '}
              <button type="button" className="font-medium text-brand-700 hover:text-brand-800" onClick={() => void logOut()}>
                Use another account
              </button>
            </p>
          </div>
        ) : (
          <div className="space-y-3">
            {joining ? (
              <JoinForm token={token} invitation={invitation} />
            ) : (
              <>
                <p className="text-sm text-zinc-600">To accept, create a Herald account with {invitation.email} or log in.</p>
                <Button size="lg" className="w-full" onClick={() => setJoining(true)} data-testid="invite-register">
                  Create account and join
                </Button>
              </>
            )}
            <ButtonLink to={withParams('/login', { email: invitation.email, returnTo })} variant="secondary" size="lg" className="w-full" data-testid="invite-login">
              I already have an account
            </ButtonLink>
          </div>
        )}
      </div>
    </AuthLayout>
  );
}
