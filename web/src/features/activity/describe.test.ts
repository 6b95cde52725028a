import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../api/types';
import { describeEntry } from './describe';

const entry = (action: string, data: Record<string, unknown>): AuditEntry => ({
  id: '00000000-0000-4000-8000-000000000001',
  action,
  subjectType: 'post',
  subjectId: '00000000-0000-4000-8000-0000000000aa',
  data,
  createdAt: '2026-12-03T14:00:00.000Z',
  actor: null,
});

describe('activity entries of posts', () => {
  it('names and links the post of a publish-now, and says what was chosen', () => {
    const d = describeEntry(entry('post.publish_now', { title: 'Weekend brunch is back', targets: 2 }), new Map(), 'org1');
    expect(d).toMatchObject({ verb: 'chose Publish now for', target: 'Weekend brunch is back', link: '/orgs/org1/posts/00000000-0000-4000-8000-0000000000aa', permalink: null });
  });

  it('shows a publish result per channel, with the post on the platform', () => {
    const d = describeEntry(entry('post.published', { title: 'Brunch', channelName: 'Bakery on X', permalink: 'https://x.com/bakery/status/1' }), new Map(), 'org1');
    expect(d).toMatchObject({ verb: 'published', target: 'Brunch', permalink: 'https://x.com/bakery/status/1' });
    expect(d.details).toEqual(['Bakery on X']);
  });

  it('gives failures and held posts their reason, and no link that is not http(s)', () => {
    const failed = describeEntry(entry('post.publish_failed', { title: 'Brunch', channelName: 'Page', error: 'Text too long', permalink: 'javascript:alert(1)' }), new Map(), 'org1');
    expect(failed).toMatchObject({ verb: 'could not publish', permalink: null });
    expect(failed.details).toContain('Text too long');
    expect(describeEntry(entry('post.needs_reauth', { title: 'Brunch' }), new Map(), 'org1').verb).toBe('could not reach the channel for');
  });
});
