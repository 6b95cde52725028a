import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncMetrics } from '../src/modules/metrics/sync.js';
import type { FakeX } from './fakes/x.js';
import { jpeg, png, video, webp } from './media-fixtures.js';
import { startPipeline, unique, type Pipeline } from './helpers/pipeline.js';
import { deliveryGuarantees } from './helpers/pipeline-suite.js';
import { xKit } from './helpers/platform-kits.js';

/**
 * X end to end through Herald's own API and pipeline, against X's contract fake: connecting a profile,
 * every kind of post X takes (media uploaded through Herald's media API), the delivery guarantees
 * (token renewal, re-authorisation, rate limit, refusal, 5xx) and metrics.
 */
let p: Pipeline<FakeX>;
let channelId = '';
let textPost = { postId: '', platformPostId: '' };

beforeAll(async () => {
  p = await startPipeline(xKit);
});
afterAll(async () => {
  await p?.close();
});

describe('connecting X', () => {
  it('goes from consent to a channel for the profile', async () => {
    const { accounts, channels } = await p.connect();
    expect(accounts).toEqual([expect.objectContaining({ externalId: '1500000000000000001', name: 'Acme Coffee', username: 'acmecoffee', kind: 'profile', channelId: null })]);
    expect(channels).toEqual([expect.objectContaining({ platform: 'x', name: 'Acme Coffee', username: 'acmecoffee', status: 'active', isSandbox: false })]);
    channelId = channels[0].id;
  });
});

describe('publishing to X', () => {
  it('publishes text, one image with alt text, four images and a video, each as sent', async () => {
    const alt = 'A flat white on a wooden table';
    const one = await p.upload(await jpeg(800, 600), 'cup.jpg', alt);
    const four = [await p.upload(await jpeg(640, 480), 'a.jpg'), await p.upload(await png(500, 500), 'b.png'), await p.upload(await webp(400, 300), 'c.webp'), await p.upload(await jpeg(300, 300), 'd.jpg')];
    const clip = await p.upload(video({ durationSeconds: 12 }), 'clip.mp4');
    const posts = [
      { text: unique('Hello from Herald & friends'), mediaIds: [], kinds: [] },
      { text: unique('Morning cup'), mediaIds: [one], kinds: ['image'] },
      { text: unique('Four of our blends'), mediaIds: four, kinds: ['image', 'image', 'image', 'image'] },
      { text: unique('Behind the counter'), mediaIds: [clip], kinds: ['video'] },
    ];
    const ids = await Promise.all(posts.map((c) => p.post(channelId, c)));
    const settled = await Promise.all(ids.map((id) => p.settled(id)));

    for (const [i, c] of posts.entries()) {
      const received = p.kit.received().filter((r) => r.text === c.text);
      expect(received, c.text).toHaveLength(1);
      expect(received[0]!.media).toEqual(c.kinds);
      const target = settled[i].targets[0];
      expect(target).toMatchObject({ status: 'published', platformPostId: received[0]!.id, permalink: `https://x.com/acmecoffee/status/${received[0]!.id}`, lastError: null });
    }
    const imageTweet = p.kit.fake.tweets.get(settled[1].targets[0].platformPostId)!;
    expect(p.kit.fake.uploads.get(imageTweet.mediaKeys[0]!.split('_')[1]!)!.altText).toBe(alt);
    // The video went through the chunked upload, the images through the simple one.
    expect(p.kit.fake.routeCount('POST /2/media/upload/initialize')).toBe(1);
    expect(p.kit.fake.routeCount('POST /2/media/upload')).toBe(5);
    textPost = { postId: ids[0]!, platformPostId: settled[0].targets[0].platformPostId };
  });
});

describe('X delivery guarantees', () => {
  deliveryGuarantees(() => ({ p, channelId, content: async () => ({ text: unique('Fresh roast'), mediaIds: [] }) }));
});

describe('X metrics', () => {
  it('stores what X reports for a published post, and the API shows it', async () => {
    p.kit.setMetrics(textPost.platformPostId, { views: 150, likes: 7, comments: 2, shares: 3 });
    const synced = await syncMetrics(p.t.runtime);
    expect(synced).toMatchObject({ channelsFailed: 0 });
    expect(synced.readings).toBeGreaterThanOrEqual(1);
    const metrics = await p.api('GET', `/posts/${textPost.postId}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body.items[0].latest).toMatchObject({ impressions: 150, likes: 7, comments: 2, shares: 3, reach: null });
    expect(metrics.body.totals).toMatchObject({ impressions: 150, likes: 7 });
  });

  it('renews an expired token through the leased refresh and reads the figures, instead of skipping the channel', async () => {
    p.kit.setMetrics(textPost.platformPostId, { views: 210, likes: 9, comments: 2, shares: 3 });
    const before = await p.credentialsOf(channelId);
    p.kit.expireAccess(before);
    const synced = await syncMetrics(p.t.runtime);
    expect(synced).toMatchObject({ channelsFailed: 0, channelsNeedReauth: 0 });
    expect(synced.readings).toBeGreaterThanOrEqual(1);
    expect((await p.credentialsOf(channelId)).accessToken).not.toBe(before.accessToken);
    const metrics = await p.api('GET', `/posts/${textPost.postId}/metrics`);
    expect(metrics.body.items[0].latest).toMatchObject({ impressions: 210, likes: 9 });
    expect((await p.api('GET', `/channels/${channelId}`)).body.status).toBe('active');
  });

  it('marks the channel needs_reauth and tells its managers when the expired token cannot be renewed', async () => {
    p.kit.setMetrics(textPost.platformPostId, { views: 999, likes: 99, comments: 9, shares: 9 });
    p.kit.revokeAccess(await p.credentialsOf(channelId));
    const synced = await syncMetrics(p.t.runtime);
    expect(synced).toMatchObject({ channelsNeedReauth: 1 });
    const channel = (await p.api('GET', `/channels/${channelId}`)).body;
    expect(channel.status).toBe('needs_reauth');
    expect(channel.statusReason).toContain('Reading post figures failed');
    const health = (await p.api('GET', `/workspaces/${channel.workspaceId}/channels/health`)).body.items.find((h: { channelId: string }) => h.channelId === channelId);
    expect(health).toMatchObject({ tokenState: 'needs_reauth', status: 'needs_reauth' });
    const notices = (await p.api('GET', '/notifications')).body.items as { kind: string; title: string }[];
    expect(notices.some((n) => n.kind === 'channel_needs_reauth' && n.title.includes('Acme Coffee'))).toBe(true);
    // The stale figures were not replaced with anything.
    expect((await p.api('GET', `/posts/${textPost.postId}/metrics`)).body.items[0].latest).toMatchObject({ impressions: 210 });
    const again = await p.connect();
    expect(again.channels.find((ch) => ch.id === channelId)).toMatchObject({ status: 'active' });
  });
});
