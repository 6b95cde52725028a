import { useMutation } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { describeError } from '../../api/errors';
import type { Member } from '../../api/types';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { CopyField } from '../../components/copy-field';
import { Dialog, DialogActions } from '../../components/dialog';
import { formatDateTime, formatRelative } from '../../lib/format';

/**
 * For owners on a server without mail: a one-time reset link to hand to a member who forgot their
 * password. Herald never sets or shows a password; the member chooses one with the link.
 */
export function ResetLinkButton({ orgId, member }: { orgId: string; member: Member }) {
  const [open, setOpen] = useState(false);
  const issue = useMutation({
    mutationFn: () => call(api.POST('/api/v1/orgs/{orgId}/members/{userId}/password-reset', { params: { path: { orgId, userId: member.user.id } } })),
  });
  const close = () => {
    setOpen(false);
    issue.reset();
  };

  return (
    <>
      <Button variant="ghost" size="sm" icon={KeyRound} onClick={() => setOpen(true)} aria-label={`Reset link for ${member.user.name}`} data-testid="member-reset">
        <span className="hidden lg:inline">Reset link</span>
      </Button>
      <Dialog open={open} onClose={close} title={`Password reset link for ${member.user.name}`} description="This server can’t send email, so you hand the link over yourself.">
        {issue.data ? (
          <div className="space-y-4" data-testid="reset-link-result">
            <CopyField label="Reset link" value={issue.data.resetUrl} data-testid="reset-link" />
            <p className="text-sm text-zinc-600">
              Send it to {member.user.name} privately. It works once and expires {formatRelative(issue.data.expiresAt)} (
              {formatDateTime(issue.data.expiresAt)}). Using it signs them out everywhere.
            </p>
          </div>
        ) : (
          <div className="space-y-4">
            <p className="text-sm text-zinc-600">
              {member.user.name} ({member.user.email}) chooses a new password with the link. Their current password keeps working until they use it.
            </p>
            {issue.error ? <Alert tone="error">{describeError(issue.error)}</Alert> : null}
          </div>
        )}
        <DialogActions>
          <Button variant="secondary" onClick={close}>
            {issue.data ? 'Done' : 'Cancel'}
          </Button>
          {issue.data ? null : (
            <Button loading={issue.isPending} onClick={() => issue.mutate()} data-testid="reset-link-create">
              Create reset link
            </Button>
          )}
        </DialogActions>
      </Dialog>
    </>
  );
}
