import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { AuthExpiredError, RateLimitedError, RejectedError, TransientError, UnknownOutcomeError } from '../src/integrations/social/errors.js';
import { newPkce } from '../src/integrations/social/oauth.js';
import { INSTAGRAM_SCOPES, InstagramProvider } from '../src/integrations/social/instagram/instagram.provider.js';
import type { Credentials, MediaItem } from '../src/integrations/social/provider.js';
import { FakeMetaGraph, graphErrors, serveMedia } from './fakes/meta-graph.js';
import { jpeg, png, video } from './media-fixtures.js';
import { abortWhen, quietCount } from './helpers/abort.js';

const REDIRECT = 'https://herald.example/api/v1/oauth/instagram/callback';
const IG = '17841400000000001';
let fake: FakeMetaGraph;
let media: Awaited<ReturnType<typeof serveMedia>>;
let provider: InstagramProvider;
let config: ReturnType<typeof loadConfig>['social']['instagram'];
let user: Credentials;
let account: { externalId: string; credentials: Credentials };
const sleeps: number[] = [];
const polling = { intervalMs: 10, maxIntervalMs: 40, maxWaitMs: 2_000, sleep: (ms: number) => (sleeps.push(ms), new Promise<void>((r) => setTimeout(r, 1))) };

function item(name: string, kind: 'image' | 'video', mime: string, altText?: string): MediaItem {
  return { kind, mime, sizeBytes: 1000, url: media.url(name), altText, open: () => Promise.reject(new Error('Instagram fetches media from its URL: Herald never uploads the bytes')) };
}
const photo = (altText?: string) => item('a.jpg', 'image', 'image/jpeg', altText);
const reel = () => item('clip.mp4', 'video', 'video/mp4');

async function connect(): Promise<Credentials> {
  const pkce = newPkce();
  const res = await fetch(provider.oauth.authorizeUrl('st', pkce, REDIRECT), { redirect: 'manual' });
  const back = new URL(res.headers.get('location')!);
  return provider.oauth.exchangeCode(back.searchParams.get('code')!, pkce, REDIRECT);
}

beforeAll(async () => {
  fake = await FakeMetaGraph.start({ appId: 'app-1', appSecret: 'app-secret', redirectUris: [REDIRECT] });
  media = await serveMedia({
    'a.jpg': { type: 'image/jpeg', body: await jpeg(1080, 1080) },
    'b.png': { type: 'image/png', body: await png(1080, 1080) },
    'clip.mp4': { type: 'video/mp4', body: video({ width: 1080, height: 1920 }) },
    'broken.mp4': { type: 'video/mp4', body: Buffer.from('this is not an mp4 file at all') },
  });
  config = loadConfig({
    FACEBOOK_APP_ID: 'app-1',
    FACEBOOK_APP_SECRET: 'app-secret',
    HERALD_FACEBOOK_DIALOG_URL: fake.url,
    HERALD_FACEBOOK_GRAPH_URL: fake.url,
    HERALD_FACEBOOK_GRAPH_VERSION: 'v26.0',
    HTTP_TIMEOUT_MS: '2000',
  }).social.instagram;
  provider = new InstagramProvider(config, { polling });
  fake.addPage({ id: '201', name: 'Cafe page', ig: { id: IG, username: 'thecafe', name: 'The Cafe', pictureUrl: 'https://cdn.example/cafe.jpg' } });
  fake.addPage({ id: '202', name: 'Page without Instagram' });
  user = await connect();
  const targets = await provider.oauth.listTargets(user);
  account = { externalId: targets[0]!.externalId, credentials: targets[0]!.credentials! };
});

afterAll(async () => {
  await fake.close();
  await media.close();
});

beforeEach(() => {
  fake.requests.length = 0;
  sleeps.length = 0;
  // Generous by default; the quota tests set it to what is already used.
  fake.quota = { total: 1000, durationSeconds: 86_400 };
  fake.processingPolls = { image: 1, video: 2, carousel: 1 };
});

describe('connecting Instagram through Facebook Login', () => {
  it('stops at once when Herald abandons the call while a container processes, and publishes nothing', async () => {
    // Real waits of a minute between polls: only the abort can end them within the test's time.
    const slow = new InstagramProvider(config, { polling: { intervalMs: 60_000, maxIntervalMs: 60_000, maxWaitMs: 240_000 } });
    fake.processingPolls.video = 1000;
    const reads = () => fake.requests.filter((r) => r.method === 'GET' && r.params.fields === 'status_code,status').length;
    const before = reads();
    const controller = abortWhen(() => reads() > before);
    const err = await slow.publish(account, { text: 'abandoned reel', media: [reel()] }, 'i-abort', { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    const sent = fake.requests.length;
    expect(await quietCount(() => fake.requests.length)).toBe(sent);
    expect(fake.requestsTo('POST', `${IG}/media_publish`)).toHaveLength(0);
    fake.processingPolls.video = 2;
  });

  it('asks for the Instagram publishing scopes on the versioned dialog', () => {
    const url = new URL(provider.oauth.authorizeUrl('s-9', newPkce(), REDIRECT));
    expect(url.pathname).toBe('/v26.0/dialog/oauth');
    expect(url.searchParams.get('scope')).toBe(INSTAGRAM_SCOPES.join(','));
    expect(url.searchParams.get('state')).toBe('s-9');
  });

  it("lists each page's linked professional account with the page token", async () => {
    const targets = await provider.oauth.listTargets(user);
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({ externalId: IG, name: 'The Cafe', username: 'thecafe', avatarUrl: 'https://cdn.example/cafe.jpg', kind: 'business' });
    expect(targets[0]!.credentials).toMatchObject({ accessToken: fake.pages.get('201')!.token, expiresAt: null, extra: { pageId: '201', igUserId: IG, userId: 'u-1' } });
    expect(fake.requestsTo('GET', 'me/accounts')[0]!.params.fields).toContain('instagram_business_account{id,username,name,profile_picture_url}');
  });

  it('finds no accounts when instagram_basic was declined', async () => {
    fake.declineNext(['instagram_basic']);
    const limited = await connect();
    await expect(provider.oauth.listTargets(limited)).resolves.toEqual([]);
    await connect(); // grant everything again for the other tests
  });

  it('refreshes the page token an Instagram channel uses', async () => {
    const fresh = fake.rotatePageToken('201');
    const refreshed = await provider.oauth.refresh(account.credentials);
    expect(refreshed.accessToken).toBe(fresh);
    account = { externalId: IG, credentials: refreshed };
  });
});

describe('publishing', () => {
  it('publishes one image: container → status FINISHED → media_publish → permalink', async () => {
    const out = await provider.publish(account, { text: 'Latte art #coffee', media: [photo('A latte')] }, 'i-1');
    const create = fake.requestsTo('POST', `${IG}/media`);
    expect(create).toHaveLength(1);
    expect(create[0]!.params).toMatchObject({ image_url: media.url('a.jpg'), caption: 'Latte art #coffee', alt_text: 'A latte' });
    const containerId = [...fake.containers.values()].at(-1)!.id;
    expect(fake.requestsTo('GET', containerId).map((r) => r.params.fields)).toEqual(['status_code,status', 'status_code,status']);
    expect(fake.requestsTo('POST', `${IG}/media_publish`)[0]!.params.creation_id).toBe(containerId);
    const published = fake.media.get(out.platformPostId)!;
    expect(published).toMatchObject({ mediaType: 'IMAGE', caption: 'Latte art #coffee' });
    expect(out.permalink).toBe(published.permalink);
    expect(sleeps).toEqual([10]);
  });

  it('publishes one video as a reel and waits while it processes', async () => {
    fake.processingPolls.video = 3;
    const out = await provider.publish(account, { text: 'Behind the bar', media: [reel()] }, 'i-2');
    expect(fake.requestsTo('POST', `${IG}/media`)[0]!.params).toMatchObject({ media_type: 'REELS', video_url: media.url('clip.mp4'), share_to_feed: 'true' });
    expect(fake.media.get(out.platformPostId)!.mediaType).toBe('VIDEO');
    // The wait grows: 10, 15, 22.
    expect(sleeps).toEqual([10, 15, 23]);
  });

  it('publishes a carousel of images and a video', async () => {
    const out = await provider.publish(account, { text: 'Our week', media: [photo(), reel(), photo()] }, 'i-3');
    const creates = fake.requestsTo('POST', `${IG}/media`);
    expect(creates).toHaveLength(4);
    expect(creates.slice(0, 3).map((c) => [c.params.is_carousel_item, c.params.media_type, c.params.caption])).toEqual([
      ['true', undefined, undefined],
      ['true', 'VIDEO', undefined],
      ['true', undefined, undefined],
    ]);
    const parent = creates[3]!.params;
    expect(parent).toMatchObject({ media_type: 'CAROUSEL', caption: 'Our week' });
    const published = fake.media.get(out.platformPostId)!;
    expect(published.mediaType).toBe('CAROUSEL_ALBUM');
    expect(published.children).toEqual(parent.children!.split(','));
  });

  it('refuses text-only posts without calling Instagram', async () => {
    await expect(provider.publish(account, { text: 'just words', media: [] }, 'i-4')).rejects.toBeInstanceOf(RejectedError);
    expect(fake.requests).toHaveLength(0);
  });

  it("passes on Instagram's verdict on media it cannot use", async () => {
    await expect(provider.publish(account, { text: 'png', media: [item('b.png', 'image', 'image/png')] }, 'i-5')).rejects.toMatchObject({ constructor: RejectedError, platformCode: '9004/2207005' });
    await expect(provider.publish(account, { text: 'gone', media: [item('missing.jpg', 'image', 'image/jpeg')] }, 'i-6')).rejects.toMatchObject({ constructor: RejectedError, platformCode: '9004/2207052' });
    const before = fake.media.size;
    await expect(provider.publish(account, { text: 'bad video', media: [item('broken.mp4', 'video', 'video/mp4')] }, 'i-7')).rejects.toMatchObject({
      constructor: RejectedError,
      message: expect.stringContaining('2207026'),
    });
    expect(fake.media.size).toBe(before);
    expect(fake.requestsTo('POST', `${IG}/media_publish`)).toHaveLength(0);
  });

  it('treats retryable container errors, expiry and slow processing as transient', async () => {
    fake.nextContainer({ status: 'ERROR', text: 'Error: Media upload has failed with error code 2207001' });
    await expect(provider.publish(account, { text: 'e1', media: [photo()] }, 'i-8')).rejects.toBeInstanceOf(TransientError);
    fake.nextContainer({ status: 'EXPIRED' });
    await expect(provider.publish(account, { text: 'e2', media: [photo()] }, 'i-9')).rejects.toMatchObject({ constructor: TransientError, platformCode: 'container_expired' });
    fake.processingPolls.video = 1000;
    await expect(new InstagramProvider(config, { polling: { ...polling, maxWaitMs: 50 } }).publish(account, { text: 'slow', media: [reel()] }, 'i-10')).rejects.toMatchObject({
      constructor: TransientError,
      platformCode: 'container_in_progress',
    });
    expect(fake.requestsTo('POST', `${IG}/media_publish`)).toHaveLength(0);
  });
});

describe('the content publishing limit', () => {
  it('checks the quota first and waits until the moving window frees a slot', async () => {
    fake.quota = { total: 60, durationSeconds: 86_400 };
    const used = fake.quotaUsage(IG);
    fake.seedIgMedia(IG, 60 - used, 3600);
    const err = await provider.publish(account, { text: 'over quota', media: [photo()] }, 'i-11').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    const oldest = Math.min(...[...fake.media.values()].filter((m) => m.igId === IG).map((m) => m.createdAt));
    // Graph timestamps have whole seconds.
    expect((err as RateLimitedError).retryAt.getTime()).toBe(Math.floor(oldest / 1000) * 1000 + 86_400_000 + 60_000);
    expect((err as RateLimitedError).message).toContain('60 of 60');
    expect(fake.requestsTo('POST', `${IG}/media`)).toHaveLength(0);
  });

  it('maps media_publish error 9/2207042 to the same wait when the quota could not be read first', async () => {
    fake.quota = { total: fake.quotaUsage(IG), durationSeconds: 86_400 };
    fake.failNext({ method: 'GET', path: `${IG}/content_publishing_limit` }, graphErrors.unknown());
    const err = await provider.publish(account, { text: 'limit at publish', media: [photo()] }, 'i-12').catch((e: unknown) => e);
    expect(err).toMatchObject({ constructor: RateLimitedError, platformCode: '9/2207042' });
    expect((err as RateLimitedError).retryAt.getTime()).toBeGreaterThan(Date.now() + 20 * 3600_000);
  });
});

describe('Graph errors on Instagram', () => {
  it('maps token, throttling, spam, outage and lost-answer errors', async () => {
    const attempt = () => provider.publish(account, { text: 'errs', media: [photo()] }, 'i-e').catch((e: unknown) => e);
    fake.failNext({ method: 'POST', path: `${IG}/media` }, graphErrors.expiredToken());
    expect(await attempt()).toBeInstanceOf(AuthExpiredError);
    fake.failNext({ method: 'POST', path: `${IG}/media` }, graphErrors.bucRateLimit(80002, 5));
    const started = Date.now();
    const limited = (await attempt()) as RateLimitedError;
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited.retryAt.getTime()).toBeGreaterThanOrEqual(started + 5 * 60_000 - 50);
    expect(limited.retryAt.getTime()).toBeLessThan(started + 5 * 60_000 + 5000);
    fake.failNext({ method: 'POST', path: `${IG}/media_publish` }, graphErrors.igSpam());
    expect(await attempt()).toMatchObject({ constructor: RejectedError, platformCode: '4/2207051' });
    fake.failNext({ method: 'POST', path: `${IG}/media_publish` }, graphErrors.rejected('Instagram server error. Try again.', -1, 2207001));
    expect(await attempt()).toBeInstanceOf(TransientError);
    fake.failNext({ method: 'POST', path: `${IG}/media` }, graphErrors.dropped());
    expect(await attempt()).toBeInstanceOf(TransientError);
    fake.failNext({ method: 'POST', path: `${IG}/media_publish` }, graphErrors.dropped());
    expect(await attempt()).toBeInstanceOf(UnknownOutcomeError);
  });

  it('a failed permalink read after media_publish does not fail the publish', async () => {
    fake.failNext({ method: 'GET', path: /^1790\d+$/ }, graphErrors.service());
    const out = await provider.publish(account, { text: 'no link', media: [photo()] }, 'i-13');
    expect(out.permalink).toBeNull();
    expect(fake.media.get(out.platformPostId)).toBeDefined();
  });
});

describe('finding, deleting and measuring media', () => {
  it('finds a post by caption and shape', async () => {
    const since = new Date(Date.now() - 1000);
    const out = await provider.publish(account, { text: 'Find this carousel', media: [photo(), photo()] }, 'i-f');
    await expect(provider.findPublished(account, 'i-f', since)).resolves.toMatchObject({ platformPostId: out.platformPostId, permalink: fake.media.get(out.platformPostId)!.permalink });
    const restarted = new InstagramProvider(config, { polling });
    await expect(restarted.findPublished(account, 'i-f', since)).rejects.toBeInstanceOf(UnknownOutcomeError);
    await expect(restarted.findPublished(account, 'i-f', since, { text: 'Find this carousel', media: [{ kind: 'image' }, { kind: 'image' }] })).resolves.toMatchObject({ platformPostId: out.platformPostId });
    await expect(restarted.findPublished(account, 'i-f', since, { text: 'Find this carousel' })).resolves.toMatchObject({ platformPostId: out.platformPostId });
    await expect(restarted.findPublished(account, 'i-f', since, { text: 'Find this carousel', media: [{ kind: 'image' }] })).resolves.toBeNull();
    await expect(restarted.findPublished(account, 'i-f', since, { text: 'Find this', media: [{ kind: 'image' }, { kind: 'image' }] })).resolves.toBeNull();
  });

  it('says Instagram would not delete, and deletes where the platform allows it', async () => {
    const out = await provider.publish(account, { text: 'delete me', media: [photo()] }, 'i-d');
    await expect(provider.delete(account, out.platformPostId)).rejects.toMatchObject({ constructor: RejectedError, message: expect.stringContaining('delete it in the Instagram app') });
    fake.igDeleteEnabled = true;
    await provider.delete(account, out.platformPostId);
    expect(fake.media.get(out.platformPostId)!.deleted).toBe(true);
    fake.igDeleteEnabled = false;
  });

  it('reads media insights, falls back to counts when insights are refused', async () => {
    const a = await provider.publish(account, { text: 'measure a', media: [photo()] }, 'i-m1');
    const b = await provider.publish(account, { text: 'measure b', media: [reel()] }, 'i-m2');
    fake.insights.set(a.platformPostId, { reach: 300, views: 450, likes: 40, comments: 5, shares: 2, saved: 9 });
    fake.engagement.set(b.platformPostId, { reactions: 17, comments: 3, shares: 0 });
    fake.insightsRefused.add(b.platformPostId);
    const [ma, mb, gone] = await provider.metrics(account, [a.platformPostId, b.platformPostId, '17900000']);
    expect(ma).toEqual({ platformPostId: a.platformPostId, impressions: 450, reach: 300, likes: 40, comments: 5, shares: 2, saves: 9, clicks: null, videoViews: null });
    expect(mb).toMatchObject({ platformPostId: b.platformPostId, likes: 17, comments: 3, reach: null, videoViews: null });
    expect(gone).toMatchObject({ platformPostId: '17900000', likes: null });
    expect(fake.requestsTo('GET', `${a.platformPostId}/insights`)[0]!.params.metric).toBe('reach,views,likes,comments,shares,saved');
  });
});
