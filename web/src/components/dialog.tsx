import { clsx } from 'clsx';
import { X } from 'lucide-react';
import { useEffect, useId, useRef, type ReactNode } from 'react';

interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  /** When false, Escape and clicks outside do nothing (e.g. while a request is running). */
  dismissible?: boolean;
}

const WIDTHS = { sm: 'max-w-md', md: 'max-w-lg', lg: 'max-w-2xl' };

/**
 * A modal on the native <dialog>: the browser provides the focus trap, Escape and the top layer.
 * Children mount only while open, so a form inside starts fresh every time.
 */
export function Dialog({ open, onClose, title, description, children, size = 'md', dismissible = true }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const pressStartedOnBackdrop = useRef(false);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // showModal focuses the first focusable element (the close button); start in the form instead.
      const first = dialog.querySelector<HTMLElement>('[data-autofocus], input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled])');
      first?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      className={clsx(
        'm-auto w-[calc(100%-2rem)] rounded-2xl bg-white p-0 text-zinc-900 shadow-2xl ring-1 ring-zinc-900/10 open:animate-fade-in',
        'max-h-[calc(100dvh-2rem)]',
        WIDTHS[size],
      )}
      onCancel={(event) => {
        event.preventDefault();
        if (dismissible) onClose();
      }}
      onClose={() => {
        if (open) onClose();
      }}
      onMouseDown={(event) => {
        pressStartedOnBackdrop.current = event.target === ref.current;
      }}
      onClick={(event) => {
        // Only a press that both starts and ends outside the panel closes it (not a text-selection drag).
        if (dismissible && pressStartedOnBackdrop.current && event.target === ref.current) onClose();
      }}
    >
      {open ? (
        <div className="flex max-h-[calc(100dvh-2rem)] flex-col">
          <div className="flex items-start justify-between gap-4 px-6 pt-5 pb-1">
            <div>
              <h2 id={titleId} className="text-lg font-semibold text-zinc-900">
                {title}
              </h2>
              {description ? (
                <p id={descriptionId} className="mt-1 text-sm text-zinc-500">
                  {description}
                </p>
              ) : null}
            </div>
            {dismissible ? (
              <button type="button" onClick={onClose} className="-mr-2 rounded-lg p-1.5 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700" aria-label="Close">
                <X className="size-5" aria-hidden />
              </button>
            ) : null}
          </div>
          <div className="overflow-y-auto px-6 pt-4 pb-6">{children}</div>
        </div>
      ) : null}
    </dialog>
  );
}

/** The row of buttons at the bottom of a dialog. */
export function DialogActions({ children, className }: { children: ReactNode; className?: string }) {
  return <div className={clsx('mt-6 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end', className)}>{children}</div>;
}
