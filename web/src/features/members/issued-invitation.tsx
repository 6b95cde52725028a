import { X } from 'lucide-react';
import type { IssuedInvitation } from '../../api/types';
import { CopyField } from '../../components/copy-field';
import { IconButton } from '../../components/button';
import { formatRelative } from '../../lib/format';

/**
 * Shown after an invitation is created or re-sent while the server has no outgoing mail: the inviter
 * gets the link here to pass on themselves.
 */
export function IssuedInvitationNotice({ invitation, onDismiss }: { invitation: IssuedInvitation; onDismiss: () => void }) {
  if (invitation.acceptUrl === null) return null;
  return (
    <div className="rounded-xl border border-amber-200 bg-amber-50/70 p-4" role="status" data-testid="invite-result">
      <div className="flex items-start justify-between gap-3">
        <div>
          <p className="text-sm font-medium text-amber-950">Share this link with {invitation.email}</p>
          <p className="mt-1 text-sm text-amber-900/80">
            Email isn’t configured on this Herald server, so we couldn’t send the invitation. Copy the link and send it yourself. It expires{' '}
            {formatRelative(invitation.expiresAt)}.
          </p>
        </div>
        <IconButton icon={X} label="Dismiss" onClick={onDismiss} className="-mt-1 -mr-1 size-8 text-amber-700 hover:bg-amber-100" />
      </div>
      <div className="mt-3">
        <CopyField label="Invitation link" value={invitation.acceptUrl} data-testid="invite-link" />
      </div>
    </div>
  );
}
