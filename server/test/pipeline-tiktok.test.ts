import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncMetrics } from '../src/modules/metrics/sync.js';
import type { FakeTikTok } from './fakes/tiktok.js';
import { jpeg, png, video } from './media-fixtures.js';
import { startPipeline, unique, type Pipeline } from './helpers/pipeline.js';
import { deliveryGuarantees } from './helpers/pipeline-suite.js';
import { tiktokKit } from './helpers/platform-kits.js';

/**
 * TikTok end to end through Herald's own API and pipeline, against TikTok's contract fake: connecting
 * a creator, a video (uploaded in chunks by Herald) and photo posts (pulled by TikTok from Herald's
 * signed URLs), the delivery guarantees and metrics.
 */
let p: Pipeline<FakeTikTok>;
let channelId = '';
let clipId = '';
let videoPost = { postId: '', platformPostId: '' };

beforeAll(async () => {
  p = await startPipeline(tiktokKit);
  clipId = await p.upload(video({ durationSeconds: 14, moovFirst: true }), 'clip.mp4');
});
afterAll(async () => {
  await p?.close();
});

const bodies = (endpoint: 'video_init' | 'content_init') => p.kit.fake.received.filter((r) => r.endpoint === endpoint).map((r) => r.body as Record<string, any>);

describe('connecting TikTok', () => {
  it('goes from consent to a channel for the creator', async () => {
    const { accounts, channels } = await p.connect();
    expect(accounts).toEqual([expect.objectContaining({ externalId: p.kit.fake.creator.openId, name: 'Herald Bakery', username: 'herald.bakery', kind: 'profile' })]);
    expect(channels).toEqual([expect.objectContaining({ platform: 'tiktok', name: 'Herald Bakery', status: 'active' })]);
    channelId = channels[0].id;
  });
});

describe('publishing to TikTok', () => {
  it('publishes a video, one photo and several photos (a PNG made JPEG by Herald)', async () => {
    const photo = await p.upload(await jpeg(1080, 1350), 'loaf.jpg');
    const wide = await p.upload(await png(1200, 900), 'wide.png');
    const posts = [
      { text: unique('Fresh sourdough #bakery'), mediaIds: [clipId], kinds: ['video'] },
      { text: unique('One loaf'), mediaIds: [photo], kinds: ['image'] },
      { text: unique('Two ways'), mediaIds: [photo, wide], kinds: ['image', 'image'] },
    ];
    const ids = await Promise.all(posts.map((c) => p.post(channelId, c)));
    const settled = await Promise.all(ids.map((id) => p.settled(id)));
    for (const [i, c] of posts.entries()) {
      const received = p.kit.received().filter((r) => r.text === c.text);
      expect(received, c.text).toHaveLength(1);
      expect(received[0]).toMatchObject({ author: p.kit.fake.creator.openId, media: c.kinds });
      expect(settled[i].targets[0]).toMatchObject({ status: 'published', platformPostId: received[0]!.id, permalink: `https://www.tiktok.com/@herald.bakery/video/${received[0]!.id}` });
    }
    // The video's bytes went up whole from Herald's storage; the photos were pulled from its signed URLs.
    const init = bodies('video_init').find((b) => b.post_info?.title === posts[0]!.text)!;
    expect(init.source_info).toMatchObject({ source: 'FILE_UPLOAD', total_chunk_count: 1 });
    const session = [...p.kit.fake.sessions.values()].find((s) => s.post?.id === settled[0].targets[0].platformPostId)!;
    expect(Buffer.concat(session.chunks).length).toBe(init.source_info.video_size);
    const pulled = bodies('content_init').flatMap((b) => b.source_info.photo_images as string[]);
    expect(pulled).toHaveLength(3);
    for (const url of pulled) expect(url.startsWith(`${p.publicUrl}/api/v1/media/file/`)).toBe(true);
    videoPost = { postId: ids[0]!, platformPostId: settled[0].targets[0].platformPostId };
  });

  it('fails the target with TikTok’s reason when it refuses the video after processing', async () => {
    const text = unique('Jerky');
    p.kit.fake.failNextPublish('frame_rate_check_failed');
    const post = await p.settled(await p.post(channelId, { text, mediaIds: [clipId] }), 'failed');
    expect(post.targets[0].lastError).toMatchObject({ kind: 'rejected', platformCode: 'frame_rate_check_failed' });
    expect(post.targets[0].lastError.message).toMatch(/frame rate/);
    expect(p.kit.received().filter((r) => r.text === text)).toHaveLength(0);
  });
});

describe('TikTok delivery guarantees', () => {
  deliveryGuarantees(() => ({ p, channelId, content: async () => ({ text: unique('Behind the oven'), mediaIds: [clipId] }) }));
});

describe('TikTok metrics', () => {
  it('stores the views, likes, comments and shares TikTok reports, and the API shows them', async () => {
    p.kit.setMetrics(videoPost.platformPostId, { views: 1005, likes: 55, comments: 5, shares: 10 });
    const synced = await syncMetrics(p.t.runtime);
    expect(synced).toMatchObject({ channelsFailed: 0 });
    const metrics = await p.api('GET', `/posts/${videoPost.postId}/metrics`);
    expect(metrics.body.items[0].latest).toMatchObject({ videoViews: 1005, likes: 55, comments: 5, shares: 10, impressions: null });
  });
});
