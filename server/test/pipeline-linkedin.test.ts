import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncMetrics } from '../src/modules/metrics/sync.js';
import type { FakeLinkedIn } from './fakes/linkedin.js';
import { jpeg, png, video } from './media-fixtures.js';
import { startPipeline, unique, type Pipeline } from './helpers/pipeline.js';
import { deliveryGuarantees } from './helpers/pipeline-suite.js';
import { LINKEDIN_ORG, linkedinKit } from './helpers/platform-kits.js';

/**
 * LinkedIn end to end through Herald's own API and pipeline, against LinkedIn's contract fake: one
 * consent connects both the member and an organization page they administer; text (LinkedIn's
 * "little text" escaping included), images, multi-image posts and a video; the delivery guarantees on
 * the organization channel; metrics (organization statistics; member analytics need a scope Herald
 * does not hold).
 */
let p: Pipeline<FakeLinkedIn>;
let orgChannel = '';
let memberChannel = '';
const orgUrn = `urn:li:organization:${LINKEDIN_ORG.id}`;
const published = { org: { postId: '', urn: '' }, member: { postId: '', urn: '' } };

beforeAll(async () => {
  p = await startPipeline(linkedinKit);
});
afterAll(async () => {
  await p?.close();
});

describe('connecting LinkedIn', () => {
  it('offers the member and the organizations they administer, and makes both channels', async () => {
    const memberUrn = `urn:li:person:${p.kit.fake.member.sub}`;
    const { accounts, channels } = await p.connect();
    expect(accounts).toEqual([
      expect.objectContaining({ externalId: memberUrn, name: 'Ada Lovelace', kind: 'profile' }),
      expect.objectContaining({ externalId: orgUrn, name: LINKEDIN_ORG.name, username: LINKEDIN_ORG.vanityName, kind: 'organization' }),
    ]);
    expect(channels).toEqual([
      expect.objectContaining({ platform: 'linkedin', name: 'Ada Lovelace', status: 'active' }),
      expect.objectContaining({ platform: 'linkedin', name: LINKEDIN_ORG.name, status: 'active' }),
    ]);
    memberChannel = channels[0].id;
    orgChannel = channels[1].id;
  });
});

describe('publishing to LinkedIn', () => {
  it('publishes text, one image, several images and a video as the organization, and text as the member', async () => {
    const one = await p.upload(await jpeg(800, 600), 'chart.jpg', 'A chart going up');
    const several = [await p.upload(await jpeg(400, 400), 'a.jpg'), await p.upload(await png(300, 200), 'b.png'), await p.upload(await jpeg(200, 300), 'c.jpg')];
    const clip = await p.upload(video({ durationSeconds: 12 }), 'clip.mp4');
    const posts = [
      // Reserved characters LinkedIn would silently cut the post at, unless Herald escapes them.
      { channel: orgChannel, text: unique('Q3 (draft) results: up_wards [50%] @team. #launch'), mediaIds: [], kinds: [] },
      { channel: orgChannel, text: unique('One image'), mediaIds: [one], kinds: ['image'] },
      { channel: orgChannel, text: unique('Three images'), mediaIds: several, kinds: ['image', 'image', 'image'] },
      { channel: orgChannel, text: unique('A video'), mediaIds: [clip], kinds: ['video'] },
      { channel: memberChannel, text: unique('Proud of the team'), mediaIds: [], kinds: [] },
    ];
    const ids = await Promise.all(posts.map((c) => p.post(c.channel, c)));
    const settled = await Promise.all(ids.map((id) => p.settled(id)));
    for (const [i, c] of posts.entries()) {
      const received = p.kit.received().filter((r) => r.text === c.text);
      expect(received, c.text).toHaveLength(1);
      expect(received[0]).toMatchObject({ author: c.channel === orgChannel ? orgUrn : `urn:li:person:${p.kit.fake.member.sub}`, media: c.kinds });
      expect(settled[i].targets[0]).toMatchObject({ status: 'published', platformPostId: received[0]!.id, permalink: `https://www.linkedin.com/feed/update/${received[0]!.id}` });
    }
    const image = p.kit.fake.posts.find((x) => x.urn === settled[1].targets[0].platformPostId)!;
    expect((image.body.content as { media: { altText?: string } }).media.altText).toBe('A chart going up');
    published.org = { postId: ids[0]!, urn: settled[0].targets[0].platformPostId };
    published.member = { postId: ids[4]!, urn: settled[4].targets[0].platformPostId };
  });

  it('fails the target with LinkedIn’s reason when it cannot process a video, posting nothing', async () => {
    const text = unique('Bad video');
    const clip = await p.upload(video({ durationSeconds: 5 }), 'bad.mp4');
    p.kit.fake.failNextVideoProcessing('VIDEO_DURATION_TOO_LONG');
    const post = await p.settled(await p.post(orgChannel, { text, mediaIds: [clip] }), 'failed');
    expect(post.targets[0].lastError).toMatchObject({ kind: 'rejected', platformCode: 'PROCESSING_FAILED' });
    expect(post.targets[0].lastError.message).toContain('VIDEO_DURATION_TOO_LONG');
    expect(p.kit.received().filter((r) => r.text === text)).toHaveLength(0);
  });
});

describe('LinkedIn delivery guarantees (organization channel)', () => {
  deliveryGuarantees(() => ({ p, channelId: orgChannel, content: async () => ({ text: unique('Hiring (again)!'), mediaIds: [] }) }));
});

describe('LinkedIn metrics', () => {
  it('stores organization share statistics, and member posts without figures', async () => {
    p.kit.setMetrics(published.org.urn, { views: 1000, likes: 40, comments: 5, shares: 3 });
    p.kit.setMetrics(published.member.urn, { views: 321, likes: 12, comments: 4, shares: 2 });
    const synced = await syncMetrics(p.t.runtime);
    expect(synced).toMatchObject({ channelsFailed: 0 });
    const org = await p.api('GET', `/posts/${published.org.postId}/metrics`);
    expect(org.body.items[0].latest).toMatchObject({ impressions: 1000, reach: 1000, likes: 40, comments: 5, shares: 3, clicks: 0, saves: null });
    // Member analytics need r_member_postAnalytics, which Herald does not ask for: nothing is invented.
    const member = await p.api('GET', `/posts/${published.member.postId}/metrics`);
    expect(member.body.items[0].latest).toMatchObject({ impressions: null, likes: null, comments: null, shares: null });
  });
});
