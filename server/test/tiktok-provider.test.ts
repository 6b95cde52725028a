import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { AuthExpiredError, RateLimitedError, RejectedError, TransientError, UnknownOutcomeError } from '../src/integrations/social/errors.js';
import { newPkce } from '../src/integrations/social/oauth.js';
import type { Credentials, MediaItem, SocialProvider } from '../src/integrations/social/provider.js';
import { TikTokProvider } from '../src/integrations/social/tiktok/tiktok.provider.js';
import { planChunks } from '../src/integrations/social/tiktok/upload.js';
import { FakeTikTok } from './fakes/tiktok.js';
import { jpeg, png, video, webp } from './media-fixtures.js';
import { abortWhen, quietCount } from './helpers/abort.js';
import { openBytes } from './helpers/media-item.js';

const MB = 1024 * 1024;
const REDIRECT = 'https://herald.example/api/v1/connections/tiktok/callback/';
const CLIENT = { clientKey: 'awtiktokclientkey', clientSecret: 'tiktok-client-secret' };
const FAST = { pollIntervalMs: 5, publishWaitMs: 1500, postIdWaitMs: 150, chunkBytes: 5 * MB };

let fake: FakeTikTok;
let media: Server;
let mediaBase = '';
const files = new Map<string, { type: string; bytes: Buffer }>();

beforeAll(async () => {
  fake = await FakeTikTok.start({ ...CLIENT, redirectUris: [REDIRECT] });
  files.set('one.jpg', { type: 'image/jpeg', bytes: await jpeg(1080, 1350) });
  files.set('two.webp', { type: 'image/webp', bytes: await webp(1080, 1080) });
  files.set('three.jpg', { type: 'image/jpeg', bytes: await jpeg(720, 1280) });
  files.set('wrong.png', { type: 'image/png', bytes: await png(400, 400) });
  files.set('clip.mp4', { type: 'video/mp4', bytes: video({ durationSeconds: 14, moovFirst: true }) });
  files.set('long.mp4', { type: 'video/mp4', bytes: video({ durationSeconds: 12, mdatBytes: 11 * MB }) });
  media = createServer((req, res) => {
    const file = files.get((req.url ?? '').replace('/media/', ''));
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.bytes.length }).end(file.bytes);
  });
  await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
  mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await fake.close();
  await new Promise((resolve) => media.close(resolve));
});

afterEach(() => {
  // Each test starts from TikTok's usual behaviour.
  fake.grantedScopes = null;
  fake.processingPolls = 1;
  fake.moderationPolls = 0;
  fake.accessTokenSeconds = 86_400;
  fake.refreshTokenSeconds = 31_536_000;
  fake.verifiedUrlPrefixes = [`${mediaBase}/media/`];
  fake.creator = { ...fake.creator, privacyLevelOptions: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'], commentDisabled: false, duetDisabled: false, stitchDisabled: true, maxVideoPostDurationSec: 600 };
});

function provider(tuning: ConstructorParameters<typeof TikTokProvider>[1] = {}): TikTokProvider {
  const app = loadConfig({
    TIKTOK_CLIENT_KEY: CLIENT.clientKey,
    TIKTOK_CLIENT_SECRET: CLIENT.clientSecret,
    HERALD_TIKTOK_AUTH_URL: fake.authUrl,
    HERALD_TIKTOK_API_URL: fake.baseUrl,
    HTTP_TIMEOUT_MS: '3000',
  }).social.tiktok;
  return new TikTokProvider(app, { ...FAST, ...tuning });
}

function item(name: string, extra: Partial<MediaItem> = {}): MediaItem {
  const file = files.get(name);
  const bytes = file?.bytes ?? Buffer.alloc(0);
  const kind = file?.type.startsWith('video/') || name.endsWith('.mp4') ? 'video' : 'image';
  return { kind, mime: file?.type ?? 'image/jpeg', sizeBytes: bytes.length, url: `${mediaBase}/media/${name}`, open: openBytes(bytes), ...extra };
}

/** The whole consent: authorize URL → the fake's consent page → code → exchange. */
async function consent(p: TikTokProvider): Promise<Credentials> {
  const pkce = newPkce();
  const res = await fetch(p.oauth.authorizeUrl(`state-${Math.random()}`, pkce, REDIRECT), { redirect: 'manual' });
  const code = new URL(res.headers.get('location') ?? '').searchParams.get('code');
  if (!code) throw new Error(`consent failed: ${res.headers.get('location')}`);
  return p.oauth.exchangeCode(code, pkce, REDIRECT);
}

async function connect(p: TikTokProvider) {
  const credentials = await consent(p);
  const [target] = await p.oauth.listTargets(credentials);
  return { externalId: target!.externalId, credentials };
}

let keys = 0;
const key = () => `target-${++keys}-${Date.now()}`;
const bodiesOf = (endpoint: Parameters<FakeTikTok['calledTimes']>[0]) => fake.received.filter((r) => r.endpoint === endpoint).map((r) => r.body as Record<string, any>);
const lastBody = (endpoint: Parameters<FakeTikTok['calledTimes']>[0]) => bodiesOf(endpoint).at(-1)!;
const newestSession = () => [...fake.sessions.values()].at(-1)!;

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('TikTok OAuth', () => {
  it('builds the authorize URL, exchanges the code with PKCE and lists the profile', async () => {
    const p = provider();
    const pkce = newPkce();
    const url = new URL(p.oauth.authorizeUrl('csrf-123', pkce, REDIRECT));
    expect(url.origin + url.pathname).toBe(fake.authUrl);
    expect(url.searchParams.get('client_key')).toBe(CLIENT.clientKey);
    expect(url.searchParams.get('scope')).toBe('user.info.basic,video.publish,video.upload,video.list');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(url.searchParams.get('state')).toBe('csrf-123');
    // TikTok documents the challenge as the hex SHA-256 of the verifier (Login Kit for Desktop).
    expect(url.searchParams.get('code_challenge')).toBe(createHash('sha256').update(pkce.verifier).digest('hex'));
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');

    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('csrf-123');
    const before = Date.now();
    const creds = await p.oauth.exchangeCode(back.searchParams.get('code')!, pkce, REDIRECT);
    const form = lastBody('token');
    expect(fake.received.at(-1)!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(form).toMatchObject({ client_key: CLIENT.clientKey, client_secret: CLIENT.clientSecret, grant_type: 'authorization_code', redirect_uri: REDIRECT, code_verifier: pkce.verifier });
    expect(creds.accessToken).toMatch(/^act\./);
    expect(creds.refreshToken).toMatch(/^rft\./);
    expect(Date.parse(creds.expiresAt!) - before).toBeGreaterThanOrEqual(86_399_000);
    expect(Date.parse(creds.expiresAt!) - before).toBeLessThan(86_402_000);
    expect(Date.parse(creds.refreshExpiresAt!) - before).toBeGreaterThanOrEqual(31_535_999_000);
    expect(creds.scopes).toEqual(['user.info.basic', 'video.publish', 'video.upload', 'video.list']);
    expect(creds.extra?.openId).toBe(fake.creator.openId);

    const targets = await p.oauth.listTargets(creds);
    expect(targets).toEqual([{ externalId: fake.creator.openId, name: 'Herald Bakery', username: 'herald.bakery', avatarUrl: fake.creator.avatarUrl, kind: 'profile' }]);
    // username needs user.info.profile, which Herald does not ask for: it comes from creator info.
    expect(fake.received.filter((r) => r.endpoint === 'user_info').at(-1)!.query.fields).not.toContain('username');
    expect(fake.received.filter((r) => r.endpoint === 'user_info').at(-1)!.headers.authorization).toBe(`Bearer ${creds.accessToken}`);
  });

  it('refuses a reused code, a wrong verifier, a wrong redirect URI and a wrong secret', async () => {
    const p = provider();
    const pkce = newPkce();
    const codeFor = async () => {
      const res = await fetch(p.oauth.authorizeUrl('s', pkce, REDIRECT), { redirect: 'manual' });
      return new URL(res.headers.get('location')!).searchParams.get('code')!;
    };
    const code = await codeFor();
    await p.oauth.exchangeCode(code, pkce, REDIRECT);
    const reused = await rejection(p.oauth.exchangeCode(code, pkce, REDIRECT));
    expect(reused).toBeInstanceOf(RejectedError);
    expect((reused as RejectedError).platformCode).toBe('invalid_grant');

    const verifier = await rejection(p.oauth.exchangeCode(await codeFor(), { ...pkce, verifier: newPkce().verifier }, REDIRECT));
    expect(verifier).toBeInstanceOf(RejectedError);
    expect(verifier.message).toContain('Code verifier or code challenge is invalid');

    const redirect = await rejection(p.oauth.exchangeCode(await codeFor(), pkce, 'https://elsewhere.example/cb/'));
    expect((redirect as RejectedError).platformCode).toBe('invalid_grant');

    const wrongSecret = new TikTokProvider({ ...loadConfig({ TIKTOK_CLIENT_KEY: CLIENT.clientKey, TIKTOK_CLIENT_SECRET: 'nope', HERALD_TIKTOK_API_URL: fake.baseUrl }).social.tiktok });
    const secret = await rejection(wrongSecret.oauth.exchangeCode(await codeFor(), pkce, REDIRECT));
    expect((secret as RejectedError).platformCode).toBe('invalid_client');
  });

  it('sends a refused consent back with access_denied', async () => {
    fake.denyNext();
    const res = await fetch(provider().oauth.authorizeUrl('s', newPkce(), REDIRECT), { redirect: 'manual' });
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('will not list an account whose owner did not allow posting', async () => {
    fake.grantedScopes = ['user.info.basic', 'video.list'];
    const p = provider();
    const creds = await consent(p);
    expect(creds.scopes).toEqual(['user.info.basic', 'video.list']);
    const err = await rejection(p.oauth.listTargets(creds));
    expect(err).toBeInstanceOf(RejectedError);
    expect(err.message).toContain('video.publish');
  });

  it('refreshes with a rotating refresh token and stores the new one with its expiry', async () => {
    fake.accessTokenSeconds = 7200;
    fake.refreshTokenSeconds = 180 * 86_400;
    const p = provider();
    const first = await consent(p);
    const before = Date.now();
    const second = await p.oauth.refresh(first);
    expect(lastBody('token')).toMatchObject({ grant_type: 'refresh_token', refresh_token: first.refreshToken, client_key: CLIENT.clientKey, client_secret: CLIENT.clientSecret });
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(Date.parse(second.expiresAt!) - before).toBeGreaterThanOrEqual(7_199_000);
    expect(Date.parse(second.expiresAt!) - before).toBeLessThan(7_202_000);
    expect(Date.parse(second.refreshExpiresAt!) - before).toBeGreaterThanOrEqual(180 * 86_400_000 - 1000);
    expect(second.extra?.openId).toBe(fake.creator.openId);
    // The rotated-away refresh token is dead: only a new consent helps.
    const stale = await rejection(p.oauth.refresh(first));
    expect(stale).toBeInstanceOf(AuthExpiredError);
    expect((stale as AuthExpiredError).platformCode).toBe('invalid_grant');
    // The new one works, and the new access token is accepted by the API.
    const third = await p.oauth.refresh(second);
    expect(await p.oauth.listTargets(third)).toHaveLength(1);
  });

  it('maps refresh failures: none stored, a server error, throttling', async () => {
    const p = provider();
    expect(await rejection(p.oauth.refresh({ accessToken: 'x' }))).toBeInstanceOf(AuthExpiredError);
    const creds = await consent(p);
    fake.failNext('token', { status: 503, code: 'temporarily_unavailable' });
    expect(await rejection(p.oauth.refresh(creds))).toBeInstanceOf(TransientError);
    fake.failNext('token', { status: 429, code: 'rate_limit_exceeded', headers: { 'retry-after': '20' } });
    const limited = await rejection(p.oauth.refresh(creds));
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAt.getTime() - Date.now()).toBeGreaterThan(18_000);
    // The failed attempts did not spend the refresh token.
    expect((await p.oauth.refresh(creds)).accessToken).toMatch(/^act\./);
  });
});

describe('TikTok publishing', () => {
  it('posts a small video whole (FILE_UPLOAD), after creator info, and keeps the 64-bit post id exact', async () => {
    const p = provider();
    const account = await connect(p);
    const clip = files.get('clip.mp4')!.bytes;
    const start = fake.received.length;
    const published = await p.publish(account, { text: 'Fresh sourdough, every morning #bakery', media: [item('clip.mp4', { durationSeconds: 14 })] }, key());

    const order = fake.received.slice(start).map((r) => r.endpoint);
    expect(order.slice(0, 3)).toEqual(['creator_info', 'video_init', 'upload']);
    expect(order.slice(3).every((e) => e === 'status')).toBe(true);
    const init = lastBody('video_init');
    expect(init.post_info).toEqual({
      title: 'Fresh sourdough, every morning #bakery',
      privacy_level: 'PUBLIC_TO_EVERYONE',
      disable_comment: false,
      disable_duet: false,
      disable_stitch: true, // the creator switched stitches off
      brand_content_toggle: false,
      brand_organic_toggle: false,
    });
    expect(init.source_info).toEqual({ source: 'FILE_UPLOAD', video_size: clip.length, chunk_size: clip.length, total_chunk_count: 1 });
    const put = fake.received.filter((r) => r.endpoint === 'upload').at(-1)!;
    expect(put.headers['content-range']).toBe(`bytes 0-${clip.length - 1}/${clip.length}`);
    expect(put.headers['content-type']).toBe('video/mp4');
    expect(put.headers.authorization).toBeUndefined();

    const post = fake.posts.at(-1)!;
    expect(post.id).toMatch(/^7\d{18}$/);
    expect(published.platformPostId).toBe(post.id);
    expect(published.permalink).toBe(`https://www.tiktok.com/@herald.bakery/video/${post.id}`);
    expect(Buffer.concat(newestSession().chunks).equals(clip)).toBe(true);
  });

  it('stops at once when Herald abandons the call while TikTok processes it, and polls no more', async () => {
    // A minute between status polls: only the abort can end the wait within the test's time.
    const p = provider({ pollIntervalMs: 60_000, publishWaitMs: 120_000 });
    const account = await connect(p);
    const start = fake.received.length;
    const controller = abortWhen(() => fake.received.slice(start).some((r) => r.endpoint === 'status'));
    const err = await p.publish(account, { text: 'Handed over, then abandoned', media: [item('clip.mp4', { durationSeconds: 14 })] }, key(), { signal: controller.signal }).catch((e: unknown) => e);
    // The video is with TikTok already: the outcome is unknown (the reconciler asks), not a failure.
    expect(err).toBeInstanceOf(UnknownOutcomeError);
    const sent = fake.received.length;
    expect(await quietCount(() => fake.received.length)).toBe(sent);
  });

  it('uploads a larger video in sequential chunks as documented', async () => {
    const p = provider();
    const account = await connect(p);
    const big = files.get('long.mp4')!.bytes;
    const published = await p.publish(account, { text: 'A longer one', media: [item('long.mp4')] }, key());
    const plan = planChunks(big.length, 5 * MB);
    expect(plan.totalChunkCount).toBe(2);
    expect(lastBody('video_init').source_info).toEqual({ source: 'FILE_UPLOAD', video_size: big.length, chunk_size: 5 * MB, total_chunk_count: 2 });
    const puts = fake.received.filter((r) => r.endpoint === 'upload').slice(-2);
    expect(puts.map((r) => r.headers['content-range'])).toEqual([`bytes 0-${5 * MB - 1}/${big.length}`, `bytes ${5 * MB}-${big.length - 1}/${big.length}`]);
    expect(puts.map((r) => r.body)).toEqual([5 * MB, big.length - 5 * MB]);
    expect(Buffer.concat(newestSession().chunks).equals(big)).toBe(true);
    expect(published.platformPostId).toBe(fake.posts.at(-1)!.id);
  });

  it('treats a last chunk the media store breaks off as transient, not an unknown outcome: TikTok never had every byte', async () => {
    const p = provider();
    const account = await connect(p);
    const big = files.get('long.mp4')!.bytes;
    const breaksOff = item('long.mp4', {
      open: async ({ range } = {}) => {
        const part = range ? big.subarray(range.start, range.end + 1) : big;
        if (!range || range.start === 0) return Readable.from([part]);
        // The last chunk fails after 1 MB, as a disk or an S3 download can.
        return Readable.from(
          (async function* () {
            yield part.subarray(0, MB);
            throw new Error('read failed');
          })(),
        );
      },
    });
    const k = key();
    const err = await rejection(p.publish(account, { text: 'Broken off', media: [breaksOff] }, k));
    expect(err).toBeInstanceOf(TransientError);
    expect((err as TransientError).platformCode).toBe('media_unreadable');
    expect(newestSession().received).toBe(false);
    // Nothing was handed over, so the retry starts afresh instead of asking about the broken upload.
    const inits = fake.calledTimes('video_init');
    const published = await p.publish(account, { text: 'Broken off', media: [item('long.mp4')] }, k);
    expect(fake.calledTimes('video_init')).toBe(inits + 1);
    expect(Buffer.concat(newestSession().chunks).equals(big)).toBe(true);
    expect(published.platformPostId).toBe(fake.posts.at(-1)!.id);
  });

  it('plans chunks within the documented limits', () => {
    expect(planChunks(3 * MB, 10 * MB)).toEqual({ videoSize: 3 * MB, chunkSize: 3 * MB, totalChunkCount: 1 });
    expect(planChunks(30 * MB, 10 * MB)).toEqual({ videoSize: 30 * MB, chunkSize: 10 * MB, totalChunkCount: 3 });
    const huge = planChunks(4096 * MB, 10 * MB);
    expect(huge.totalChunkCount).toBeLessThanOrEqual(1000);
    expect(huge.videoSize - (huge.totalChunkCount - 1) * huge.chunkSize).toBeLessThanOrEqual(128 * MB);
    expect(planChunks(200 * MB, 1 * MB).chunkSize).toBe(5 * MB);
  });

  it('lets TikTok pull a video from its URL when configured (PULL_FROM_URL)', async () => {
    const p = provider({ videoSource: 'PULL_FROM_URL' });
    const account = await connect(p);
    const published = await p.publish(account, { text: 'Pulled', media: [item('clip.mp4')] }, key());
    expect(lastBody('video_init').source_info).toEqual({ source: 'PULL_FROM_URL', video_url: `${mediaBase}/media/clip.mp4` });
    const session = newestSession();
    expect(session.publishId).toMatch(/^v_pub_url~/);
    expect(session.uploadedBytes).toBe(files.get('clip.mp4')!.bytes.length); // the fake really fetched it
    expect(published.platformPostId).toBe(fake.posts.at(-1)!.id);
  });

  it('posts photos as a PHOTO content post pulled from their URLs', async () => {
    const p = provider();
    const account = await connect(p);
    const published = await p.publish(account, { text: 'Three loaves, three ways', media: [item('one.jpg'), item('two.webp'), item('three.jpg')] }, key());
    const init = lastBody('content_init');
    expect(init).toEqual({
      post_info: { description: 'Three loaves, three ways', privacy_level: 'PUBLIC_TO_EVERYONE', disable_comment: false, brand_content_toggle: false, brand_organic_toggle: false },
      source_info: { source: 'PULL_FROM_URL', photo_cover_index: 0, photo_images: ['one.jpg', 'two.webp', 'three.jpg'].map((n) => `${mediaBase}/media/${n}`) },
      post_mode: 'DIRECT_POST',
      media_type: 'PHOTO',
    });
    expect(newestSession().uploadedBytes).toBe(['one.jpg', 'two.webp', 'three.jpg'].reduce((n, f) => n + files.get(f)!.bytes.length, 0));
    const post = fake.posts.at(-1)!;
    expect(post.kind).toBe('photo');
    expect(published).toEqual({ platformPostId: post.id, permalink: `https://www.tiktok.com/@herald.bakery/video/${post.id}` });
  });

  it("respects the creator's privacy options and switched-off interactions", async () => {
    fake.creator = { ...fake.creator, privacyLevelOptions: ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'], commentDisabled: true, duetDisabled: true, stitchDisabled: true };
    const p = provider();
    const account = await connect(p);
    await p.publish(account, { text: 'Private account', media: [item('clip.mp4')] }, key());
    expect(lastBody('video_init').post_info).toMatchObject({ privacy_level: 'FOLLOWER_OF_CREATOR', disable_comment: true, disable_duet: true, disable_stitch: true });
    await p.publish(account, { text: 'Private photos', media: [item('one.jpg')] }, key());
    expect(lastBody('content_init').post_info).toMatchObject({ privacy_level: 'FOLLOWER_OF_CREATOR', disable_comment: true });
  });

  it('settles a published post without its public id when polling for it is throttled', async () => {
    const p = provider({ postIdWaitMs: 60_000, publishWaitMs: 60_000 });
    const account = await connect(p);
    fake.moderationPolls = 10_000;
    const before = fake.received.filter((r) => r.endpoint === 'status').length;
    // Polls every 5 ms until TikTok throttles the status endpoint (30 a minute): the post is out, so it
    // settles under its publish id instead of becoming an unknown outcome.
    const published = await p.publish(account, { text: 'Throttled poll', media: [item('clip.mp4')] }, key());
    expect(published).toEqual({ platformPostId: newestSession().publishId, permalink: null });
    // It stopped because of the throttle (the 31st call in the minute), not because a wait ran out.
    expect(fake.received.filter((r) => r.endpoint === 'status').length - before).toBeGreaterThanOrEqual(30);
  });

  it('settles a private-only post (unaudited app) on PUBLISH_COMPLETE, known by its publish id', async () => {
    fake.creator = { ...fake.creator, privacyLevelOptions: ['SELF_ONLY'] };
    const p = provider({ postIdWaitMs: 5000 });
    const account = await connect(p);
    const started = Date.now();
    const published = await p.publish(account, { text: 'Only me', media: [item('clip.mp4')] }, key());
    expect(lastBody('video_init').post_info.privacy_level).toBe('SELF_ONLY');
    expect(published.platformPostId).toBe(newestSession().publishId);
    expect(published.permalink).toBeNull();
    expect(Date.now() - started).toBeLessThan(2000); // no wait for a public id that never comes
  });

  it('waits for moderation to give the public id, and settles without it when moderation is slow', async () => {
    // Polls spaced so the whole test stays inside TikTok's 30 status calls a minute (metrics use them too).
    const p = provider({ pollIntervalMs: 25 });
    const account = await connect(p);
    fake.moderationPolls = 3;
    const quick = await p.publish(account, { text: 'Moderated', media: [item('clip.mp4')] }, key());
    expect(quick.platformPostId).toBe(fake.posts.at(-1)!.id);

    fake.moderationPolls = 10_000;
    const slow = await p.publish(account, { text: 'Slow moderation', media: [item('clip.mp4')] }, key());
    const session = newestSession();
    expect(slow).toEqual({ platformPostId: session.publishId, permalink: null });
    // Once moderation is done, metrics find the post by its publish id.
    session.post!.viewCount = 321;
    fake.moderationPolls = 0;
    session.moderationPollsLeft = 0;
    const [figures] = await p.metrics(account, [session.publishId]);
    expect(figures).toMatchObject({ platformPostId: session.publishId, videoViews: 321 });
  });

  it('refuses what TikTok cannot post before calling it', async () => {
    const p = provider();
    const account = await connect(p);
    const calls = fake.received.length;
    const textOnly = await rejection(p.publish(account, { text: 'Just words', media: [] }, key()));
    expect(textOnly).toBeInstanceOf(RejectedError);
    expect((textOnly as RejectedError).platformCode).toBe('media_required');
    expect(await rejection(p.publish(account, { text: 'Mixed', media: [item('one.jpg'), item('clip.mp4')] }, key()))).toBeInstanceOf(RejectedError);
    expect(fake.received.length).toBe(calls);

    fake.creator = { ...fake.creator, maxVideoPostDurationSec: 60 };
    const long = await rejection(p.publish(account, { text: 'Too long', media: [item('clip.mp4', { durationSeconds: 75 })] }, key()));
    expect(long).toBeInstanceOf(RejectedError);
    expect(long.message).toContain('60 s');
    expect(fake.calledTimes('video_init')).toBe(bodiesOf('video_init').length);
    expect(fake.received.slice(calls).map((r) => r.endpoint)).toEqual(['creator_info']);

    const unreadable = item('clip.mp4', { open: () => Promise.reject(new Error('storage is down')) });
    const read = await rejection(p.publish(account, { text: 'Unreadable', media: [unreadable] }, key()));
    expect(read).toBeInstanceOf(TransientError);
    expect(fake.received.slice(calls).map((r) => r.endpoint)).toEqual(['creator_info', 'creator_info']);
  });

  it('reports what TikTok refused after processing: a wrong format is final, an unreachable photo is retryable', async () => {
    const p = provider();
    const account = await connect(p);
    const format = await rejection(p.publish(account, { text: 'PNG', media: [item('wrong.png', { mime: 'image/png' })] }, key()));
    expect(format).toBeInstanceOf(RejectedError);
    expect((format as RejectedError).platformCode).toBe('file_format_check_failed');
    const missing = await rejection(p.publish(account, { text: 'Gone', media: [item('missing.jpg')] }, key()));
    expect(missing).toBeInstanceOf(TransientError);
    expect((missing as TransientError).platformCode).toBe('photo_pull_failed');
    fake.failNextPublish('frame_rate_check_failed');
    const rate = await rejection(p.publish(account, { text: 'Jerky', media: [item('clip.mp4')] }, key()));
    expect(rate).toBeInstanceOf(RejectedError);
    expect(rate.message).toContain('frame rate');
  });

  it('needs the media domain verified for pulls', async () => {
    fake.verifiedUrlPrefixes = ['https://media.herald.example/'];
    const p = provider();
    const account = await connect(p);
    const err = await rejection(p.publish(account, { text: 'Photo', media: [item('one.jpg')] }, key()));
    expect(err).toBeInstanceOf(RejectedError);
    expect((err as RejectedError).platformCode).toBe('url_ownership_unverified');
    expect(err.message).toContain('verify the domain');
  });
});

describe('TikTok errors', () => {
  it('maps an expired token to AuthExpired, and a refreshed token publishes', async () => {
    const p = provider();
    const account = await connect(p);
    fake.expireAccessTokens();
    const err = await rejection(p.publish(account, { text: 'After expiry', media: [item('clip.mp4')] }, key()));
    expect(err).toBeInstanceOf(AuthExpiredError);
    expect((err as AuthExpiredError).platformCode).toBe('access_token_invalid');
    expect(err.message).not.toContain(account.credentials.accessToken);
    const refreshed = await p.oauth.refresh(account.credentials);
    expect((await p.publish({ ...account, credentials: refreshed }, { text: 'After refresh', media: [item('clip.mp4')] }, key())).platformPostId).toMatch(/^7\d+$/);
  });

  it('maps a missing posting scope to AuthExpired (a new consent is the fix)', async () => {
    fake.grantedScopes = ['user.info.basic', 'video.list'];
    const p = provider();
    const credentials = await consent(p);
    const err = await rejection(p.publish({ externalId: fake.creator.openId, credentials }, { text: 'x', media: [item('clip.mp4')] }, key()));
    expect(err).toBeInstanceOf(AuthExpiredError);
    expect((err as AuthExpiredError).platformCode).toBe('scope_not_authorized');
    expect(fake.calledTimes('video_init')).toBe(bodiesOf('video_init').length);
  });

  it('maps each documented error body to the right typed error', async () => {
    const p = provider();
    const account = await connect(p);
    const post = () => p.publish(account, { text: 'Error mapping', media: [item('clip.mp4')] }, key());
    const cases: [Parameters<FakeTikTok['failNext']>[0], Parameters<FakeTikTok['failNext']>[1], new (...args: any[]) => Error, number | null][] = [
      ['creator_info', { status: 429, code: 'rate_limit_exceeded', message: 'The API rate limit was exceeded.', headers: { 'retry-after': '30' } }, RateLimitedError, 30_000],
      ['video_init', { status: 429, code: 'rate_limit_exceeded' }, RateLimitedError, 60_000],
      ['video_init', { status: 403, code: 'spam_risk_too_many_posts', message: 'The daily post cap from the API is reached for the current user.' }, RateLimitedError, 86_400_000],
      ['creator_info', { status: 403, code: 'reached_active_user_cap', message: 'The daily quota for active publishing users from your client is reached.' }, RateLimitedError, 86_400_000],
      ['video_init', { status: 403, code: 'spam_risk_user_banned_from_posting', message: 'The user is banned from making new posts.' }, RejectedError, null],
      ['video_init', { status: 400, code: 'invalid_param', message: 'video_size is too large' }, RejectedError, null],
      ['video_init', { status: 400, code: 'invalid_params', message: 'title is too long' }, RejectedError, null],
      ['video_init', { status: 403, code: 'privacy_level_option_mismatch', message: 'privacy_level mismatch' }, RejectedError, null],
      ['video_init', { status: 403, code: 'unaudited_client_can_only_post_to_private_accounts', message: 'unaudited' }, RejectedError, null],
      ['video_init', { status: 500, code: 'internal_error', message: 'Something went wrong' }, TransientError, null],
      ['creator_info', { status: 503, code: '', message: '' }, TransientError, null],
      ['upload', { status: 502, code: 'internal_error' }, TransientError, null],
    ];
    for (const [endpoint, failure, type, waitMs] of cases) {
      fake.failNext(endpoint, failure);
      const before = Date.now();
      const err = await rejection(post());
      expect(err, `${endpoint} ${failure.code}`).toBeInstanceOf(type);
      if (failure.code && failure.code !== '') expect((err as RejectedError).platformCode).toBe(failure.code);
      if (failure.message) expect(err.message).toContain(failure.message);
      if (waitMs !== null) {
        const wait = (err as RateLimitedError).retryAt.getTime() - before;
        expect(wait).toBeGreaterThanOrEqual(waitMs - 50);
        expect(wait).toBeLessThan(waitMs + 2000);
      }
    }
    expect(fake.posts.filter((x) => x.title === 'Error mapping')).toHaveLength(0);
  });

  it("enforces TikTok's own per-token limit (creator info: 20 a minute)", async () => {
    const p = provider();
    const account = await connect(p); // one creator-info call already
    for (let i = 0; i < 19; i++) await p.oauth.listTargets(account.credentials);
    const err = await rejection(p.oauth.listTargets(account.credentials));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).platformCode).toBe('rate_limit_exceeded');
  });
});

describe('TikTok lost answers and findPublished', () => {
  it('retries a file upload whose init answer was lost: nothing could have been posted', async () => {
    const p = provider();
    const account = await connect(p);
    fake.dropNext('video_init');
    const err = await rejection(p.publish(account, { text: 'Lost init', media: [item('clip.mp4')] }, key()));
    expect(err).toBeInstanceOf(TransientError);
  });

  it('treats a lost intermediate chunk as safe to retry, and a retry posts once', async () => {
    const p = provider();
    const account = await connect(p);
    const k = key();
    fake.dropNext('upload');
    expect(await rejection(p.publish(account, { text: 'Chunky', media: [item('long.mp4')] }, k))).toBeInstanceOf(TransientError);
    const published = await p.publish(account, { text: 'Chunky', media: [item('long.mp4')] }, k);
    expect(fake.posts.filter((x) => x.title === 'Chunky')).toHaveLength(1);
    expect(published.platformPostId).toBe(fake.posts.filter((x) => x.title === 'Chunky')[0]!.id);
  });

  it('makes a lost final chunk an unknown outcome, then finds the post through its publish id', async () => {
    const p = provider();
    const account = await connect(p);
    const k = key();
    const since = new Date();
    fake.dropNext('upload');
    const err = await rejection(p.publish(account, { text: 'Final chunk lost', media: [item('clip.mp4')] }, k));
    expect(err).toBeInstanceOf(UnknownOutcomeError);
    // TikTok is still processing: ask again later (not "absent").
    expect(await rejection(p.findPublished(account, k, since))).toBeInstanceOf(TransientError);
    await fake.finishProcessing();
    const found = await p.findPublished(account, k, since);
    const post = fake.posts.find((x) => x.title === 'Final chunk lost')!;
    expect(found).toEqual({ platformPostId: post.id, permalink: `https://www.tiktok.com/@herald.bakery/video/${post.id}` });
    // A publish retried under the same key returns that post instead of posting again.
    const inits = fake.calledTimes('video_init');
    expect((await p.publish(account, { text: 'Final chunk lost', media: [item('clip.mp4')] }, k)).platformPostId).toBe(post.id);
    expect(fake.calledTimes('video_init')).toBe(inits);
  });

  it('never turns a failure after the hand-over into a retryable error', async () => {
    const p = provider();
    const account = await connect(p);
    const k = key();
    fake.processingPolls = 3;
    fake.failNext('status', { status: 401, code: 'access_token_invalid' });
    const expired = await rejection(p.publish(account, { text: 'Token died while processing', media: [item('clip.mp4')] }, k));
    expect(expired).toBeInstanceOf(UnknownOutcomeError); // not AuthExpired: a refresh-and-retry would post twice
    await fake.finishProcessing();
    expect((await p.findPublished(account, k, new Date(0)))?.platformPostId).toBe(fake.posts.at(-1)!.id);

    fake.processingPolls = 100_000;
    const slow = provider({ publishWaitMs: 100 });
    const k2 = key();
    const pending = await rejection(slow.publish(account, { text: 'Still processing', media: [item('clip.mp4')] }, k2));
    expect(pending).toBeInstanceOf(UnknownOutcomeError);
    expect(pending.message).toContain('still processing');
  });

  it('answers "absent" only when TikTok says the handed-over post FAILED', async () => {
    const p = provider();
    const account = await connect(p);
    const k = key();
    fake.dropNext('upload');
    expect(await rejection(p.publish(account, { text: 'Will fail', media: [item('clip.mp4')] }, k))).toBeInstanceOf(UnknownOutcomeError);
    fake.failNextPublish('duration_check_failed', newestSession().publishId);
    await fake.finishProcessing();
    expect(await p.findPublished(account, k, new Date(0))).toBeNull();
    // That answer was used: nothing stale remains to answer for a later attempt.
    expect(await rejection(p.findPublished(account, k, new Date(0)))).toBeInstanceOf(UnknownOutcomeError);
  });

  it('finds a pulled photo post whose init answer was lost by its caption (another worker, too)', async () => {
    const p = provider();
    const account = await connect(p);
    const k = key();
    const since = new Date(Date.now() - 1000);
    fake.dropNext('content_init');
    const err = await rejection(p.publish(account, { text: 'Lost photo init', media: [item('one.jpg')] }, k));
    expect(err).toBeInstanceOf(UnknownOutcomeError);
    await fake.finishProcessing();
    const post = fake.posts.find((x) => x.description === 'Lost photo init')!;
    expect(post).toBeDefined();
    expect((await p.findPublished(account, k, since))?.platformPostId).toBe(post.id);
    const listed = fake.received.filter((r) => r.endpoint === 'video_list').at(-1)!;
    expect(listed.query.fields).toContain('video_description');

    const otherWorker = provider();
    expect(await rejection(otherWorker.findPublished(account, k, since))).toBeInstanceOf(UnknownOutcomeError);
    const found = await otherWorker.findPublished(account, k, since, { text: 'Lost photo init', mediaCount: 1 });
    expect(found?.platformPostId).toBe(post.id);
    expect(found?.publishedAt?.getTime()).toBe(post.createTime * 1000);
  });

  it('matches exactly, only since `since`, across pages, and never claims absence from a listing', async () => {
    const p = provider();
    const account = await connect(p);
    const now = Math.floor(Date.now() / 1000);
    fake.seedPost({ title: 'Weekly special', createTime: now - 7200 });
    const since = new Date((now - 3600) * 1000);
    expect(await rejection(p.findPublished(account, key(), since, { text: 'Weekly special', mediaCount: 1 }))).toBeInstanceOf(UnknownOutcomeError);
    const wanted = fake.seedPost({ title: 'Croissant day', createTime: now - 1800 });
    for (let i = 0; i < 25; i++) fake.seedPost({ title: `Other ${i}`, createTime: now - 60 + i });
    expect(await rejection(p.findPublished(account, key(), since, { text: 'Croissant', mediaCount: 1 }))).toBeInstanceOf(UnknownOutcomeError);
    const listedBefore = fake.received.filter((r) => r.endpoint === 'video_list').length;
    const found = await p.findPublished(account, key(), since, { text: 'Croissant day', mediaCount: 1 });
    expect(found?.platformPostId).toBe(wanted.id);
    // This search started at the first page and followed the cursor (earlier tests' posts may add pages).
    const pages = fake.received.filter((r) => r.endpoint === 'video_list').slice(listedBefore).map((r) => (r.body as { cursor?: number }).cursor !== undefined);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages[0]).toBe(false);
    expect(pages.slice(1).every(Boolean)).toBe(true);
  });
});

describe('TikTok metrics and delete', () => {
  it('reads views, likes, comments and shares, 20 ids per query', async () => {
    const p = provider();
    const account = await connect(p);
    const posts = Array.from({ length: 23 }, (_, i) => fake.seedPost({ title: `Metrics ${i}`, viewCount: 1000 + i, likeCount: 50 + i, commentCount: i, shareCount: 2 * i }));
    const before = fake.calledTimes('video_query');
    const metrics = await p.metrics(account, [...posts.map((x) => x.id), '7000000000000000001', 'v_pub_file~v2-1.000000000000000000']);
    expect(fake.calledTimes('video_query') - before).toBe(2);
    expect(bodiesOf('video_query').slice(-2).map((b) => b.filters.video_ids.length)).toEqual([20, 4]);
    expect(metrics).toHaveLength(23);
    expect(metrics.find((m) => m.platformPostId === posts[5]!.id)).toEqual({
      platformPostId: posts[5]!.id,
      impressions: null,
      reach: null,
      likes: 55,
      comments: 5,
      shares: 10,
      saves: null,
      clicks: null,
      videoViews: 1005,
    });
  });

  it('has no delete: the API cannot remove a post', () => {
    const asProvider: SocialProvider = provider();
    expect('delete' in asProvider).toBe(false);
  });
});
