import { useState, type ReactNode } from 'react';
import { describeError } from '../api/errors';
import { Alert } from './alert';
import { Button } from './button';
import { Dialog, DialogActions } from './dialog';
import { Input } from './field';

interface ConfirmDialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  children?: ReactNode;
  confirmLabel: string;
  tone?: 'danger' | 'primary';
  /** When set, the person must type this text before the action unlocks (for destructive actions). */
  requireText?: string;
  /** Runs the action; the dialog stays open and shows the error if it throws. */
  onConfirm: () => Promise<unknown>;
}

export function ConfirmDialog({ open, onClose, title, children, confirmLabel, tone = 'danger', requireText, onConfirm }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [typed, setTyped] = useState('');

  const close = () => {
    setError(null);
    setTyped('');
    onClose();
  };

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      setTyped('');
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const locked = requireText !== undefined && typed.trim() !== requireText;

  return (
    <Dialog open={open} onClose={close} title={title} size="sm" dismissible={!busy}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!locked) void confirm();
        }}
        className="space-y-4"
      >
        {children ? <div className="text-sm text-zinc-600">{children}</div> : null}
        {requireText !== undefined ? (
          <Input
            label={
              <>
                Type <span className="font-semibold">{requireText}</span> to confirm
              </>
            }
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            autoComplete="off"
            autoFocus
          />
        ) : null}
        {error ? <Alert tone="error">{describeError(error)}</Alert> : null}
        <DialogActions className="mt-2">
          <Button variant="secondary" onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant={tone === 'danger' ? 'danger' : 'primary'} loading={busy} disabled={locked} data-autofocus={requireText === undefined ? true : undefined}>
            {confirmLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
