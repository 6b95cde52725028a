import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { MailPlus, RotateCw, UserMinus, Users, XCircle } from 'lucide-react';
import { useRef, useState } from 'react';
import { api, call } from '../api/client';
import { describeError } from '../api/errors';
import { ROLE_LABELS, ROLES, type IssuedInvitation, type Member, type PendingInvitation, type Role } from '../api/types';
import { Alert } from '../components/alert';
import { Avatar } from '../components/avatar';
import { Badge } from '../components/badge';
import { Button } from '../components/button';
import { Card, CardBody, CardHeader } from '../components/card';
import { ConfirmDialog } from '../components/confirm-dialog';
import { EmptyState } from '../components/empty-state';
import { NativeSelect } from '../components/field';
import { PageHeader } from '../components/page-header';
import { ListSkeleton } from '../components/spinner';
import { useToast } from '../components/toast';
import { InviteForm } from '../features/members/invite-form';
import { IssuedInvitationNotice } from '../features/members/issued-invitation';
import { invitationsQuery, membersQuery } from '../features/members/queries';
import { useCurrentOrg } from '../features/orgs/org-context';
import { ResetLinkButton } from '../features/members/reset-link';
import { authConfigQuery, useMe } from '../features/session/session';
import { formatDate, formatDateTime, formatRelative } from '../lib/format';

export function MembersPage() {
  const { org, can } = useCurrentOrg();
  const [issued, setIssued] = useState<IssuedInvitation | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);

  const showIssued = (invitation: IssuedInvitation) => {
    setIssued(invitation.emailSent ? null : invitation);
    if (!invitation.emailSent) window.setTimeout(() => noticeRef.current?.scrollIntoView({ behavior: 'smooth', block: 'center' }), 50);
  };

  return (
    <>
      <PageHeader title="Members" description={`People who can work in ${org.name}, and what each of them may do.`} />
      <div className="space-y-8">
        {can('members.invite') ? (
          <Card>
            <CardHeader title="Invite a teammate" description="They’ll get a link to join this organization with the role you choose." />
            <CardBody className="space-y-5">
              <PublicUrlWarning />
              <InviteForm orgId={org.id} myRole={org.role} onIssued={showIssued} />
              <div ref={noticeRef}>{issued ? <IssuedInvitationNotice invitation={issued} onDismiss={() => setIssued(null)} /> : null}</div>
            </CardBody>
          </Card>
        ) : null}
        <MembersList />
        {can('invitations.read') ? <InvitationsList onIssued={showIssued} /> : null}
      </div>
    </>
  );
}

/** Links are built from HERALD_PUBLIC_URL; without it they point at localhost and work only on the server itself. */
function PublicUrlWarning() {
  const config = useQuery(authConfigQuery);
  if (!config.data || config.data.publicUrlExplicit) return null;
  return (
    <div data-testid="public-url-warning">
      <Alert tone="warning" title="Invitation links will point at localhost">
      This server doesn’t know its public address (HERALD_PUBLIC_URL isn’t set), so the links it creates start with http://localhost and only work on the
      server’s own machine. Ask whoever runs Herald to set HERALD_PUBLIC_URL to the address people use, then send the invitation.
      </Alert>
    </div>
  );
}

function MembersList() {
  const { org } = useCurrentOrg();
  const members = useQuery(membersQuery(org.id));
  const [removing, setRemoving] = useState<Member | null>(null);
  const queryClient = useQueryClient();
  const toast = useToast();

  const remove = async (member: Member) => {
    await call(api.DELETE('/api/v1/orgs/{orgId}/members/{userId}', { params: { path: { orgId: org.id, userId: member.user.id } } }));
    await queryClient.invalidateQueries({ queryKey: ['members', org.id] });
    toast.success(`${member.user.name} was removed from ${org.name}.`);
  };

  return (
    <Card aria-labelledby="members-heading">
      <CardHeader id="members-heading" title="Team" description={members.data ? `${members.data.length} member${members.data.length === 1 ? '' : 's'}` : undefined} />
      {members.isPending ? (
        <ListSkeleton rows={3} />
      ) : members.isError ? (
        <CardBody>
          <Alert tone="error">{describeError(members.error)}</Alert>
        </CardBody>
      ) : members.data.length === 0 ? (
        <EmptyState icon={Users} title="No members" description="Invite someone to get started." />
      ) : (
        <ul className="divide-y divide-zinc-100" data-testid="member-list">
          {members.data.map((member) => (
            <MemberRow key={member.user.id} member={member} onRemove={() => setRemoving(member)} />
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        title={`Remove ${removing?.user.name ?? 'member'}?`}
        confirmLabel="Remove member"
        onConfirm={() => (removing ? remove(removing) : Promise.resolve())}
      >
        {removing ? (
          <>
            {removing.user.name} ({removing.user.email}) will lose access to {org.name} and all of its workspaces right away. You can invite them again later.
          </>
        ) : null}
      </ConfirmDialog>
    </Card>
  );
}

function MemberRow({ member, onRemove }: { member: Member; onRemove: () => void }) {
  const { org, can } = useCurrentOrg();
  const me = useMe();
  const queryClient = useQueryClient();
  const toast = useToast();
  const isMe = me.data?.user.id === member.user.id;
  // Only an owner may make (or change) an owner.
  const canChangeRole = can('members.update') && !isMe && (member.role !== 'owner' || org.role === 'owner');
  const canRemove = can('members.remove') && !isMe && (member.role !== 'owner' || org.role === 'owner');
  const config = useQuery(authConfigQuery);
  const canHandOverReset = can('members.reset_password') && !isMe && config.data?.mailConfigured === false;

  const changeRole = useMutation({
    mutationFn: (role: Role) => call(api.PATCH('/api/v1/orgs/{orgId}/members/{userId}', { params: { path: { orgId: org.id, userId: member.user.id } }, body: { role } })),
    onSuccess: async (_result, role) => {
      await queryClient.invalidateQueries({ queryKey: ['members', org.id] });
      toast.success(`${member.user.name} is now ${role === 'viewer' ? 'a' : 'an'} ${ROLE_LABELS[role]}.`);
    },
    onError: (error) => toast.error(describeError(error)),
  });

  const roleOptions = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role], disabled: role === 'owner' && org.role !== 'owner' }));

  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-3 px-5 py-4" data-testid="member-row">
      <div className="flex min-w-0 flex-1 basis-56 items-center gap-3">
        <Avatar name={member.user.name} seed={member.user.id} />
        <div className="min-w-0">
          <p className="flex items-center gap-2 truncate text-sm font-medium text-zinc-900">
            <span className="truncate">{member.user.name}</span>
            {isMe ? <Badge tone="brand">You</Badge> : null}
          </p>
          <p className="truncate text-sm text-zinc-500">{member.user.email}</p>
        </div>
      </div>
      <p className="hidden w-40 text-right text-sm whitespace-nowrap text-zinc-500 md:block" title={formatDateTime(member.joinedAt)}>
        Joined {formatDate(member.joinedAt)}
      </p>
      <div className="flex items-center gap-2">
        <div className="w-36">
          {canChangeRole ? (
            <NativeSelect
              compact
              aria-label={`Role for ${member.user.name}`}
              value={changeRole.isPending && changeRole.variables ? changeRole.variables : member.role}
              disabled={changeRole.isPending}
              options={roleOptions}
              onChange={(event) => changeRole.mutate(event.target.value as Role)}
              data-testid="member-role"
            />
          ) : (
            <Badge tone={member.role === 'owner' ? 'amber' : 'neutral'} className="h-8 w-full justify-center">
              {ROLE_LABELS[member.role]}
            </Badge>
          )}
        </div>
        {canHandOverReset ? <ResetLinkButton orgId={org.id} member={member} /> : null}
        <div className="flex w-9 justify-end lg:w-24">
          {canRemove ? (
            <Button variant="ghost" size="sm" icon={UserMinus} onClick={onRemove} aria-label={`Remove ${member.user.name}`} data-testid="member-remove">
              <span className="hidden lg:inline">Remove</span>
            </Button>
          ) : null}
        </div>
      </div>
    </li>
  );
}

function InvitationsList({ onIssued }: { onIssued: (invitation: IssuedInvitation) => void }) {
  const { org, can } = useCurrentOrg();
  const invitations = useQuery(invitationsQuery(org.id));
  const [revoking, setRevoking] = useState<PendingInvitation | null>(null);
  const queryClient = useQueryClient();
  const toast = useToast();

  const resend = useMutation({
    mutationFn: (invitation: PendingInvitation) =>
      call(api.POST('/api/v1/orgs/{orgId}/invitations/{invitationId}/resend', { params: { path: { orgId: org.id, invitationId: invitation.id } } })),
    onSuccess: (issued) => {
      void queryClient.invalidateQueries({ queryKey: ['invitations', org.id] });
      toast.success(issued.emailSent ? `A new invitation was emailed to ${issued.email}.` : `A new link for ${issued.email} is ready to share.`);
      onIssued(issued);
    },
    onError: (error) => toast.error(describeError(error)),
  });

  const revoke = async (invitation: PendingInvitation) => {
    await call(api.DELETE('/api/v1/orgs/{orgId}/invitations/{invitationId}', { params: { path: { orgId: org.id, invitationId: invitation.id } } }));
    await queryClient.invalidateQueries({ queryKey: ['invitations', org.id] });
    toast.success(`The invitation for ${invitation.email} was revoked.`);
  };

  const canManage = can('members.invite');
  const canRevoke = can('invitations.revoke');

  return (
    <Card aria-labelledby="invitations-heading">
      <CardHeader id="invitations-heading" title="Pending invitations" description="Invitations that haven’t been accepted yet." />
      {invitations.isPending ? (
        <ListSkeleton rows={2} />
      ) : invitations.isError ? (
        <CardBody>
          <Alert tone="error">{describeError(invitations.error)}</Alert>
        </CardBody>
      ) : invitations.data.length === 0 ? (
        <EmptyState icon={MailPlus} title="No pending invitations" description="When you invite someone, their invitation waits here until they accept it." className="py-10" />
      ) : (
        <ul className="divide-y divide-zinc-100" data-testid="invitation-list">
          {invitations.data.map((invitation) => {
            const expired = new Date(invitation.expiresAt).getTime() < Date.now();
            const busy = resend.isPending && resend.variables.id === invitation.id;
            return (
              <li key={invitation.id} className="flex flex-wrap items-center gap-x-4 gap-y-3 px-5 py-4" data-testid="invitation-row">
                <div className="flex min-w-0 flex-1 basis-56 items-center gap-3">
                  <span className="flex size-9 shrink-0 items-center justify-center rounded-full border border-dashed border-zinc-300 text-zinc-400">
                    <MailPlus className="size-4" aria-hidden />
                  </span>
                  <div className="min-w-0">
                    <p className="flex items-center gap-2 truncate text-sm font-medium text-zinc-900">
                      <span className="truncate">{invitation.email}</span>
                      <Badge>{ROLE_LABELS[invitation.role]}</Badge>
                    </p>
                    <p className="text-sm text-zinc-500">
                      {invitation.invitedBy ? `Invited by ${invitation.invitedBy.name} · ` : ''}
                      {expired ? (
                        <span className="text-red-600">Expired {formatRelative(invitation.expiresAt)}</span>
                      ) : (
                        <span title={formatDateTime(invitation.expiresAt)}>Expires {formatRelative(invitation.expiresAt)}</span>
                      )}
                    </p>
                  </div>
                </div>
                <div className="flex items-center gap-2">
                  {canManage ? (
                    <Button variant="secondary" size="sm" icon={RotateCw} loading={busy} disabled={resend.isPending} onClick={() => resend.mutate(invitation)} data-testid="invitation-resend">
                      {expired ? 'Renew' : 'Resend'}
                    </Button>
                  ) : null}
                  {canRevoke ? (
                    <Button variant="ghost" size="sm" icon={XCircle} onClick={() => setRevoking(invitation)} data-testid="invitation-revoke">
                      Revoke
                    </Button>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title="Revoke invitation?"
        confirmLabel="Revoke invitation"
        onConfirm={() => (revoking ? revoke(revoking) : Promise.resolve())}
      >
        The link sent to {revoking?.email} will stop working. You can invite them again at any time.
      </ConfirmDialog>
    </Card>
  );
}
