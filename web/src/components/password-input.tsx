import { Eye, EyeOff } from 'lucide-react';
import { useId, useState, type ComponentProps, type ReactNode } from 'react';
import { controlClasses, describedBy, FieldShell } from './field';

interface PasswordInputProps extends Omit<ComponentProps<'input'>, 'type'> {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  labelAside?: ReactNode;
  wrapperClassName?: string;
}

/** A password field with a show/hide toggle. */
export function PasswordInput({ label, hint, error, labelAside, wrapperClassName, id, ...props }: PasswordInputProps) {
  const autoId = useId();
  const inputId = id ?? autoId;
  const [visible, setVisible] = useState(false);
  return (
    <FieldShell id={inputId} label={label} hint={hint} error={error} labelAside={labelAside} className={wrapperClassName}>
      <div className="relative">
        <input id={inputId} type={visible ? 'text' : 'password'} className={controlClasses(Boolean(error), 'h-10 pr-10')} {...describedBy(inputId, error, hint)} {...props} />
        <button
          type="button"
          onClick={() => setVisible((v) => !v)}
          className="absolute top-1/2 right-1.5 -translate-y-1/2 rounded-md p-1.5 text-zinc-400 hover:text-zinc-700"
          aria-label={visible ? 'Hide password' : 'Show password'}
          aria-pressed={visible}
        >
          {visible ? <EyeOff className="size-4" aria-hidden /> : <Eye className="size-4" aria-hidden />}
        </button>
      </div>
    </FieldShell>
  );
}
