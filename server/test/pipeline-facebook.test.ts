import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncMetrics } from '../src/modules/metrics/sync.js';
import type { FakeMetaGraph } from './fakes/meta-graph.js';
import { jpeg, png, video } from './media-fixtures.js';
import { startPipeline, unique, type Pipeline } from './helpers/pipeline.js';
import { deliveryGuarantees } from './helpers/pipeline-suite.js';
import { FACEBOOK_PAGE, facebookKit, INSTAGRAM_ACCOUNT } from './helpers/platform-kits.js';

/**
 * Facebook Pages end to end through Herald's own API and pipeline, against the Graph fake: connecting
 * a page, every kind of post a page takes (Facebook fetches the media from Herald's signed URLs), the
 * delivery guarantees and metrics.
 */
let p: Pipeline<FakeMetaGraph>;
let channelId = '';
let textPost = { postId: '', platformPostId: '' };

beforeAll(async () => {
  p = await startPipeline(facebookKit);
});
afterAll(async () => {
  await p?.close();
});

describe('connecting a Facebook page', () => {
  it('lists the pages the user may post to and makes the chosen one a channel', async () => {
    const { accounts, channels } = await p.connect();
    // Both pages the user manages with CREATE_CONTENT; not the read-only one (102).
    expect(accounts.map((a) => a.externalId)).toEqual([FACEBOOK_PAGE.id, INSTAGRAM_ACCOUNT.pageId]);
    expect(accounts[0]).toMatchObject({ name: FACEBOOK_PAGE.name, kind: 'page', channelId: null });
    expect(channels).toEqual([expect.objectContaining({ platform: 'facebook', name: FACEBOOK_PAGE.name, status: 'active' })]);
    channelId = channels[0].id;
    // The page token is what Herald keeps, with the user token to renew it.
    const credentials = await p.credentialsOf(channelId);
    expect(credentials.accessToken).toBe(p.kit.fake.pages.get(FACEBOOK_PAGE.id)!.token);
    expect(credentials.refreshToken).toBeDefined();
  });
});

describe('publishing to a Facebook page', () => {
  it('publishes text, one image, several images and a video, with media fetched from Herald', async () => {
    const alt = 'A loaf on the counter';
    const one = await p.upload(await jpeg(800, 600), 'loaf.jpg', alt);
    const several = [await p.upload(await jpeg(640, 480), 'a.jpg'), await p.upload(await png(640, 640), 'b.png'), await p.upload(await jpeg(400, 400), 'c.jpg')];
    const clip = await p.upload(video({ durationSeconds: 12 }), 'clip.mp4');
    const posts = [
      { text: unique('Fresh bread at 7'), mediaIds: [], kinds: [] },
      { text: unique('One loaf'), mediaIds: [one], kinds: ['image'] },
      { text: unique('Three loaves'), mediaIds: several, kinds: ['image', 'image', 'image'] },
      { text: unique('Watch us bake'), mediaIds: [clip], kinds: ['video'] },
    ];
    const ids = await Promise.all(posts.map((c) => p.post(channelId, c)));
    const settled = await Promise.all(ids.map((id) => p.settled(id)));

    for (const [i, c] of posts.entries()) {
      const received = p.kit.received().filter((r) => r.text === c.text);
      expect(received, c.text).toHaveLength(1);
      expect(received[0]).toMatchObject({ author: FACEBOOK_PAGE.id, media: c.kinds });
      expect(settled[i].targets[0]).toMatchObject({ status: 'published', platformPostId: received[0]!.id });
    }
    expect(settled[0].targets[0].permalink).toMatch(new RegExp(`^https://www\\.facebook\\.com/${FACEBOOK_PAGE.id}/posts/`));
    expect(settled[3].targets[0].permalink).toBe(`https://www.facebook.com/${FACEBOOK_PAGE.id}/videos/${settled[3].targets[0].platformPostId}/`);

    // Facebook downloaded every file from Herald's signed media URLs.
    const fetched = [...p.kit.fake.requestsTo('POST', `${FACEBOOK_PAGE.id}/photos`).map((r) => r.params.url), ...p.kit.fake.requestsTo('POST', `${FACEBOOK_PAGE.id}/videos`).map((r) => r.params.file_url)];
    expect(fetched).toHaveLength(5);
    for (const url of fetched) expect(url).toMatch(new RegExp(`^${p.publicUrl}/api/v1/media/file/`));
    const single = p.kit.fake.requestsTo('POST', `${FACEBOOK_PAGE.id}/photos`).find((r) => r.params.published === 'true')!;
    expect(single.params).toMatchObject({ message: posts[1]!.text, alt_text_custom: alt });
    textPost = { postId: ids[0]!, platformPostId: settled[0].targets[0].platformPostId };
  });
});

describe('Facebook delivery guarantees', () => {
  deliveryGuarantees(() => ({ p, channelId, content: async () => ({ text: unique('Spelt loaf today'), mediaIds: [] }) }));
});

describe('Facebook metrics', () => {
  it('stores the post insights and reactions, and the API shows them', async () => {
    p.kit.setMetrics(textPost.platformPostId, { views: 900, likes: 12, comments: 4, shares: 3 });
    const synced = await syncMetrics(p.t.runtime);
    expect(synced).toMatchObject({ channelsFailed: 0 });
    const metrics = await p.api('GET', `/posts/${textPost.postId}/metrics`);
    expect(metrics.body.items[0].latest).toMatchObject({ impressions: 900, reach: 900, likes: 12, comments: 4, shares: 3, saves: null });
  });
});
