import { X } from 'lucide-react';
import { useId, useState, type KeyboardEvent } from 'react';
import { clsx } from 'clsx';
import { describedBy, FieldShell } from './field';

interface TagInputProps {
  label: string;
  value: string[];
  onChange: (value: string[]) => void;
  hint?: string;
  error?: string | undefined;
  placeholder?: string;
  /** Turns typed text into a tag (e.g. adds a leading #); return '' to ignore it. */
  format?: (raw: string) => string;
  max?: number;
  optional?: boolean;
  'data-testid'?: string;
}

/** Chips with a text box: Enter, comma or space adds what was typed; Backspace on an empty box removes the last. */
export function TagInput({ label, value, onChange, hint, error, placeholder, format = (raw) => raw.trim(), max, optional, ...rest }: TagInputProps) {
  const id = useId();
  const [draft, setDraft] = useState('');

  const commit = (raw: string) => {
    const additions = raw
      .split(/[\s,]+/)
      .map(format)
      .filter((tag) => tag !== '');
    if (additions.length === 0) return;
    const next = [...value];
    for (const tag of additions) {
      if (!next.some((existing) => existing.toLowerCase() === tag.toLowerCase())) next.push(tag);
    }
    onChange(max === undefined ? next : next.slice(0, max));
    setDraft('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' || event.key === ',' || event.key === ' ') {
      if (draft.trim() === '') {
        if (event.key !== 'Enter') event.preventDefault();
        return;
      }
      event.preventDefault();
      commit(draft);
    } else if (event.key === 'Backspace' && draft === '' && value.length > 0) {
      onChange(value.slice(0, -1));
    }
  };

  return (
    <FieldShell id={id} label={label} hint={hint} error={error} optional={optional}>
      <div
        className={clsx(
          'flex min-h-10 flex-wrap items-center gap-1.5 rounded-lg border bg-white px-2 py-1.5 shadow-xs transition-colors focus-within:ring-3',
          error ? 'border-red-400 focus-within:ring-red-500/15' : 'border-zinc-300 focus-within:border-brand-500 focus-within:ring-brand-500/15',
        )}
      >
        {value.map((tag) => (
          <span key={tag} className="inline-flex items-center gap-1 rounded-md bg-brand-50 py-0.5 pr-1 pl-2 text-sm font-medium text-brand-800 ring-1 ring-brand-100 ring-inset">
            {tag}
            <button type="button" className="rounded p-0.5 text-brand-400 hover:bg-brand-100 hover:text-brand-700" aria-label={`Remove ${tag}`} onClick={() => onChange(value.filter((t) => t !== tag))}>
              <X className="size-3" aria-hidden />
            </button>
          </span>
        ))}
        <input
          id={id}
          className="h-7 min-w-32 flex-1 border-0 bg-transparent px-1 text-sm text-zinc-900 outline-none placeholder:text-zinc-400 focus:outline-none focus-visible:outline-none"
          value={draft}
          placeholder={value.length === 0 ? placeholder : undefined}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          onBlur={() => commit(draft)}
          onPaste={(event) => {
            const text = event.clipboardData.getData('text');
            if (/[\s,]/.test(text)) {
              event.preventDefault();
              commit(draft + text);
            }
          }}
          {...describedBy(id, error, hint)}
          {...rest}
        />
      </div>
    </FieldShell>
  );
}
