import { describe, expect, it } from 'vitest';
import type { TargetStatus } from '../../db/schema.js';
import { derivePostStatus, isPostInFlight } from './post-status.js';

describe('derivePostStatus', () => {
  it.each([
    [[], 'draft'],
    [['draft', 'draft'], 'draft'],
    [['scheduled', 'scheduled'], 'scheduled'],
    [['scheduled', 'published'], 'publishing'],
    [['publishing', 'scheduled'], 'publishing'],
    [['retrying', 'published'], 'publishing'],
    [['published', 'published'], 'published'],
    [['published', 'failed'], 'partially_published'],
    [['failed', 'failed'], 'failed'],
    [['published', 'needs_reauth'], 'needs_attention'],
    [['needs_review'], 'needs_attention'],
    [['deleted', 'published'], 'published'],
    [['deleted', 'deleted'], 'deleted'],
  ] as const)('%j → %s', (targets, expected) => {
    expect(derivePostStatus(targets)).toBe(expected);
  });
});

describe('a post with a target publishing', () => {
  // The batch claim (repo.claimTargets) marks the posts of the targets it claims `publishing` and in
  // flight without reading their other targets: it relies on this.
  const all: TargetStatus[] = ['draft', 'scheduled', 'publishing', 'retrying', 'published', 'failed', 'needs_reauth', 'needs_review', 'deleted'];
  it.each(all.flatMap((a) => all.map((b) => [a, b] as const)))('publishing + %s + %s → publishing, in flight', (a, b) => {
    expect(derivePostStatus(['publishing', a, b])).toBe('publishing');
    expect(isPostInFlight(['publishing', a, b])).toBe(true);
  });
});
