import { describe, expect, it } from 'vitest';
import { derivePostStatus } from './post-status.js';

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
