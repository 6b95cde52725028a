import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { AuthExpiredError, RateLimitedError, RejectedError, TransientError, UnknownOutcomeError } from '../src/integrations/social/errors.js';
import { FACEBOOK_SCOPES, FacebookProvider } from '../src/integrations/social/facebook/facebook.provider.js';
import { newPkce } from '../src/integrations/social/oauth.js';
import type { Credentials, MediaItem } from '../src/integrations/social/provider.js';
import { FakeMetaGraph, graphErrors, serveMedia, type GraphErrorSpec } from './fakes/meta-graph.js';
import { jpeg, png, video } from './media-fixtures.js';

const REDIRECT = 'https://herald.example/api/v1/oauth/facebook/callback';
let fake: FakeMetaGraph;
let media: Awaited<ReturnType<typeof serveMedia>>;
let provider: FacebookProvider;
let config: ReturnType<typeof loadConfig>['social']['facebook'];
let user: Credentials;
let page: { externalId: string; credentials: Credentials };

function item(name: string, kind: 'image' | 'video', mime: string, altText?: string): MediaItem {
  return { kind, mime, sizeBytes: 1000, url: media.url(name), altText, open: () => Promise.reject(new Error('Facebook fetches media from its URL: Herald never uploads the bytes')) };
}

/** Consent in the fake dialog, as a browser would: follow the authorize URL to its redirect. */
async function consent(url: string): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

async function connect(p: FacebookProvider = provider): Promise<Credentials> {
  const pkce = newPkce();
  const back = await consent(p.oauth.authorizeUrl('state-123', pkce, REDIRECT));
  return p.oauth.exchangeCode(back.searchParams.get('code')!, pkce, REDIRECT);
}

beforeAll(async () => {
  fake = await FakeMetaGraph.start({ appId: 'app-1', appSecret: 'app-secret', redirectUris: [REDIRECT] });
  media = await serveMedia({
    'a.jpg': { type: 'image/jpeg', body: await jpeg(800, 600) },
    'b.png': { type: 'image/png', body: await png(640, 640) },
    'clip.mp4': { type: 'video/mp4', body: video() },
    'fake.mp4': { type: 'video/mp4', body: Buffer.from('not a video at all, just text') },
  });
  config = loadConfig({
    FACEBOOK_APP_ID: 'app-1',
    FACEBOOK_APP_SECRET: 'app-secret',
    HERALD_FACEBOOK_DIALOG_URL: fake.url,
    HERALD_FACEBOOK_GRAPH_URL: fake.url,
    HERALD_FACEBOOK_GRAPH_VERSION: 'v25.0',
    HTTP_TIMEOUT_MS: '2000',
  }).social.facebook;
  provider = new FacebookProvider(config);
  fake.addPage({ id: '101', name: 'Bakery' });
  fake.addPage({ id: '102', name: 'Read-only page', tasks: ['ANALYZE'] });
  fake.addPage({ id: '103', name: 'Someone else', managers: ['u-2'] });
  user = await connect();
  const targets = await provider.oauth.listTargets(user);
  page = { externalId: targets[0]!.externalId, credentials: targets[0]!.credentials! };
});

afterAll(async () => {
  await fake.close();
  await media.close();
});

beforeEach(() => {
  fake.requests.length = 0;
});

describe('Facebook Login', () => {
  it('builds the dialog URL with state and comma-separated scopes', () => {
    const url = new URL(provider.oauth.authorizeUrl('s-1', newPkce(), REDIRECT));
    expect(url.origin + url.pathname).toBe(`${fake.url}/v25.0/dialog/oauth`);
    expect(url.searchParams.get('client_id')).toBe('app-1');
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(url.searchParams.get('state')).toBe('s-1');
    expect(url.searchParams.get('scope')).toBe(FACEBOOK_SCOPES.join(','));
  });

  it('exchanges the code for a long-lived user token and records what was granted', async () => {
    fake.declineNext(['read_insights']);
    const back = await consent(provider.oauth.authorizeUrl('state-xyz', newPkce(), REDIRECT));
    expect(back.searchParams.get('state')).toBe('state-xyz');
    const creds = await provider.oauth.exchangeCode(back.searchParams.get('code')!, newPkce(), REDIRECT);
    const tokenCalls = fake.requestsTo('GET', 'oauth/access_token');
    expect(tokenCalls).toHaveLength(2);
    expect(tokenCalls[0]!.params).toMatchObject({ client_id: 'app-1', client_secret: 'app-secret', redirect_uri: REDIRECT });
    expect(tokenCalls[1]!.params).toMatchObject({ grant_type: 'fb_exchange_token' });
    // The long-lived token is the one kept, valid about 60 days.
    expect(fake.tokens.get(creds.accessToken)?.expiresAt).toBeGreaterThan(Date.now() + 59 * 86_400_000);
    expect(Date.parse(creds.expiresAt!)).toBeGreaterThan(Date.now() + 59 * 86_400_000);
    expect(creds.scopes).toContain('pages_manage_posts');
    expect(creds.scopes).not.toContain('read_insights');
    expect(creds.extra).toEqual({ userId: 'u-1' });
    // Graph calls carry the token in the header, never in the URL.
    for (const r of fake.requestsTo('GET', /^me/)) expect(r.tokenIn).toBe('header');
  });

  it('refuses a reused code and a different redirect_uri', async () => {
    const back = await consent(provider.oauth.authorizeUrl('s', newPkce(), REDIRECT));
    const code = back.searchParams.get('code')!;
    await expect(provider.oauth.exchangeCode(code, newPkce(), 'https://evil.example/cb')).rejects.toMatchObject({ constructor: RejectedError, platformCode: '100/36008' });
    await expect(provider.oauth.exchangeCode(code, newPkce(), REDIRECT)).rejects.toMatchObject({ constructor: RejectedError, platformCode: '100/36009' });
  });

  it('brings the user back with access_denied when consent is refused', async () => {
    fake.denyNext();
    const back = await consent(provider.oauth.authorizeUrl('s-2', newPkce(), REDIRECT));
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('s-2');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('lists the pages the user may post to, each with its page token', async () => {
    const targets = await provider.oauth.listTargets(user);
    expect(targets.map((t) => t.externalId)).toEqual(['101']);
    expect(targets[0]).toMatchObject({ name: 'Bakery', kind: 'page', avatarUrl: expect.stringContaining('page-101') });
    expect(targets[0]!.credentials).toMatchObject({ accessToken: fake.pages.get('101')!.token, expiresAt: null, refreshToken: user.accessToken, extra: { userId: 'u-1', pageId: '101' } });
  });

  it('refreshes a page token through the stored user token after it was invalidated', async () => {
    const old = page.credentials.accessToken;
    const fresh = fake.rotatePageToken('101');
    await expect(provider.publish({ externalId: '101', credentials: page.credentials }, { text: 'after a password change', media: [] }, 'k-r')).rejects.toMatchObject({
      constructor: AuthExpiredError,
      platformCode: '190/460',
    });
    const refreshed = await provider.oauth.refresh(page.credentials);
    expect(refreshed.accessToken).toBe(fresh);
    expect(refreshed.accessToken).not.toBe(old);
    page = { externalId: '101', credentials: refreshed };
    await expect(provider.publish(page, { text: 'after refresh', media: [] }, 'k-r2')).resolves.toMatchObject({ platformPostId: expect.stringMatching(/^101_/) });
  });

  it('refreshes a user token by exchanging it again, and reports an expired one', async () => {
    const other = await connect();
    const refreshed = await provider.oauth.refresh(other);
    expect(refreshed.accessToken).not.toBe(other.accessToken);
    expect(fake.requestsTo('GET', 'oauth/access_token').at(-1)!.params.grant_type).toBe('fb_exchange_token');
    fake.expireToken(refreshed.accessToken);
    await expect(provider.oauth.refresh(refreshed)).rejects.toBeInstanceOf(AuthExpiredError);
    await expect(provider.oauth.refresh({ ...page.credentials, refreshToken: refreshed.accessToken })).rejects.toMatchObject({ constructor: AuthExpiredError, platformCode: '190/463' });
  });
});

describe('publishing to a page', () => {
  it('posts text to /feed and returns the permalink', async () => {
    const out = await provider.publish(page, { text: 'Fresh bread at 7', media: [] }, 'k-1');
    const post = fake.posts.get(out.platformPostId)!;
    expect(post).toMatchObject({ pageId: '101', message: 'Fresh bread at 7', kind: 'status' });
    expect(out.permalink).toMatch(/^https:\/\/www\.facebook\.com\/101\/posts\//);
    expect(fake.requestsTo('POST', '101/feed')[0]!.contentType).toContain('application/x-www-form-urlencoded');
  });

  it('posts a single image directly through /photos with its caption', async () => {
    const out = await provider.publish(page, { text: 'One loaf', media: [item('a.jpg', 'image', 'image/jpeg', 'A loaf')] }, 'k-2');
    const upload = fake.requestsTo('POST', '101/photos')[0]!;
    expect(upload.params).toMatchObject({ url: media.url('a.jpg'), message: 'One loaf', published: 'true', alt_text_custom: 'A loaf' });
    expect(fake.posts.get(out.platformPostId)).toMatchObject({ kind: 'photo', message: 'One loaf' });
    expect(media.hits).toContain('a.jpg');
  });

  it('uploads several images unpublished, then attaches them to one /feed post', async () => {
    const out = await provider.publish(page, { text: 'Two loaves', media: [item('a.jpg', 'image', 'image/jpeg'), item('b.png', 'image', 'image/png')] }, 'k-3');
    const uploads = fake.requestsTo('POST', '101/photos');
    expect(uploads.map((u) => u.params.published)).toEqual(['false', 'false']);
    const post = fake.posts.get(out.platformPostId)!;
    expect(post.kind).toBe('album');
    expect(post.photoIds).toHaveLength(2);
    for (const id of post.photoIds) expect(fake.photos.get(id)).toMatchObject({ published: false, attachedTo: post.id });
  });

  it('posts a video through /videos with file_url', async () => {
    const out = await provider.publish(page, { text: 'Watch us bake', media: [item('clip.mp4', 'video', 'video/mp4')] }, 'k-4');
    expect(fake.videos.get(out.platformPostId)).toMatchObject({ pageId: '101', description: 'Watch us bake' });
    expect(out.permalink).toBe(`https://www.facebook.com/101/videos/${out.platformPostId}/`);
    expect(fake.requestsTo('POST', '101/videos')[0]!.params.file_url).toBe(media.url('clip.mp4'));
  });

  it('passes on what Facebook says about media it cannot fetch or read', async () => {
    await expect(provider.publish(page, { text: 'x', media: [item('gone.jpg', 'image', 'image/jpeg')] }, 'k-5')).rejects.toMatchObject({
      constructor: RejectedError,
      message: expect.stringContaining("couldn't be loaded"),
    });
    await expect(provider.publish(page, { text: 'y', media: [item('fake.mp4', 'video', 'video/mp4')] }, 'k-6')).rejects.toMatchObject({ constructor: RejectedError, platformCode: '352' });
  });

  it('rejects a duplicate status with the platform message', async () => {
    await provider.publish(page, { text: 'Same words twice', media: [] }, 'k-7');
    await expect(provider.publish(page, { text: 'Same words twice', media: [] }, 'k-8')).rejects.toMatchObject({
      constructor: RejectedError,
      platformCode: '506',
      message: 'Facebook: (#506) Duplicate status message',
    });
  });

  it('still succeeds when the permalink cannot be read after posting', async () => {
    fake.failNext({ method: 'GET', path: /^101_\d+$/ }, graphErrors.unknown());
    const out = await provider.publish(page, { text: 'permalink lookup fails', media: [] }, 'k-9');
    expect(out.permalink).toBe(`https://www.facebook.com/${out.platformPostId}`);
  });
});

describe('Graph errors become typed errors', () => {
  const cases: [string, () => GraphErrorSpec, (err: unknown, started: number) => void][] = [
    ['190 expired token', graphErrors.expiredToken, (e) => expect(e).toMatchObject({ constructor: AuthExpiredError, platformCode: '190/463' })],
    ['102 session', () => graphErrors.rejected('Session key invalid', 102), (e) => expect(e).toBeInstanceOf(AuthExpiredError)],
    ['32 page throttle with BUC header', () => graphErrors.pageRateLimit('101', 7), (e, t) => expectRetryAt(e, t + 7 * 60_000)],
    ['4 app throttle without a hint', graphErrors.appRateLimit, (e, t) => expectRetryAt(e, t + 15 * 60_000)],
    ['80001 BUC throttle', () => graphErrors.bucRateLimit(80001, 3), (e, t) => expectRetryAt(e, t + 3 * 60_000)],
    ['613 custom throttle', () => graphErrors.rejected('Calls to this api have exceeded the rate limit.', 613), (e) => expect(e).toBeInstanceOf(RateLimitedError)],
    ['17 user throttle', () => graphErrors.rejected('User request limit reached', 17), (e) => expect(e).toBeInstanceOf(RateLimitedError)],
    ['368/1390008 posting too fast', graphErrors.postingTooFast, (e, t) => expectRetryAt(e, t + 60 * 60_000)],
    ['429 with Retry-After', () => graphErrors.tooManyRequests(30), (e, t) => expectRetryAt(e, t + 30_000)],
    ['1 unknown (500)', graphErrors.unknown, (e) => expect(e).toMatchObject({ constructor: TransientError, platformCode: '1' })],
    ['2 service (503)', graphErrors.service, (e) => expect(e).toMatchObject({ constructor: TransientError, platformCode: '2' })],
    ['502 without a Graph body', graphErrors.gateway, (e) => expect(e).toMatchObject({ constructor: TransientError, platformCode: '502' })],
    ['100 invalid parameter', () => graphErrors.rejected('(#100) Invalid parameter'), (e) => expect(e).toMatchObject({ constructor: RejectedError, message: 'Facebook: (#100) Invalid parameter' })],
    ['200 permission', () => graphErrors.rejected('(#200) Requires pages_manage_posts permission', 200), (e) => expect(e).toBeInstanceOf(RejectedError)],
    ['368 policy block', graphErrors.policyBlock, (e) => expect(e).toMatchObject({ constructor: RejectedError, platformCode: '368' })],
    ['dropped connection on the post', graphErrors.dropped, (e) => expect(e).toBeInstanceOf(UnknownOutcomeError)],
  ];
  for (const [name, spec, check] of cases) {
    it(name, async () => {
      fake.failNext({ method: 'POST', path: '101/feed' }, spec());
      const started = Date.now();
      const err = await provider.publish(page, { text: `error case ${name}`, media: [] }, `k-${name}`).catch((e: unknown) => e);
      check(err, started);
      expect(fake.posts.size).toBeGreaterThan(0);
      expect([...fake.posts.values()].some((p) => p.message === `error case ${name}`)).toBe(false);
    });
  }

  it('a lost answer to an unpublished photo upload is only transient (nothing is visible)', async () => {
    fake.failNext({ method: 'POST', path: '101/photos' }, graphErrors.dropped());
    await expect(provider.publish(page, { text: 'two', media: [item('a.jpg', 'image', 'image/jpeg'), item('a.jpg', 'image', 'image/jpeg')] }, 'k-d')).rejects.toBeInstanceOf(TransientError);
  });
});

function expectRetryAt(err: unknown, expected: number): void {
  expect(err).toBeInstanceOf(RateLimitedError);
  const at = (err as RateLimitedError).retryAt.getTime();
  expect(at).toBeGreaterThanOrEqual(expected - 50);
  expect(at).toBeLessThan(expected + 5_000);
}

describe('finding, deleting and measuring posts', () => {
  it('finds a published post by its exact text, from memory or from the given content', async () => {
    const since = new Date(Date.now() - 1000);
    const out = await provider.publish(page, { text: '  Spelt loaf today\r\n', media: [] }, 'k-find');
    await expect(provider.findPublished(page, 'k-find', since)).resolves.toMatchObject({ platformPostId: out.platformPostId });
    const restarted = new FacebookProvider(config);
    await expect(restarted.findPublished(page, 'k-find', since)).rejects.toBeInstanceOf(UnknownOutcomeError);
    const found = await restarted.findPublished(page, 'k-find', since, { text: '  Spelt loaf today\r\n', media: [] });
    expect(found).toMatchObject({ platformPostId: out.platformPostId, permalink: expect.stringContaining('/101/posts/') });
    await expect(restarted.findPublished(page, 'k-x', since, { text: 'Spelt loaf', media: [] })).resolves.toBeNull();
    await expect(restarted.findPublished(page, 'k-find', new Date(Date.now() + 10 * 60_000), { text: '  Spelt loaf today\r\n', media: [] })).resolves.toBeNull();
    expect(fake.requestsTo('GET', '101/posts')[0]!.params.since).toMatch(/^\d+$/);
  });

  it('pages through many recent posts and finds a video among the page videos', async () => {
    const since = new Date(Date.now() - 1000);
    const target = await provider.publish(page, { text: 'needle', media: [] }, 'k-needle');
    for (let i = 0; i < 130; i++) {
      const id = `101_9${i}`;
      fake.posts.set(id, { id, pageId: '101', message: `filler ${i}`, createdAt: Date.now() + 1000 + i, kind: 'status', photoIds: [], deleted: false });
    }
    await expect(provider.findPublished(page, 'k-needle', since)).resolves.toMatchObject({ platformPostId: target.platformPostId });
    expect(fake.requestsTo('GET', '101/posts').length).toBeGreaterThanOrEqual(2);
    const clip = await provider.publish(page, { text: 'clip text', media: [item('clip.mp4', 'video', 'video/mp4')] }, 'k-clip');
    await expect(provider.findPublished(page, 'k-clip', since)).resolves.toMatchObject({ platformPostId: clip.platformPostId });
    // What the reconciler passes (the text alone): posts first, then videos.
    const restarted = new FacebookProvider(config);
    await expect(restarted.findPublished(page, 'k-clip', since, { text: 'clip text' })).resolves.toMatchObject({ platformPostId: clip.platformPostId });
    await expect(restarted.findPublished(page, 'k-none', since, { text: 'never posted' })).resolves.toBeNull();
    expect(fake.requestsTo('GET', '101/videos').at(-1)!.params.fields).toBe('id,description,created_time,permalink_url');
  });

  it('deletes a post; deleting it again is not an error', async () => {
    const out = await provider.publish(page, { text: 'to be removed', media: [] }, 'k-del');
    await provider.delete(page, out.platformPostId);
    expect(fake.posts.get(out.platformPostId)!.deleted).toBe(true);
    expect(fake.requestsTo('DELETE', out.platformPostId)).toHaveLength(1);
    await expect(provider.delete(page, out.platformPostId)).resolves.toBeUndefined();
    fake.failNext({ method: 'DELETE', path: /.*/ }, graphErrors.expiredToken());
    await expect(provider.delete(page, out.platformPostId)).rejects.toBeInstanceOf(AuthExpiredError);
  });

  it('reads post and video insights into PostMetrics', async () => {
    const post = await provider.publish(page, { text: 'measure me', media: [] }, 'k-m1');
    const clip = await provider.publish(page, { text: 'measure the clip', media: [item('clip.mp4', 'video', 'video/mp4')] }, 'k-m2');
    fake.insights.set(post.platformPostId, { post_media_view: 900, post_total_media_view_unique: 640, post_clicks: 31, post_reactions_by_type_total: { like: 10, love: 2 } });
    fake.engagement.set(post.platformPostId, { reactions: 12, comments: 4, shares: 3 });
    fake.insights.set(clip.platformPostId, { total_video_impressions: 500, total_video_impressions_unique: 420, total_video_views: 77 });
    const [p, v, gone] = await provider.metrics(page, [post.platformPostId, clip.platformPostId, '101_404']);
    expect(p).toEqual({ platformPostId: post.platformPostId, impressions: 900, reach: 640, likes: 12, comments: 4, shares: 3, saves: null, clicks: 31, videoViews: null });
    expect(v).toMatchObject({ platformPostId: clip.platformPostId, impressions: 500, reach: 420, videoViews: 77, likes: null });
    expect(gone).toMatchObject({ platformPostId: '101_404', impressions: null, likes: null });
    const call = fake.requestsTo('GET', `${post.platformPostId}/insights`)[0]!;
    expect(call.params.metric?.split(',')).toContain('post_total_media_view_unique');
  });

  it('stops the batch when the token has expired', async () => {
    fake.failNext({ method: 'GET', path: /\/insights$/ }, graphErrors.expiredToken());
    await expect(provider.metrics(page, ['101_1'])).rejects.toBeInstanceOf(AuthExpiredError);
  });
});
