import { clsx } from 'clsx';
import { Check, ChevronsUpDown } from 'lucide-react';
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { controlClasses, describedBy, FieldShell } from './field';

export interface ComboboxOption {
  value: string;
  label: string;
  /** Secondary text on the right, e.g. a UTC offset. */
  detail?: string;
}

interface ComboboxProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly ComboboxOption[];
  hint?: string;
  error?: string | undefined;
  placeholder?: string;
  disabled?: boolean;
  emptyText?: string;
  /** Custom matching and ranking (e.g. time zones by country, city or abbreviation); default: contains. */
  filter?: (options: readonly ComboboxOption[], query: string) => readonly ComboboxOption[];
  'data-testid'?: string;
}

const normalize = (text: string) => text.toLowerCase().replace(/[_\s]+/g, ' ').trim();

/**
 * A searchable select (ARIA combobox with a listbox). Typing filters; arrows and Enter choose;
 * leaving the field keeps the typed text only when it names an option exactly.
 */
export function Combobox({ label, value, onChange, options, hint, error, placeholder, disabled, emptyText = 'No matches', filter, ...rest }: ComboboxProps) {
  const id = useId();
  const listId = `${id}-list`;
  const [query, setQuery] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);

  const selected = options.find((option) => option.value === value);
  const filtered = useMemo(() => {
    if (!query) return options;
    if (filter) return filter(options, query);
    const needle = normalize(query);
    return options.filter((option) => normalize(option.value).includes(needle) || normalize(option.label).includes(needle) || (option.detail ? normalize(option.detail).includes(needle) : false));
  }, [options, query, filter]);

  useEffect(() => {
    if (!open) return;
    listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active, open]);

  const openList = () => {
    setOpen(true);
    const index = query === null ? options.findIndex((option) => option.value === value) : 0;
    setActive(Math.max(0, index));
  };

  const choose = (option: ComboboxOption | undefined) => {
    if (option) onChange(option.value);
    setQuery(null);
    setOpen(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) return openList();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => Math.min(Math.max(i + step, 0), Math.max(filtered.length - 1, 0)));
    } else if (event.key === 'Enter') {
      if (open) {
        event.preventDefault();
        choose(filtered[active]);
      }
    } else if (event.key === 'Escape') {
      if (open) {
        event.preventDefault();
        event.stopPropagation();
        setQuery(null);
        setOpen(false);
      }
    }
  };

  const onBlur = () => {
    if (query !== null) {
      const exact = options.find((option) => normalize(option.value) === normalize(query) || normalize(option.label) === normalize(query));
      if (exact) onChange(exact.value);
    }
    setQuery(null);
    setOpen(false);
  };

  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      <div className="relative">
        <input
          id={id}
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && filtered[active] ? `${id}-option-${active}` : undefined}
          autoComplete="off"
          spellCheck={false}
          disabled={disabled}
          placeholder={placeholder}
          className={controlClasses(Boolean(error), 'h-10 pr-9')}
          value={query ?? selected?.label ?? value}
          onChange={(event) => {
            setQuery(event.target.value);
            setOpen(true);
            setActive(0);
          }}
          onFocus={(event) => event.target.select()}
          onClick={() => (open ? undefined : openList())}
          onKeyDown={onKeyDown}
          onBlur={onBlur}
          {...describedBy(id, error, hint)}
          {...rest}
        />
        <ChevronsUpDown className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-zinc-400" aria-hidden />
        <ul
          ref={listRef}
          id={listId}
          role="listbox"
          aria-label={label}
          hidden={!open}
          className="absolute z-30 mt-1.5 max-h-64 w-full overflow-y-auto rounded-xl bg-white p-1 shadow-lg ring-1 ring-zinc-900/10"
        >
          {filtered.length === 0 ? (
            <li className="px-3 py-2 text-sm text-zinc-500">{emptyText}</li>
          ) : (
            filtered.map((option, index) => (
              <li
                key={option.value}
                id={`${id}-option-${index}`}
                data-index={index}
                role="option"
                aria-selected={option.value === value}
                className={clsx('flex items-center gap-2 rounded-lg px-2.5 py-1.5 text-sm', index === active ? 'bg-brand-50 text-brand-900' : 'text-zinc-700')}
                onMouseDown={(event) => event.preventDefault()}
                onMouseMove={() => setActive(index)}
                onClick={() => choose(option)}
              >
                <Check className={clsx('size-4 shrink-0 text-brand-600', option.value !== value && 'invisible')} aria-hidden />
                <span className="min-w-0 flex-1 truncate">{option.label}</span>
                {option.detail ? <span className="shrink-0 text-xs text-zinc-400 tabular-nums">{option.detail}</span> : null}
              </li>
            ))
          )}
        </ul>
      </div>
    </FieldShell>
  );
}
