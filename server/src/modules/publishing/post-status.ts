import type { PostStatus, TargetStatus } from '../../db/schema.js';

/**
 * A post's status, derived from its targets' statuses. Stored on the post (recomputed in the same
 * transaction as every target change) so lists and calendars can filter on it.
 */
export function derivePostStatus(all: readonly TargetStatus[]): PostStatus {
  if (all.length === 0) return 'draft';
  // A post removed from some platforms is judged by the others; removed from all of them, it is deleted.
  const targets: readonly TargetStatus[] = all.filter((s) => s !== 'deleted');
  if (targets.length === 0) return 'deleted';
  const has = (s: TargetStatus) => targets.includes(s);
  if (targets.every((s) => s === 'published')) return 'published';
  if (has('publishing') || has('retrying')) return 'publishing';
  if (has('scheduled')) return has('published') ? 'publishing' : 'scheduled';
  if (has('needs_reauth') || has('needs_review')) return 'needs_attention';
  if (has('published')) return 'partially_published';
  if (has('failed')) return 'failed';
  return 'draft';
}

/** A target is being published or waits for a retry: the post will change on its own (stored as `posts.in_flight`). */
export function isPostInFlight(all: readonly TargetStatus[]): boolean {
  return all.some((s) => s === 'publishing' || s === 'retrying');
}

/** Targets in these states may still be edited, rescheduled or cancelled. */
export const EDITABLE_TARGET_STATES: readonly TargetStatus[] = ['draft', 'scheduled', 'retrying', 'failed', 'needs_reauth', 'needs_review'];
/** Targets in these states have a publish job waiting. */
export const PENDING_TARGET_STATES: readonly TargetStatus[] = ['scheduled', 'retrying'];
/** Targets a user may cancel: pending ones, and those waiting for a person to say whether they went out. */
export const CANCELLABLE_TARGET_STATES: readonly TargetStatus[] = [...PENDING_TARGET_STATES, 'needs_review'];
