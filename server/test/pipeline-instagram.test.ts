import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncMetrics } from '../src/modules/metrics/sync.js';
import type { FakeMetaGraph } from './fakes/meta-graph.js';
import { jpeg, png, video } from './media-fixtures.js';
import { startPipeline, unique, type Pipeline } from './helpers/pipeline.js';
import { deliveryGuarantees } from './helpers/pipeline-suite.js';
import { INSTAGRAM_ACCOUNT, instagramKit } from './helpers/platform-kits.js';

/**
 * Instagram end to end through Herald's own API and pipeline, against the Graph fake: connecting the
 * business account linked to a page, images, carousels and reels (Instagram fetches each file from
 * Herald's signed URLs and takes JPEG only), containers that end in ERROR, the delivery guarantees and
 * metrics.
 */
let p: Pipeline<FakeMetaGraph>;
let channelId = '';
let photoId = '';
let imagePost = { postId: '', platformPostId: '' };

beforeAll(async () => {
  p = await startPipeline(instagramKit);
  photoId = await p.upload(await jpeg(1080, 1080), 'latte.jpg', 'A latte');
});
afterAll(async () => {
  await p?.close();
});

const containersCreated = () => p.kit.fake.requestsTo('POST', `${INSTAGRAM_ACCOUNT.id}/media`);

describe('connecting Instagram', () => {
  it('offers the business account linked to a page, and makes it a channel', async () => {
    const { accounts, channels } = await p.connect();
    expect(accounts).toEqual([expect.objectContaining({ externalId: INSTAGRAM_ACCOUNT.id, name: INSTAGRAM_ACCOUNT.name, username: INSTAGRAM_ACCOUNT.username, kind: 'business' })]);
    expect(channels).toEqual([expect.objectContaining({ platform: 'instagram', username: INSTAGRAM_ACCOUNT.username, status: 'active' })]);
    channelId = channels[0].id;
  });
});

describe('publishing to Instagram', () => {
  it('publishes one image, a carousel (a PNG made JPEG by Herald, a video) and a reel', async () => {
    const square = await p.upload(await png(1080, 1080), 'square.png');
    const clip = await p.upload(video({ width: 1080, height: 1920, durationSeconds: 12 }), 'reel.mp4');
    const posts = [
      { text: unique('Latte art #coffee'), mediaIds: [photoId], kinds: ['image'] },
      { text: unique('Our week'), mediaIds: [photoId, square, clip], kinds: ['image', 'image', 'video'] },
      { text: unique('Behind the bar'), mediaIds: [clip], kinds: ['video'] },
    ];
    const ids = await Promise.all(posts.map((c) => p.post(channelId, c)));
    const settled = await Promise.all(ids.map((id) => p.settled(id)));
    for (const [i, c] of posts.entries()) {
      const received = p.kit.received().filter((r) => r.text === c.text);
      expect(received, c.text).toHaveLength(1);
      expect(received[0]).toMatchObject({ author: INSTAGRAM_ACCOUNT.id, media: c.kinds });
      const media = p.kit.fake.media.get(received[0]!.id)!;
      expect(settled[i].targets[0]).toMatchObject({ status: 'published', platformPostId: media.id, permalink: media.permalink });
    }
    // Every container pointed Instagram at Herald's signed URLs, and the alt text went along.
    const created = containersCreated().filter((r) => r.params.image_url || r.params.video_url);
    expect(created).toHaveLength(5);
    for (const r of created) expect(r.params.image_url ?? r.params.video_url).toMatch(new RegExp(`^${p.publicUrl}/api/v1/media/file/`));
    expect(created.find((r) => r.params.caption === posts[0]!.text)!.params.alt_text).toBe('A latte');
    expect(containersCreated().find((r) => r.params.caption === posts[2]!.text)!.params).toMatchObject({ media_type: 'REELS', share_to_feed: 'true' });
    imagePost = { postId: ids[0]!, platformPostId: settled[0].targets[0].platformPostId };
  });

  it('refuses a post without media before it reaches Instagram', async () => {
    const graphCalls = p.kit.fake.requests.length;
    const res = await p.api('POST', `/workspaces/${p.workspaceId}/posts`, { text: unique('Just words'), channelIds: [channelId], publishNow: true });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'content_rules_violated', details: { violations: [expect.objectContaining({ channelId, rule: 'media_required' })] } });
    expect(p.kit.fake.requests.length).toBe(graphCalls);
  });
});

describe('Instagram containers that end in ERROR', () => {
  it('fails the target with Instagram’s status when the media cannot be used, publishing nothing', async () => {
    const text = unique('Broken upload');
    p.kit.fake.nextContainer({ status: 'ERROR', text: 'Error: Media upload has failed with error code 2207026' });
    const post = await p.settled(await p.post(channelId, { text, mediaIds: [photoId] }), 'failed');
    expect(post.targets[0].lastError).toMatchObject({ kind: 'rejected', platformCode: 'container_error' });
    expect(post.targets[0].lastError.message).toContain('2207026');
    expect(p.kit.received().filter((r) => r.text === text)).toHaveLength(0);
  });

  it('retries with a new container when Instagram says the error is temporary', async () => {
    const text = unique('Second try');
    p.kit.fake.nextContainer({ status: 'ERROR', text: 'Error: Media upload has failed with error code 2207001' });
    const post = await p.settled(await p.post(channelId, { text, mediaIds: [photoId] }));
    expect(post.attempts.map((a: any) => a.outcome)).toEqual(['transient', 'published']);
    expect(containersCreated().filter((r) => r.params.caption === text)).toHaveLength(2);
    expect(p.kit.received().filter((r) => r.text === text)).toHaveLength(1);
  });
});

describe('Instagram delivery guarantees', () => {
  deliveryGuarantees(() => ({ p, channelId, content: async () => ({ text: unique('Fresh roast'), mediaIds: [photoId] }) }));
});

describe('Instagram metrics', () => {
  it('stores the media insights, and the API shows them', async () => {
    p.kit.setMetrics(imagePost.platformPostId, { views: 450, likes: 40, comments: 5, shares: 2 });
    const synced = await syncMetrics(p.t.runtime);
    expect(synced).toMatchObject({ channelsFailed: 0 });
    const metrics = await p.api('GET', `/posts/${imagePost.postId}/metrics`);
    expect(metrics.body.items[0].latest).toMatchObject({ impressions: 450, reach: 450, likes: 40, comments: 5, shares: 2, saves: 0, clicks: null });
  });
});
