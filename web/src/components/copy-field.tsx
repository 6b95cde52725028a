import { Check, Copy } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import { Button } from './button';
import { controlClasses } from './field';

interface CopyFieldProps {
  label: string;
  value: string;
  'data-testid'?: string;
}

/** A read-only value with a copy button (e.g. an invitation link to share by hand). */
export function CopyField({ label, value, ...rest }: CopyFieldProps) {
  const id = useId();
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return undefined;
    const timer = window.setTimeout(() => setCopied(false), 2000);
    return () => window.clearTimeout(timer);
  }, [copied]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // Clipboard access can be refused (no permission, insecure origin): select the text instead.
      const input = document.getElementById(id) as HTMLInputElement | null;
      input?.select();
      document.execCommand('copy');
    }
    setCopied(true);
  };

  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="text-sm font-medium text-zinc-800">
        {label}
      </label>
      <div className="flex gap-2">
        <input id={id} readOnly value={value} className={controlClasses(false, 'h-9 font-mono text-xs')} onFocus={(event) => event.target.select()} {...rest} />
        <Button variant="secondary" icon={copied ? Check : Copy} onClick={() => void copy()} aria-live="polite">
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
    </div>
  );
}
