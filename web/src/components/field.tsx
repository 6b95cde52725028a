import { clsx } from 'clsx';
import { AlertCircle, ChevronDown } from 'lucide-react';
import { useId, type ComponentProps, type ReactNode } from 'react';

interface FieldShellProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  /** Shown beside the label, e.g. a "Forgot password?" link. */
  labelAside?: ReactNode;
  optional?: boolean;
  children: ReactNode;
  className?: string | undefined;
}

/** Label, control, then either the error (beside the field) or a hint. */
export function FieldShell({ id, label, hint, error, labelAside, optional, children, className }: FieldShellProps) {
  return (
    <div className={clsx('space-y-1.5', className)}>
      <div className="flex items-baseline justify-between gap-2">
        <label htmlFor={id} className="text-sm font-medium text-zinc-800">
          {label}
          {optional ? <span className="ml-1 font-normal text-zinc-400">(optional)</span> : null}
        </label>
        {labelAside}
      </div>
      {children}
      {error ? (
        <p id={`${id}-error`} className="flex items-start gap-1.5 text-sm text-red-600">
          <AlertCircle className="mt-0.5 size-3.5 shrink-0" aria-hidden />
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-sm text-zinc-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** The aria wiring a control needs so its error or hint is announced with it. */
export function describedBy(id: string, error: string | undefined, hint: ReactNode): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  if (error) return { 'aria-invalid': true, 'aria-describedby': `${id}-error` };
  if (hint) return { 'aria-describedby': `${id}-hint` };
  return {};
}

export const controlClasses = (invalid: boolean, className?: string) =>
  clsx(
    'block w-full rounded-lg border bg-white px-3 text-sm text-zinc-900 shadow-xs transition-colors placeholder:text-zinc-400',
    'focus:ring-3 focus:outline-none disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500 read-only:bg-zinc-50',
    invalid ? 'border-red-400 focus:border-red-500 focus:ring-red-500/15' : 'border-zinc-300 focus:border-brand-500 focus:ring-brand-500/15',
    className,
  );

interface CommonFieldProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  labelAside?: ReactNode;
  optional?: boolean;
  wrapperClassName?: string;
}

export function Input({ label, hint, error, labelAside, optional, wrapperClassName, id, className, ...props }: CommonFieldProps & ComponentProps<'input'>) {
  const autoId = useId();
  const inputId = id ?? autoId;
  return (
    <FieldShell id={inputId} label={label} hint={hint} error={error} labelAside={labelAside} optional={optional} className={wrapperClassName}>
      <input id={inputId} className={controlClasses(Boolean(error), clsx('h-10', className))} {...describedBy(inputId, error, hint)} {...props} />
    </FieldShell>
  );
}

export function Textarea({ label, hint, error, labelAside, optional, wrapperClassName, id, className, ...props }: CommonFieldProps & ComponentProps<'textarea'>) {
  const autoId = useId();
  const inputId = id ?? autoId;
  return (
    <FieldShell id={inputId} label={label} hint={hint} error={error} labelAside={labelAside} optional={optional} className={wrapperClassName}>
      <textarea id={inputId} rows={3} className={controlClasses(Boolean(error), clsx('resize-y py-2', className))} {...describedBy(inputId, error, hint)} {...props} />
    </FieldShell>
  );
}

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

interface SelectProps extends CommonFieldProps, Omit<ComponentProps<'select'>, 'children' | 'size'> {
  options: readonly SelectOption[];
}

export function Select({ label, hint, error, labelAside, optional, wrapperClassName, id, className, options, ...props }: SelectProps) {
  const autoId = useId();
  const inputId = id ?? autoId;
  return (
    <FieldShell id={inputId} label={label} hint={hint} error={error} labelAside={labelAside} optional={optional} className={wrapperClassName}>
      <NativeSelect id={inputId} options={options} invalid={Boolean(error)} className={className} {...describedBy(inputId, error, hint)} {...props} />
    </FieldShell>
  );
}

interface NativeSelectProps extends Omit<ComponentProps<'select'>, 'children' | 'size'> {
  options: readonly SelectOption[];
  invalid?: boolean;
  compact?: boolean;
}

/** A styled <select> without a label of its own (give it aria-label), e.g. inside a table row. */
export function NativeSelect({ options, invalid = false, compact = false, className, ...props }: NativeSelectProps) {
  return (
    <div className="relative">
      <select className={controlClasses(invalid, clsx('appearance-none pr-9', compact ? 'h-8' : 'h-10', className))} {...props}>
        {options.map((option) => (
          <option key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
      </select>
      <ChevronDown className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-zinc-400" aria-hidden />
    </div>
  );
}
