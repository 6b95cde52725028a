import { clsx } from 'clsx';

const COLORS = ['bg-rose-500', 'bg-orange-500', 'bg-amber-500', 'bg-emerald-600', 'bg-teal-600', 'bg-sky-600', 'bg-brand-600', 'bg-violet-600', 'bg-fuchsia-600'];

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = words[0]?.[0] ?? '';
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

function colorFor(seed: string): string {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return COLORS[Math.abs(hash) % COLORS.length] ?? 'bg-brand-600';
}

interface AvatarProps {
  name: string;
  /** Keeps the colour stable when the name changes (e.g. a user id). */
  seed?: string;
  size?: 'xs' | 'sm' | 'md' | 'lg';
  shape?: 'circle' | 'square';
  className?: string;
}

const SIZES = { xs: 'size-6 text-[10px]', sm: 'size-8 text-xs', md: 'size-9 text-sm', lg: 'size-12 text-base' };

export function Avatar({ name, seed, size = 'md', shape = 'circle', className }: AvatarProps) {
  return (
    <span
      aria-hidden
      className={clsx(
        'inline-flex shrink-0 items-center justify-center font-semibold text-white select-none',
        shape === 'circle' ? 'rounded-full' : 'rounded-lg',
        SIZES[size],
        colorFor(seed ?? name),
        className,
      )}
    >
      {initials(name)}
    </span>
  );
}
