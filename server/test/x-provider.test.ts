import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { AuthExpiredError, RateLimitedError, RejectedError, TransientError, UnknownOutcomeError } from '../src/integrations/social/errors.js';
import { newPkce } from '../src/integrations/social/oauth.js';
import type { Credentials, MediaItem, PublishContent } from '../src/integrations/social/provider.js';
import { CONTENT_RULES } from '../src/integrations/social/rules.js';
import { XProvider } from '../src/integrations/social/x/x.provider.js';
import { FakeX } from './fakes/x.js';
import { animatedGif, jpeg, png, video, webp } from './media-fixtures.js';
import { abortWhen, quietCount } from './helpers/abort.js';
import { openBytes } from './helpers/media-item.js';

const CLIENT = { clientId: 'x-client-id', clientSecret: 'x-client-secret', redirectUris: ['http://localhost:8080/api/v1/connections/x/callback'] };
const REDIRECT = CLIENT.redirectUris[0]!;
const USER_ID = '1500000000000000001';

let fake: FakeX;
let provider: XProvider;
let mediaServer: Server;
let mediaBase = '';
const served = new Map<string, { bytes: Buffer; mime: string }>();

function providerWith(env: Record<string, string> = {}): XProvider {
  return new XProvider(
    loadConfig({ X_CLIENT_ID: CLIENT.clientId, X_CLIENT_SECRET: CLIENT.clientSecret, HERALD_X_AUTH_URL: fake.authorizeUrl, HERALD_X_API_URL: fake.url, ...env }).social.x,
  );
}

/** A media item as Herald hands it over: bytes behind a signed URL of Herald's own media server. */
function media(name: string, bytes: Buffer, mime: string, extra: Partial<MediaItem> = {}): MediaItem {
  served.set(`/${name}`, { bytes, mime });
  const url = `${mediaBase}/${name}`;
  return {
    kind: mime.startsWith('video/') ? 'video' : 'image',
    mime,
    sizeBytes: bytes.length,
    url,
    open: openBytes(bytes),
    ...extra,
  };
}

function account(credentials: Credentials) {
  return { externalId: USER_ID, credentials };
}

function freshAccount() {
  return account({ accessToken: fake.issueToken().accessToken });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

let textCounter = 0;
function uniqueText(base = 'Fresh roast today'): string {
  textCounter += 1;
  return `${base} #${textCounter} (${Date.now()})`;
}

beforeAll(async () => {
  fake = await FakeX.start(CLIENT);
  mediaServer = createServer((req, res) => {
    const item = served.get(req.url ?? '');
    if (!item) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': item.mime, 'content-length': item.bytes.length }).end(item.bytes);
  });
  await new Promise<void>((resolve) => mediaServer.listen(0, '127.0.0.1', resolve));
  mediaBase = `http://127.0.0.1:${(mediaServer.address() as AddressInfo).port}`;
  provider = providerWith();
});

afterAll(async () => {
  await fake.close();
  await new Promise<void>((resolve) => mediaServer.close(() => resolve()));
});

beforeEach(() => {
  fake.requests.length = 0;
  fake.processing = { steps: ['pending', 'in_progress', 'succeeded'], checkAfterSecs: 1, failure: 'Unsupported video format' };
  fake.timelinePageSize = 100;
});

describe('X provider: identity', () => {
  it('declares the platform, its rules and a strict concurrency', () => {
    expect(provider.platform).toBe('x');
    expect(provider.displayName).toBe('X');
    expect(provider.rules).toBe(CONTENT_RULES.x);
    expect(provider.concurrency).toBeGreaterThan(0);
    expect(provider.concurrency).toBeLessThanOrEqual(3);
  });
});

describe('X OAuth 2.0 with PKCE', () => {
  async function consent(url: string): Promise<URL> {
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  }

  it('builds the authorize URL X documents', () => {
    const pkce = newPkce();
    const raw = provider.oauth.authorizeUrl('state-123', pkce, REDIRECT);
    expect(raw.startsWith(`${fake.authorizeUrl}?`)).toBe(true);
    // Scopes are space-separated, sent as %20.
    expect(raw).toContain('scope=tweet.read%20tweet.write%20users.read%20offline.access%20media.write');
    const q = new URL(raw).searchParams;
    expect(Object.fromEntries(q)).toEqual({
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: REDIRECT,
      scope: 'tweet.read tweet.write users.read offline.access media.write',
      state: 'state-123',
      code_challenge: createHash('sha256').update(pkce.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
  });

  it('goes from consent to credentials to the profile to publish to', async () => {
    const pkce = newPkce();
    const back = await consent(provider.oauth.authorizeUrl('st-1', pkce, REDIRECT));
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code')!;

    const before = Date.now();
    const creds = await provider.oauth.exchangeCode(code, pkce, REDIRECT);
    expect(creds.accessToken).toMatch(/\S{20,}/);
    expect(creds.refreshToken).toMatch(/\S{20,}/);
    const expires = Date.parse(creds.expiresAt!);
    expect(expires).toBeGreaterThanOrEqual(before + 7_200_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 7_200_000 + 1000);
    expect(creds.scopes).toEqual(['tweet.read', 'tweet.write', 'users.read', 'offline.access', 'media.write']);

    const tokenCall = fake.requests.find((r) => r.route === 'POST /2/oauth2/token')!;
    expect(tokenCall.authorization).toBe('basic');
    expect(tokenCall.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(tokenCall.body).toMatchObject({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: pkce.verifier, client_id: CLIENT.clientId });

    const targets = await provider.oauth.listTargets(creds);
    expect(targets).toEqual([
      { externalId: USER_ID, name: 'Acme Coffee', username: 'acmecoffee', avatarUrl: 'https://pbs.twimg.com/profile_images/1/acme_normal.jpg', kind: 'profile' },
    ]);
  });

  it('refuses a code used twice, a wrong verifier and a wrong redirect URI', async () => {
    const pkce = newPkce();
    const code = (await consent(provider.oauth.authorizeUrl('s', pkce, REDIRECT))).searchParams.get('code')!;
    await provider.oauth.exchangeCode(code, pkce, REDIRECT);
    const reused = await rejection(provider.oauth.exchangeCode(code, pkce, REDIRECT));
    expect(reused).toBeInstanceOf(RejectedError);
    expect(reused.message).toContain('authorization code was invalid');

    const code2 = (await consent(provider.oauth.authorizeUrl('s', pkce, REDIRECT))).searchParams.get('code')!;
    expect(await rejection(provider.oauth.exchangeCode(code2, newPkce(), REDIRECT))).toBeInstanceOf(RejectedError);

    const code3 = (await consent(provider.oauth.authorizeUrl('s', pkce, REDIRECT))).searchParams.get('code')!;
    expect(await rejection(provider.oauth.exchangeCode(code3, pkce, 'http://localhost:8080/elsewhere'))).toBeInstanceOf(RejectedError);
  });

  it('reports a refused consent back to the redirect URI', async () => {
    fake.denyNext();
    const back = await consent(provider.oauth.authorizeUrl('s-deny', newPkce(), REDIRECT));
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('s-deny');
  });

  it('says when Herald’s own app credentials are wrong, without echoing them', async () => {
    const wrong = providerWith({ X_CLIENT_SECRET: 'not-the-secret' });
    const pkce = newPkce();
    const code = (await consent(wrong.oauth.authorizeUrl('s', pkce, REDIRECT))).searchParams.get('code')!;
    const err = await rejection(wrong.oauth.exchangeCode(code, pkce, REDIRECT));
    expect(err).toBeInstanceOf(RejectedError);
    expect(err.message).toContain('X_CLIENT_SECRET');
    expect(err.message).not.toContain('not-the-secret');
  });

  it('refreshes with a single-use refresh token and stores the new one', async () => {
    const pkce = newPkce();
    const code = (await consent(provider.oauth.authorizeUrl('s', pkce, REDIRECT))).searchParams.get('code')!;
    const first = await provider.oauth.exchangeCode(code, pkce, REDIRECT);
    fake.expireAccessTokens();
    expect(await rejection(provider.oauth.listTargets(first))).toBeInstanceOf(AuthExpiredError);

    const second = await provider.oauth.refresh(first);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).toBeDefined();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(Date.parse(second.expiresAt!)).toBeGreaterThan(Date.now() + 7_000_000);
    const refreshCall = fake.requests.filter((r) => r.route === 'POST /2/oauth2/token').at(-1)!;
    expect(refreshCall.authorization).toBe('basic');
    expect(refreshCall.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: first.refreshToken, client_id: CLIENT.clientId });
    expect(await provider.oauth.listTargets(second)).toHaveLength(1);

    // The spent refresh token no longer works: the grant is gone, the channel needs re-authorisation.
    const reused = await rejection(provider.oauth.refresh(first));
    expect(reused).toBeInstanceOf(AuthExpiredError);
    // The new one does.
    const third = await provider.oauth.refresh(second);
    expect(third.accessToken).not.toBe(second.accessToken);
  });
});

describe('X publishing', () => {
  it('publishes a text post and links to it', async () => {
    const text = uniqueText('Hello from Herald & friends <3');
    const published = await provider.publish(freshAccount(), { text, media: [] }, 'key-1');
    const tweet = fake.tweets.get(published.platformPostId)!;
    expect(tweet.sentText).toBe(text);
    expect(tweet.mediaKeys).toEqual([]);
    expect(published.permalink).toBe(`https://x.com/acmecoffee/status/${published.platformPostId}`);
    const create = fake.requests.find((r) => r.route === 'POST /2/tweets')!;
    expect(create.authorization).toBe('bearer');
    expect(create.body).toEqual({ text });
  });

  it('publishes one image with its alt text through the simple upload', async () => {
    const item = media('one.jpg', await jpeg(800, 600), 'image/jpeg', { altText: 'A flat white on a wooden table' });
    const published = await provider.publish(freshAccount(), { text: uniqueText('Morning cup'), media: [item] }, 'key-2');
    const uploads = fake.requests.filter((r) => r.route === 'POST /2/media/upload');
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.contentType).toMatch(/^multipart\/form-data/);
    expect(uploads[0]!.body).toMatchObject({ media_category: 'tweet_image', media_type: 'image/jpeg' });
    const tweet = fake.tweets.get(published.platformPostId)!;
    expect(tweet.mediaKeys).toHaveLength(1);
    const mediaId = tweet.mediaKeys[0]!.split('_')[1]!;
    expect(fake.uploads.get(mediaId)!.altText).toBe('A flat white on a wooden table');
    const create = fake.requests.find((r) => r.route === 'POST /2/tweets')!;
    expect(create.body).toMatchObject({ media: { media_ids: [mediaId] } });
  });

  it('publishes four images in their order', async () => {
    const items = [
      media('a.jpg', await jpeg(640, 480), 'image/jpeg'),
      media('b.png', await png(500, 500), 'image/png'),
      media('c.webp', await webp(400, 300), 'image/webp'),
      media('d.jpg', await jpeg(300, 300), 'image/jpeg'),
    ];
    const published = await provider.publish(freshAccount(), { text: uniqueText('Four of our blends'), media: items }, 'key-3');
    const uploadIds = fake.requests.filter((r) => r.route === 'POST /2/media/upload').map((r) => r.body!.media_type);
    expect(uploadIds).toEqual(['image/jpeg', 'image/png', 'image/webp', 'image/jpeg']);
    const create = fake.requests.find((r) => r.route === 'POST /2/tweets')!;
    const ids = (create.body!.media as { media_ids: string[] }).media_ids;
    expect(ids).toHaveLength(4);
    expect(ids.map((id) => fake.uploads.get(id)!.mime)).toEqual(['image/jpeg', 'image/png', 'image/webp', 'image/jpeg']);
    expect(fake.tweets.get(published.platformPostId)!.mediaKeys).toHaveLength(4);
  });

  it('publishes a video: initialize, append in segments, finalize, wait for processing', async () => {
    const bytes = video({ mdatBytes: 9 * 1024 * 1024 });
    const item = media('clip.mp4', bytes, 'video/mp4', { durationSeconds: 12 });
    const published = await provider.publish(freshAccount(), { text: uniqueText('Behind the counter'), media: [item] }, 'key-4');

    const init = fake.requests.find((r) => r.route === 'POST /2/media/upload/initialize')!;
    expect(init.contentType).toMatch(/^application\/json/);
    expect(init.body).toEqual({ media_type: 'video/mp4', total_bytes: bytes.length, media_category: 'tweet_video' });
    const appends = fake.requests.filter((r) => r.route === 'POST /2/media/upload/:id/append');
    expect(appends.map((a) => a.body!.segment_index)).toEqual(['0', '1', '2']);
    expect(fake.routeCount('POST /2/media/upload/:id/finalize')).toBe(1);
    // pending (from FINALIZE) → in_progress → succeeded: two STATUS polls, each after check_after_secs.
    const polls = fake.requests.filter((r) => r.route === 'GET /2/media/upload');
    expect(polls).toHaveLength(2);
    expect(polls[0]!.query).toMatchObject({ command: 'STATUS' });
    const tweet = fake.tweets.get(published.platformPostId)!;
    expect(tweet.mediaKeys).toHaveLength(1);
    expect(fake.uploads.get(polls[0]!.query.media_id!)!.state).toBe('succeeded');
  });

  it('stops at once when Herald abandons the call while X processes the video, and sends nothing more', async () => {
    // X asks to check again in 30 s: only the abort can end this wait within the test's time.
    fake.processing = { steps: ['pending', 'succeeded'], checkAfterSecs: 30, failure: '' };
    const text = uniqueText('Never posted');
    const finalized = fake.routeCount('POST /2/media/upload/:id/finalize');
    const polls = fake.routeCount('GET /2/media/upload');
    const controller = abortWhen(() => fake.routeCount('POST /2/media/upload/:id/finalize') > finalized);
    const item = media('clip.mp4', video({ mdatBytes: 1024 * 1024 }), 'video/mp4', { durationSeconds: 5 });
    const err = await provider.publish(freshAccount(), { text, media: [item] }, 'key-abort', { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    const sent = fake.requests.length;
    expect(await quietCount(() => fake.requests.length)).toBe(sent);
    expect(fake.routeCount('GET /2/media/upload')).toBe(polls);
    expect([...fake.tweets.values()].some((t) => t.sentText === text)).toBe(false);
  });

  it('publishes an animated GIF (no text) through the chunked upload', async () => {
    const gif = await animatedGif();
    fake.processing = { steps: ['in_progress', 'succeeded'], checkAfterSecs: 0, failure: '' };
    // Media only: X takes a post without text, and Herald sends none.
    const published = await provider.publish(freshAccount(), { text: '', media: [media('anim.gif', gif, 'image/gif')] }, 'key-5');
    const init = fake.requests.find((r) => r.route === 'POST /2/media/upload/initialize')!;
    expect(init.body).toMatchObject({ media_type: 'image/gif', media_category: 'tweet_gif', total_bytes: gif.length });
    expect(fake.routeCount('POST /2/media/upload')).toBe(0);
    const create = fake.requests.find((r) => r.route === 'POST /2/tweets')!;
    expect(Object.keys(create.body!)).toEqual(['media']);
    expect(fake.tweets.get(published.platformPostId)!.mediaKeys[0]).toMatch(/^16_/);
  });

  it('fails with X’s reason when video processing fails, and posts nothing', async () => {
    fake.processing = { steps: ['in_progress', 'failed'], checkAfterSecs: 0, failure: 'Video duration exceeds the limit' };
    const count = fake.tweets.size;
    const err = await rejection(provider.publish(freshAccount(), { text: uniqueText(), media: [media('bad.mp4', video(), 'video/mp4')] }, 'key-6'));
    expect(err).toBeInstanceOf(RejectedError);
    expect(err.message).toContain('Video duration exceeds the limit');
    expect(fake.tweets.size).toBe(count);
  });
});

describe('X errors', () => {
  const textOnly = (): PublishContent => ({ text: uniqueText('Error path'), media: [] });

  it('401 → AuthExpired, before anything is uploaded', async () => {
    const acc = freshAccount();
    fake.expireAccessTokens();
    const err = await rejection(provider.publish(acc, { text: uniqueText(), media: [media('x.jpg', await jpeg(100, 100), 'image/jpeg')] }, 'k'));
    expect(err).toBeInstanceOf(AuthExpiredError);
    expect(err.message).not.toContain(acc.credentials.accessToken);
    expect(fake.routeCount('POST /2/media/upload')).toBe(0);
  });

  it('401 on the create call → AuthExpired', async () => {
    fake.failNext('POST /2/tweets', { kind: 'unauthorized' });
    expect(await rejection(provider.publish(freshAccount(), textOnly(), 'k'))).toBeInstanceOf(AuthExpiredError);
  });

  it('429 → RateLimited at x-rate-limit-reset, with either body style', async () => {
    const reset = Math.floor(Date.now() / 1000) + 600;
    fake.failNext('POST /2/tweets', { kind: 'rate_limited', resetAt: reset });
    const err = await rejection(provider.publish(freshAccount(), textOnly(), 'k'));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAt.getTime()).toBe(reset * 1000);

    fake.failNext('POST /2/tweets', { kind: 'rate_limited', resetAt: reset + 5, style: 'v1' });
    const v1 = await rejection(provider.publish(freshAccount(), textOnly(), 'k'));
    expect(v1).toBeInstanceOf(RateLimitedError);
    expect((v1 as RateLimitedError).retryAt.getTime()).toBe((reset + 5) * 1000);
    expect(v1.message).toContain('Rate limit exceeded');
    expect((v1 as RateLimitedError).platformCode).toBe('88');
  });

  it('429 from an exhausted 24-hour window waits for that window, not the 15-minute one', async () => {
    const reset = Math.floor(Date.now() / 1000) + 5 * 3600;
    fake.failNext('POST /2/tweets', { kind: 'rate_limited', resetAt: reset, window: 'user24h' });
    const err = (await rejection(provider.publish(freshAccount(), textOnly(), 'k'))) as RateLimitedError;
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err.retryAt.getTime()).toBe(reset * 1000);
  });

  it('429 usage cap → RateLimited until the cap window resets (or a day)', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3 * 3600;
    fake.failNext('POST /2/tweets', { kind: 'usage_capped', resetAt: reset });
    const capped = (await rejection(provider.publish(freshAccount(), textOnly(), 'k'))) as RateLimitedError;
    expect(capped).toBeInstanceOf(RateLimitedError);
    expect(capped.platformCode).toBe('usage-capped');
    expect(capped.retryAt.getTime()).toBe(reset * 1000);

    fake.failNext('POST /2/tweets', { kind: 'usage_capped' });
    const before = Date.now();
    const noHeader = (await rejection(provider.publish(freshAccount(), textOnly(), 'k'))) as RateLimitedError;
    expect(noHeader.retryAt.getTime()).toBeGreaterThanOrEqual(before + 86_400_000);
    expect(noHeader.message).toContain('Usage cap exceeded');
  });

  it('403 duplicate content → Rejected with X’s words', async () => {
    const content = textOnly();
    await provider.publish(freshAccount(), content, 'k1');
    const err = await rejection(provider.publish(freshAccount(), content, 'k2'));
    expect(err).toBeInstanceOf(RejectedError);
    expect(err.message).toContain('You are not allowed to create a Tweet with duplicate content');
    expect((err as RejectedError).platformCode).toBe('duplicate_content');
  });

  it('403 problem details → Rejected with the detail', async () => {
    fake.failNext('POST /2/tweets', {
      kind: 'answer',
      status: 403,
      body: { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'You are not permitted to perform this action.' },
    });
    const err = await rejection(provider.publish(freshAccount(), textOnly(), 'k'));
    expect(err).toBeInstanceOf(RejectedError);
    expect(err.message).toContain('You are not permitted to perform this action.');
  });

  it('400 with an errors list → Rejected with each message', async () => {
    fake.failNext('POST /2/tweets', {
      kind: 'answer',
      status: 400,
      body: {
        errors: [{ parameters: { 'reply_settings': ['everyone'] }, message: 'reply_settings is not one of [following, mentionedUsers, subscribers, verified]' }],
        title: 'Invalid Request',
        detail: 'One or more parameters to your request was invalid.',
        type: 'https://api.twitter.com/2/problems/invalid-request',
      },
    });
    const err = (await rejection(provider.publish(freshAccount(), textOnly(), 'k'))) as RejectedError;
    expect(err).toBeInstanceOf(RejectedError);
    expect(err.message).toContain('reply_settings is not one of');
    expect(err.platformCode).toBe('invalid-request');
  });

  it('a real 400 from X (media not processed) comes back Rejected', async () => {
    // Media that X never finished processing: the create call must be refused by the fake.
    const acc = freshAccount();
    const init = await fetch(`${fake.url}/2/media/upload/initialize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acc.credentials.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ media_type: 'video/mp4', total_bytes: 10, media_category: 'tweet_video' }),
    });
    const { data } = (await init.json()) as { data: { id: string } };
    const res = await fetch(`${fake.url}/2/tweets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acc.credentials.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x', media: { media_ids: [data.id] } }),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('Your media IDs are invalid.');
  });

  it('403 "Unsupported Authentication" → AuthExpired', async () => {
    fake.failNext('GET /2/users/me', {
      kind: 'answer',
      status: 403,
      body: { title: 'Unsupported Authentication', detail: 'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].', type: 'https://api.twitter.com/2/problems/unsupported-authentication', status: 403 },
    });
    expect(await rejection(provider.publish(freshAccount(), textOnly(), 'k'))).toBeInstanceOf(AuthExpiredError);
  });

  it('5xx → Transient', async () => {
    fake.failNext('POST /2/tweets', { kind: 'unavailable', status: 503 });
    const err = await rejection(provider.publish(freshAccount(), textOnly(), 'k'));
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toContain('503');
    fake.failNext('POST /2/media/upload', { kind: 'unavailable', status: 500 });
    expect(await rejection(provider.publish(freshAccount(), { text: uniqueText(), media: [media('t.jpg', await jpeg(50, 50), 'image/jpeg')] }, 'k'))).toBeInstanceOf(TransientError);
  });

  it('a lost answer on an upload is transient (no post can exist yet)', async () => {
    fake.failNext('POST /2/media/upload', { kind: 'lose_answer' });
    const count = fake.tweets.size;
    const err = await rejection(provider.publish(freshAccount(), { text: uniqueText(), media: [media('l.jpg', await jpeg(50, 50), 'image/jpeg')] }, 'k'));
    expect(err).toBeInstanceOf(TransientError);
    expect(fake.tweets.size).toBe(count);
  });

  it('a lost answer on the create call → UnknownOutcome; findPublished then finds the post', async () => {
    const acc = freshAccount();
    const since = new Date(Date.now() - 1000);
    const content: PublishContent = { text: uniqueText('Lost in transit: see https://example.com/menu?x=1 & more'), media: [media('u.jpg', await jpeg(60, 60), 'image/jpeg')] };
    fake.failNext('POST /2/tweets', { kind: 'lose_answer' });
    const err = await rejection(provider.publish(acc, content, 'key-lost'));
    expect(err).toBeInstanceOf(UnknownOutcomeError);
    const created = [...fake.tweets.values()].find((t) => t.sentText === content.text)!;
    expect(created).toBeDefined();
    // X stores t.co links and escaped text: the match must see through that.
    expect(created.text).not.toContain('example.com');
    expect(created.text).toContain('&amp;');

    const found = await provider.findPublished(acc, 'key-lost', since, { text: content.text, mediaCount: content.media.length });
    expect(found).toMatchObject({ platformPostId: created.id, permalink: `https://x.com/acmecoffee/status/${created.id}` });
    expect(found!.publishedAt?.getTime()).toBe(created.createdAt.getTime());
  });

  it('cannot be reached → Transient', async () => {
    const closed = await FakeX.start(CLIENT);
    const url = closed.url;
    await closed.close();
    const offline = new XProvider(loadConfig({ X_CLIENT_ID: 'id', X_CLIENT_SECRET: 's', HERALD_X_API_URL: url }).social.x);
    expect(await rejection(offline.publish(freshAccount(), textOnly(), 'k'))).toBeInstanceOf(TransientError);
  });
});

describe('X findPublished', () => {
  it('matches exactly the text and media count, after `since`, across pages', async () => {
    const acc = freshAccount();
    const text = uniqueText('Open late tonight: menu at example.com/today');
    fake.seedTweet(USER_ID, text, new Date(Date.now() - 3_600_000)); // same text, but before `since`
    const since = new Date(Date.now() - 60_000);
    const target = fake.seedTweet(USER_ID, text, new Date(Date.now() - 30_000));
    fake.seedTweet(USER_ID, `${text}!`, new Date(Date.now() - 20_000)); // near miss
    fake.seedTweet(USER_ID, text, new Date(Date.now() - 10_000), 1); // same text with an image
    for (let i = 0; i < 5; i++) fake.seedTweet(USER_ID, uniqueText('Noise'), new Date(Date.now() - 5_000 + i));
    fake.timelinePageSize = 2;

    const found = await provider.findPublished(acc, 'k', since, { text, mediaCount: 0 });
    expect(found?.platformPostId).toBe(target.id);
    const pages = fake.requests.filter((r) => r.route === 'GET /2/users/:id/tweets');
    expect(pages.length).toBeGreaterThan(3);
    expect(pages[0]!.path).toBe(`/2/users/${USER_ID}/tweets`);
    expect(pages[0]!.query.start_time).toBe(since.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    expect(pages[1]!.query.pagination_token).toBeDefined();
  });

  it('returns null only after reading everything since `since`', async () => {
    fake.timelinePageSize = 3;
    for (let i = 0; i < 7; i++) fake.seedTweet(USER_ID, uniqueText('Other'), new Date(Date.now() - 1000 + i));
    const found = await provider.findPublished(freshAccount(), 'k', new Date(Date.now() - 5_000), { text: uniqueText('Never sent'), mediaCount: 0 });
    expect(found).toBeNull();
    expect(fake.requests.filter((r) => r.route === 'GET /2/users/:id/tweets').length).toBeGreaterThanOrEqual(3);
  });

  it('needs the content, and propagates errors instead of guessing', async () => {
    expect(await rejection(provider.findPublished(freshAccount(), 'k', new Date()))).toBeInstanceOf(RejectedError);
    fake.failNext('GET /2/users/:id/tweets', { kind: 'unavailable' });
    expect(await rejection(provider.findPublished(freshAccount(), 'k', new Date(), { text: 'x', mediaCount: 0 }))).toBeInstanceOf(TransientError);
  });
});

describe('X delete', () => {
  it('deletes a post; deleting it again is refused', async () => {
    const acc = freshAccount();
    const published = await provider.publish(acc, { text: uniqueText('Short-lived'), media: [] }, 'k');
    await provider.delete(acc, published.platformPostId);
    expect(fake.tweets.has(published.platformPostId)).toBe(false);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/2/tweets/${published.platformPostId}` });
    const again = await rejection(provider.delete(acc, published.platformPostId));
    expect(again).toBeInstanceOf(RejectedError);
    expect(again.message).toContain('Could not find tweet');
  });
});

describe('X metrics', () => {
  afterEach(() => fake.mediaViews.clear());

  it('normalises non-public, organic and public metrics, falling back to public ones when refused', async () => {
    const acc = freshAccount();
    const recent = fake.seedTweet(USER_ID, uniqueText('Recent'), new Date(Date.now() - 3_600_000));
    Object.assign(recent.publicMetrics, { like_count: 12, reply_count: 3, retweet_count: 4, quote_count: 2, bookmark_count: 5, impression_count: 900 });
    Object.assign(recent.nonPublicMetrics, { impression_count: 1000, url_link_clicks: 17 });
    const old = fake.seedTweet(USER_ID, uniqueText('Old'), new Date(Date.now() - 40 * 86_400_000));
    Object.assign(old.publicMetrics, { like_count: 1, reply_count: 0, retweet_count: 0, quote_count: 1, bookmark_count: 0, impression_count: 50 });
    const withVideo = fake.seedTweet(USER_ID, uniqueText('Clip'), new Date(), 1);
    withVideo.mediaKeys = ['7_123'];
    fake.mediaViews.set('7_123', 321);

    const metrics = await provider.metrics(acc, [recent.id, old.id, withVideo.id, '999']);
    const byId = new Map(metrics.map((m) => [m.platformPostId, m]));
    expect(byId.get(recent.id)).toEqual({ platformPostId: recent.id, impressions: 1000, reach: null, likes: 12, comments: 3, shares: 6, saves: 5, clicks: 17, videoViews: null });
    expect(byId.get(old.id)).toEqual({ platformPostId: old.id, impressions: 50, reach: null, likes: 1, comments: 0, shares: 1, saves: 0, clicks: null, videoViews: null });
    expect(byId.get(withVideo.id)?.videoViews).toBe(321);
    expect(byId.has('999')).toBe(false); // deleted on X

    const lookups = fake.requests.filter((r) => r.route === 'GET /2/tweets');
    expect(lookups).toHaveLength(2);
    expect(lookups[0]!.query['tweet.fields']).toBe('public_metrics,non_public_metrics,organic_metrics');
    expect(lookups[1]!.query).toMatchObject({ ids: old.id, 'tweet.fields': 'public_metrics' });
  });

  it('falls back to public metrics when the whole request is refused', async () => {
    const t = fake.seedTweet(USER_ID, uniqueText('Any'), new Date());
    t.publicMetrics.like_count = 7;
    fake.failNext('GET /2/tweets', { kind: 'answer', status: 403, body: { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' } });
    const [m] = await provider.metrics(freshAccount(), [t.id]);
    expect(m).toMatchObject({ platformPostId: t.id, likes: 7, clicks: null });
  });

  it('asks in batches of 100 ids', async () => {
    const ids = Array.from({ length: 150 }, () => fake.seedTweet(USER_ID, uniqueText('Batch'), new Date()).id);
    const metrics = await provider.metrics(freshAccount(), ids);
    expect(metrics).toHaveLength(150);
    const lookups = fake.requests.filter((r) => r.route === 'GET /2/tweets');
    expect(lookups.map((l) => l.query.ids!.split(',').length)).toEqual([100, 50]);
  });
});
