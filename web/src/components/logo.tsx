import { clsx } from 'clsx';

/** Herald's mark: an "H" with a signal dot, and optionally the word. */
export function Logo({ withWord = true, className }: { withWord?: boolean; className?: string }) {
  return (
    <span className={clsx('inline-flex items-center gap-2.5', className)}>
      <svg viewBox="0 0 32 32" className="size-8 shrink-0" aria-hidden>
        <rect width="32" height="32" rx="8" className="fill-brand-700" />
        <path d="M10 8v16M22 8v16M10 16h12" stroke="white" strokeWidth="3.2" strokeLinecap="round" />
        <circle cx="25.5" cy="7.5" r="3" className="fill-amber-400" />
      </svg>
      {withWord ? <span className="text-lg font-semibold tracking-tight text-zinc-900">Herald</span> : <span className="sr-only">Herald</span>}
    </span>
  );
}
