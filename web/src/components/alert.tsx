import { clsx } from 'clsx';
import { AlertTriangle, CheckCircle2, Info, XCircle, type LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';

type Tone = 'error' | 'warning' | 'success' | 'info';

const TONES: Record<Tone, { box: string; icon: LucideIcon; iconColor: string }> = {
  error: { box: 'border-red-200 bg-red-50 text-red-800', icon: XCircle, iconColor: 'text-red-500' },
  warning: { box: 'border-amber-200 bg-amber-50 text-amber-900', icon: AlertTriangle, iconColor: 'text-amber-500' },
  success: { box: 'border-emerald-200 bg-emerald-50 text-emerald-900', icon: CheckCircle2, iconColor: 'text-emerald-500' },
  info: { box: 'border-brand-200 bg-brand-50 text-brand-900', icon: Info, iconColor: 'text-brand-500' },
};

interface AlertProps {
  tone?: Tone;
  title?: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  className?: string;
}

/** An inline message. Errors are announced immediately (role=alert); the rest politely. */
export function Alert({ tone = 'info', title, children, action, className }: AlertProps) {
  const { box, icon: Icon, iconColor } = TONES[tone];
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={clsx('flex gap-3 rounded-lg border px-4 py-3 text-sm', box, className)}>
      <Icon className={clsx('mt-0.5 size-4 shrink-0', iconColor)} aria-hidden />
      <div className="min-w-0 flex-1 space-y-1">
        {title ? <p className="font-medium">{title}</p> : null}
        {children ? <div className={clsx(title && 'opacity-90')}>{children}</div> : null}
        {action ? <div className="pt-1">{action}</div> : null}
      </div>
    </div>
  );
}
