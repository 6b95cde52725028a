import type { Credentials } from '../../src/integrations/social/provider.js';
import { FakeLinkedIn } from '../fakes/linkedin.js';
import { FakeMetaGraph, graphErrors } from '../fakes/meta-graph.js';
import { FakeTikTok } from '../fakes/tiktok.js';
import { FakeX } from '../fakes/x.js';

/**
 * One kit per platform for the pipeline tests: it starts the platform's contract fake and knows what
 * Herald needs to reach it (env), how the user consents, which accounts to choose, how to make the
 * platform fail in each way Herald must handle, what the platform ended up holding, and how to give
 * a post figures for the metrics job. The kits know the fakes; the tests know only Herald's API.
 */
export type KitPlatform = 'facebook' | 'instagram' | 'tiktok' | 'x' | 'linkedin';

/** A post as the platform holds it. */
export interface ReceivedPost {
  id: string;
  text: string;
  /** The kind of each image or video it carries, in order. */
  media: ('image' | 'video')[];
  author?: string;
}

/** Figures to give a post on the platform; each kit stores them in the platform's own fields. */
export interface Figures {
  views: number;
  likes: number;
  comments: number;
  shares: number;
}

export interface PlatformKit<F> {
  readonly platform: KitPlatform;
  readonly fake: F;
  /** What Herald's configuration needs for this platform: the app's credentials and the fake's URLs. */
  readonly env: Record<string, string>;
  /** The accounts the user chooses after consent, as the platform names them. */
  readonly pick: string[];
  /** The user's browser on the consent screen: follows the authorize URL to the redirect back to Herald. */
  consent(authorizeUrl: string): Promise<URL>;
  /** The access token Herald holds stops working; renewing it still succeeds. */
  expireAccess(credentials: Credentials): void;
  /** The access token stops working and renewing it is refused: only a new consent helps. */
  revokeAccess(credentials: Credentials): void;
  /** The next renewal of a token meets a 5xx (the platform is down for a moment; the grant is fine). */
  failNextRenewalWith5xx(credentials: Credentials): void;
  /** The next publish call is throttled until `seconds` from now (the platform says when). */
  rateLimitNextPublish(seconds: number): void;
  /** The next publish call is refused for good; answers the platform's message. */
  rejectNextPublish(): string;
  /** The next publish call meets a 5xx. */
  failNextPublishWith5xx(): void;
  /** Everything the platform holds, published through Herald or not. */
  received(): ReceivedPost[];
  setMetrics(platformPostId: string, figures: Figures): void;
  close(): Promise<void>;
}

const callbackOf = (publicUrl: string, platform: KitPlatform) => `${publicUrl}/api/v1/oauth/${platform}/callback`;

/** Every fake answers consent with a 302 to the redirect URI; the browser follows it to Herald. */
async function followConsent(authorizeUrl: string): Promise<URL> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`consent answered ${res.status}: ${await res.text()}`);
  return new URL(location);
}

const imageOrVideo = (video: boolean): 'image' | 'video' => (video ? 'video' : 'image');

// ── X ─────────────────────────────────────────────────────────────────────────────────────────────

export async function xKit(publicUrl: string): Promise<PlatformKit<FakeX>> {
  const client = { clientId: 'herald-x-app', clientSecret: 'herald-x-secret', redirectUris: [callbackOf(publicUrl, 'x')] };
  const fake = await FakeX.start(client);
  // Videos finish processing at FINALIZE: no check_after_secs waits in the pipeline tests.
  fake.processing = { steps: ['succeeded'], checkAfterSecs: 0, failure: 'Unsupported video format' };
  return {
    platform: 'x',
    fake,
    env: { X_CLIENT_ID: client.clientId, X_CLIENT_SECRET: client.clientSecret, HERALD_X_AUTH_URL: fake.authorizeUrl, HERALD_X_API_URL: fake.url },
    pick: [fake.consentingUser],
    consent: followConsent,
    expireAccess: () => fake.expireAccessTokens(),
    revokeAccess: () => {
      fake.expireAccessTokens();
      fake.failNext('POST /2/oauth2/token', { kind: 'answer', status: 400, body: { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' } });
    },
    failNextRenewalWith5xx: () => fake.failNext('POST /2/oauth2/token', { kind: 'unavailable', status: 503 }),
    rateLimitNextPublish: (seconds) => fake.failNext('POST /2/tweets', { kind: 'rate_limited', resetAt: Math.ceil(Date.now() / 1000) + seconds }),
    rejectNextPublish: () => {
      const detail = 'You are not permitted to perform this action.';
      fake.failNext('POST /2/tweets', { kind: 'answer', status: 403, body: { title: 'Forbidden', type: 'about:blank', status: 403, detail } });
      return detail;
    },
    failNextPublishWith5xx: () => fake.failNext('POST /2/tweets', { kind: 'unavailable', status: 503 }),
    received: () =>
      [...fake.tweets.values()].map((t) => ({ id: t.id, text: t.sentText, author: t.authorId, media: t.mediaKeys.map((k) => imageOrVideo(k.startsWith('7_'))) })),
    setMetrics: (id, f) => {
      const tweet = fake.tweets.get(id)!;
      Object.assign(tweet.publicMetrics, { like_count: f.likes, reply_count: f.comments, retweet_count: f.shares, quote_count: 0, impression_count: f.views });
      Object.assign(tweet.nonPublicMetrics, { impression_count: f.views });
    },
    close: () => fake.close(),
  };
}

// ── Facebook Pages and Instagram (one Graph fake) ─────────────────────────────────────────────────

export const FACEBOOK_PAGE = { id: '101', name: 'Bakery' };
export const INSTAGRAM_ACCOUNT = { id: '17841400000000001', username: 'thecafe', name: 'The Cafe', pageId: '201' };

async function startGraph(publicUrl: string): Promise<{ fake: FakeMetaGraph; env: Record<string, string> }> {
  const app = { appId: 'herald-meta-app', appSecret: 'herald-meta-secret', redirectUris: [callbackOf(publicUrl, 'facebook'), callbackOf(publicUrl, 'instagram')] };
  const fake = await FakeMetaGraph.start(app);
  fake.addPage({ id: FACEBOOK_PAGE.id, name: FACEBOOK_PAGE.name });
  fake.addPage({ id: '102', name: 'Read-only page', tasks: ['ANALYZE'] });
  fake.addPage({ id: INSTAGRAM_ACCOUNT.pageId, name: 'Cafe page', ig: { id: INSTAGRAM_ACCOUNT.id, username: INSTAGRAM_ACCOUNT.username, name: INSTAGRAM_ACCOUNT.name } });
  // Containers are ready at their first status read: no polling waits in the pipeline tests.
  fake.processingPolls = { image: 0, video: 0, carousel: 0 };
  const env = {
    FACEBOOK_APP_ID: app.appId,
    FACEBOOK_APP_SECRET: app.appSecret,
    HERALD_FACEBOOK_DIALOG_URL: fake.url,
    HERALD_FACEBOOK_GRAPH_URL: fake.url,
    HERALD_FACEBOOK_GRAPH_VERSION: 'v25.0',
  };
  return { fake, env };
}

/** Page tokens never expire by themselves: a password change invalidates them, and the user token renews them. */
function graphAccess(fake: FakeMetaGraph) {
  return {
    expireAccess: (c: Credentials) => void fake.rotatePageToken(String(c.extra?.pageId)),
    revokeAccess: (c: Credentials) => {
      fake.rotatePageToken(String(c.extra?.pageId));
      fake.expireToken(c.refreshToken!);
    },
    // Renewing reads the page's token with the user token.
    failNextRenewalWith5xx: (c: Credentials) => fake.failNext({ method: 'GET', path: String(c.extra?.pageId) }, graphErrors.service()),
  };
}

export async function facebookKit(publicUrl: string): Promise<PlatformKit<FakeMetaGraph>> {
  const { fake, env } = await startGraph(publicUrl);
  const feed = { method: 'POST', path: `${FACEBOOK_PAGE.id}/feed` };
  return {
    platform: 'facebook',
    fake,
    env,
    pick: [FACEBOOK_PAGE.id],
    consent: followConsent,
    ...graphAccess(fake),
    rateLimitNextPublish: (seconds) => fake.failNext(feed, graphErrors.tooManyRequests(seconds)),
    rejectNextPublish: () => {
      const spec = graphErrors.policyBlock();
      fake.failNext(feed, spec);
      return spec.error!.message;
    },
    failNextPublishWith5xx: () => fake.failNext(feed, graphErrors.service()),
    received: () => [
      ...[...fake.posts.values()].filter((p) => !p.deleted).map((p) => ({ id: p.id, text: p.message ?? '', author: p.pageId, media: p.photoIds.map(() => 'image' as const) })),
      ...[...fake.videos.values()].filter((v) => !v.deleted).map((v) => ({ id: v.id, text: v.description ?? '', author: v.pageId, media: ['video' as const] })),
    ],
    setMetrics: (id, f) => {
      fake.insights.set(id, { post_media_view: f.views, post_total_media_view_unique: f.views, post_clicks: 0 });
      fake.engagement.set(id, { reactions: f.likes, comments: f.comments, shares: f.shares });
    },
    close: () => fake.close(),
  };
}

export async function instagramKit(publicUrl: string): Promise<PlatformKit<FakeMetaGraph>> {
  const { fake, env } = await startGraph(publicUrl);
  const containers = { method: 'POST', path: `${INSTAGRAM_ACCOUNT.id}/media` };
  const kindOf = (type: string) => imageOrVideo(type !== 'IMAGE');
  return {
    platform: 'instagram',
    fake,
    env,
    pick: [INSTAGRAM_ACCOUNT.id],
    consent: followConsent,
    ...graphAccess(fake),
    rateLimitNextPublish: (seconds) => fake.failNext(containers, graphErrors.tooManyRequests(seconds)),
    rejectNextPublish: () => {
      const spec = graphErrors.igSpam();
      fake.failNext({ method: 'POST', path: `${INSTAGRAM_ACCOUNT.id}/media_publish` }, spec);
      return spec.error!.message;
    },
    failNextPublishWith5xx: () => fake.failNext(containers, graphErrors.service()),
    received: () =>
      [...fake.media.values()]
        .filter((m) => !m.deleted)
        .map((m) => ({
          id: m.id,
          text: m.caption ?? '',
          author: m.igId,
          media: m.mediaType === 'CAROUSEL_ALBUM' ? m.children.map((c) => kindOf(fake.containers.get(c)!.mediaType)) : [kindOf(m.mediaType)],
        })),
    setMetrics: (id, f) => fake.insights.set(id, { views: f.views, reach: f.views, likes: f.likes, comments: f.comments, shares: f.shares, saved: 0 }),
    close: () => fake.close(),
  };
}

// ── TikTok ────────────────────────────────────────────────────────────────────────────────────────

export async function tiktokKit(publicUrl: string): Promise<PlatformKit<FakeTikTok>> {
  const client = { clientKey: 'herald-tiktok-key', clientSecret: 'herald-tiktok-secret', redirectUris: [callbackOf(publicUrl, 'tiktok')] };
  const fake = await FakeTikTok.start(client);
  // TikTok pulls photos from Herald's signed media URLs, a prefix verified in the developer portal.
  fake.verifiedUrlPrefixes = [`${publicUrl}/api/v1/media/file/`];
  // Done at the first status poll once TikTok holds every byte: no 5 s poll waits for uploads.
  fake.processingPolls = 0;
  const init = 'video_init' as const;
  return {
    platform: 'tiktok',
    fake,
    env: { TIKTOK_CLIENT_KEY: client.clientKey, TIKTOK_CLIENT_SECRET: client.clientSecret, HERALD_TIKTOK_AUTH_URL: fake.authUrl, HERALD_TIKTOK_API_URL: fake.baseUrl },
    pick: [fake.creator.openId],
    consent: followConsent,
    expireAccess: () => fake.expireAccessTokens(),
    revokeAccess: () => {
      fake.expireAccessTokens();
      fake.failNext('token', { status: 400, code: 'invalid_grant', message: 'Refresh token is invalid or expired.' });
    },
    failNextRenewalWith5xx: () => fake.failNext('token', { status: 503, code: 'temporarily_unavailable', message: 'Service is temporarily unavailable.' }),
    rateLimitNextPublish: (seconds) =>
      fake.failNext(init, { status: 429, code: 'rate_limit_exceeded', message: 'The API rate limit was exceeded. Please try again later.', headers: { 'retry-after': String(seconds) } }),
    rejectNextPublish: () => {
      const message = 'The user is banned from making new posts.';
      fake.failNext(init, { status: 403, code: 'spam_risk_user_banned_from_posting', message });
      return message;
    },
    failNextPublishWith5xx: () => fake.failNext(init, { status: 500, code: 'internal_error', message: 'Something went wrong. Please try again later.' }),
    received: () =>
      fake.posts.map((p) => {
        const session = [...fake.sessions.values()].find((s) => s.post?.id === p.id);
        const media = p.kind === 'video' ? ['video' as const] : (session?.mediaUrls ?? []).map(() => 'image' as const);
        return { id: p.id, text: p.kind === 'video' ? p.title : p.description, author: p.openId, media };
      }),
    setMetrics: (id, f) => {
      const post = fake.posts.find((p) => p.id === id)!;
      Object.assign(post, { viewCount: f.views, likeCount: f.likes, commentCount: f.comments, shareCount: f.shares });
    },
    close: () => fake.close(),
  };
}

// ── LinkedIn ──────────────────────────────────────────────────────────────────────────────────────

export const LINKEDIN_ORG = { id: '2414183', name: 'Acme Corp', vanityName: 'acme' };

export async function linkedinKit(publicUrl: string): Promise<PlatformKit<FakeLinkedIn>> {
  const client = { clientId: 'herald-linkedin-app', clientSecret: 'herald-linkedin-secret', redirectUris: [callbackOf(publicUrl, 'linkedin')] };
  const fake = await FakeLinkedIn.start(client);
  fake.addOrganization(LINKEDIN_ORG, true);
  fake.addOrganization({ id: '999', name: 'Not Mine Ltd', vanityName: 'notmine' }, false);
  // A video is AVAILABLE at its first status read: no 3 s poll waits.
  fake.videoProcessingPolls = 0;
  const mediaOf = (content: unknown): ('image' | 'video')[] => {
    const c = content as { media?: { id: string }; multiImage?: { images: unknown[] } } | undefined;
    if (c?.media) return [imageOrVideo(c.media.id.startsWith('urn:li:video:'))];
    return (c?.multiImage?.images ?? []).map(() => 'image' as const);
  };
  return {
    platform: 'linkedin',
    fake,
    env: { LINKEDIN_CLIENT_ID: client.clientId, LINKEDIN_CLIENT_SECRET: client.clientSecret, HERALD_LINKEDIN_AUTH_URL: fake.oauthUrl, HERALD_LINKEDIN_API_URL: fake.baseUrl },
    pick: [`urn:li:person:${fake.member.sub}`, `urn:li:organization:${LINKEDIN_ORG.id}`],
    consent: followConsent,
    expireAccess: (c) => fake.expireToken(c.accessToken),
    revokeAccess: (c) => {
      fake.revokeToken(c.accessToken);
      fake.failNext('token', { status: 400, body: { error: 'invalid_request', error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked.' } });
    },
    failNextRenewalWith5xx: () => fake.failNext('token', { status: 503, body: { status: 503, message: 'Service Unavailable' } }),
    rateLimitNextPublish: (seconds) =>
      fake.failNext('posts.create', { status: 429, body: { status: 429, message: 'Too many requests' }, headers: { 'retry-after': String(seconds) } }),
    rejectNextPublish: () => {
      const message = 'Not enough permissions to access: partnerApiPostsExternal.CREATE';
      fake.failNext('posts.create', { status: 403, body: { status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED', message } });
      return message;
    },
    failNextPublishWith5xx: () => fake.failNext('posts.create', { status: 503, body: { status: 503, message: 'Service Unavailable' } }),
    received: () => fake.livePosts().map((p) => ({ id: p.urn, text: p.shown, author: p.author, media: mediaOf(p.body.content) })),
    setMetrics: (id, f) => fake.setStats(id, { impressionCount: f.views, uniqueImpressionsCount: f.views, likeCount: f.likes, commentCount: f.comments, shareCount: f.shares, clickCount: 0 }),
    close: () => fake.close(),
  };
}
