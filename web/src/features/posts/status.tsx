import { clsx } from 'clsx';
import type { ComponentProps } from 'react';
import type { PostStatus, TargetStatus } from '../../api/types';

interface StatusStyle {
  label: string;
  /** Pill (badge) colours. */
  pill: string;
  /** The dot in a pill or legend. */
  dot: string;
  /** Calendar chip colours. */
  chip: string;
}

const STYLES = {
  draft: { pill: 'bg-zinc-100 text-zinc-700 ring-zinc-200', dot: 'bg-zinc-400', chip: 'border-dashed border-zinc-300 bg-white text-zinc-700 hover:border-zinc-400' },
  scheduled: { pill: 'bg-brand-50 text-brand-700 ring-brand-200', dot: 'bg-brand-500', chip: 'border-brand-200 bg-brand-50 text-brand-900 hover:border-brand-300' },
  publishing: { pill: 'bg-sky-50 text-sky-700 ring-sky-200', dot: 'bg-sky-500 animate-pulse', chip: 'border-sky-200 bg-sky-50 text-sky-900 hover:border-sky-300' },
  published: { pill: 'bg-emerald-50 text-emerald-700 ring-emerald-200', dot: 'bg-emerald-500', chip: 'border-emerald-200 bg-emerald-50 text-emerald-900 hover:border-emerald-300' },
  partial: { pill: 'bg-amber-50 text-amber-800 ring-amber-200', dot: 'bg-amber-500', chip: 'border-amber-200 bg-amber-50 text-amber-900 hover:border-amber-300' },
  attention: { pill: 'bg-orange-50 text-orange-800 ring-orange-200', dot: 'bg-orange-500', chip: 'border-orange-200 bg-orange-50 text-orange-900 hover:border-orange-300' },
  failed: { pill: 'bg-red-50 text-red-700 ring-red-200', dot: 'bg-red-500', chip: 'border-red-200 bg-red-50 text-red-900 hover:border-red-300' },
  removed: { pill: 'bg-zinc-50 text-zinc-500 ring-zinc-200 line-through', dot: 'bg-zinc-300', chip: 'border-zinc-200 bg-zinc-50 text-zinc-500 line-through hover:border-zinc-300' },
} as const;

export const POST_STATUSES: Record<PostStatus, StatusStyle> = {
  draft: { label: 'Draft', ...STYLES.draft },
  scheduled: { label: 'Scheduled', ...STYLES.scheduled },
  publishing: { label: 'Publishing', ...STYLES.publishing },
  published: { label: 'Published', ...STYLES.published },
  partially_published: { label: 'Partly published', ...STYLES.partial },
  failed: { label: 'Failed', ...STYLES.failed },
  needs_attention: { label: 'Needs attention', ...STYLES.attention },
  deleted: { label: 'Deleted from platforms', ...STYLES.removed },
};

export const TARGET_STATUSES: Record<TargetStatus, StatusStyle> = {
  draft: { label: 'Draft', ...STYLES.draft },
  scheduled: { label: 'Scheduled', ...STYLES.scheduled },
  publishing: { label: 'Publishing', ...STYLES.publishing },
  retrying: { label: 'Retrying', ...STYLES.partial },
  published: { label: 'Published', ...STYLES.published },
  failed: { label: 'Failed', ...STYLES.failed },
  needs_reauth: { label: 'Reconnect channel', ...STYLES.attention },
  needs_review: { label: 'Needs review', ...STYLES.attention },
  deleted: { label: 'Deleted from platform', ...STYLES.removed },
};

export const POST_STATUS_ORDER: readonly PostStatus[] = ['draft', 'scheduled', 'publishing', 'published', 'partially_published', 'needs_attention', 'failed', 'deleted'];

type PillProps = Omit<ComponentProps<'span'>, 'children'> & { size?: 'sm' | 'md'; 'data-testid'?: string };

function Pill({ look, size = 'sm', className, ...props }: PillProps & { look: StatusStyle }) {
  return (
    <span
      className={clsx('inline-flex items-center gap-1.5 rounded-md font-medium whitespace-nowrap ring-1 ring-inset', size === 'md' ? 'px-2 py-1 text-sm' : 'px-1.5 py-0.5 text-xs', look.pill, className)}
      {...props}
    >
      <span className={clsx('size-1.5 shrink-0 rounded-full', look.dot)} aria-hidden />
      {look.label}
    </span>
  );
}

export function PostStatusBadge({ status, ...props }: PillProps & { status: PostStatus }) {
  return <Pill look={POST_STATUSES[status]} data-status={status} {...props} />;
}

export function TargetStatusBadge({ status, ...props }: PillProps & { status: TargetStatus }) {
  return <Pill look={TARGET_STATUSES[status]} data-status={status} {...props} />;
}

/** Targets in these states can still be edited, rescheduled or cancelled (as the server decides). */
export const EDITABLE_TARGET_STATES: readonly TargetStatus[] = ['draft', 'scheduled', 'retrying', 'failed', 'needs_reauth', 'needs_review'];
/** Targets in these states have a publish job waiting (so the post can be cancelled back to draft). */
export const PENDING_TARGET_STATES: readonly TargetStatus[] = ['scheduled', 'retrying'];
