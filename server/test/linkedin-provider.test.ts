import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { AuthExpiredError, RateLimitedError, RejectedError, TransientError, UnknownOutcomeError } from '../src/integrations/social/errors.js';
import { LinkedInProvider } from '../src/integrations/social/linkedin/linkedin.provider.js';
import { toLittleText } from '../src/integrations/social/linkedin/linkedin.text.js';
import type { Credentials, MediaItem } from '../src/integrations/social/provider.js';
import { APPROVED_SCOPES, FakeLinkedIn } from './fakes/linkedin.js';
import { jpeg, png, video } from './media-fixtures.js';
import { abortWhen, quietCount } from './helpers/abort.js';
import { openBytes } from './helpers/media-item.js';

const REDIRECT = 'http://localhost:8080/api/channels/linkedin/callback';
const VERSION = '202610';
const PKCE = { verifier: 'unused-by-linkedin', challenge: 'unused-by-linkedin' };

let fake: FakeLinkedIn;
let provider: LinkedInProvider;
let mediaServer: Server;
let mediaBase = '';
const mediaFiles = new Map<string, Buffer>();

function newProvider(version = VERSION, videoWait = { pollMs: 5, maxWaitMs: 2000 }): LinkedInProvider {
  const app = loadConfig({
    LINKEDIN_CLIENT_ID: 'li-client',
    LINKEDIN_CLIENT_SECRET: 'li-secret',
    HERALD_LINKEDIN_AUTH_URL: fake.oauthUrl,
    HERALD_LINKEDIN_API_URL: fake.baseUrl,
    HERALD_LINKEDIN_VERSION: version,
  }).social.linkedin;
  return new LinkedInProvider(app, { videoWait });
}

/** Media behind a URL of a local HTTP server, its bytes streamed as Herald's media store gives them. */
function media(kind: 'image' | 'video', mime: string, bytes: Buffer, altText?: string): MediaItem {
  const path = `/m/${mediaFiles.size + 1}`;
  mediaFiles.set(path, bytes);
  const url = `${mediaBase}${path}`;
  return {
    kind,
    mime,
    sizeBytes: bytes.length,
    altText,
    url,
    open: openBytes(bytes),
  };
}

const ORG = { id: '2414183', name: 'Acme Corp', vanityName: 'acme' };
const memberUrn = () => `urn:li:person:${fake.member.sub}`;
const orgUrn = `urn:li:organization:${ORG.id}`;
/** A page where the member is a Content admin: LinkedIn lets that role post as the page too. */
const CONTENT_ORG = { id: '555', name: 'Content Co', vanityName: 'contentco' };
const account = (externalId: string, accessToken: string) => ({ externalId, credentials: { accessToken } as Credentials });

beforeAll(async () => {
  fake = await FakeLinkedIn.start({ clientId: 'li-client', clientSecret: 'li-secret', redirectUris: [REDIRECT] });
  mediaServer = createServer((req, res) => {
    const bytes = mediaFiles.get(req.url ?? '');
    if (!bytes) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
  });
  await new Promise<void>((resolve) => mediaServer.listen(0, '127.0.0.1', resolve));
  mediaBase = `http://127.0.0.1:${(mediaServer.address() as AddressInfo).port}`;
  fake.addOrganization(ORG, true);
  fake.addOrganization({ id: '999', name: 'Not Mine Ltd', vanityName: 'notmine' }, false);
  fake.addOrganization(CONTENT_ORG, 'CONTENT_ADMINISTRATOR');
  fake.addOrganization({ id: '777', name: 'Analysts Only', vanityName: 'analysts' }, 'ANALYST');
});

afterAll(async () => {
  await fake.close();
  await new Promise<void>((resolve) => mediaServer.close(() => resolve()));
});

beforeEach(() => {
  provider = newProvider();
});

afterEach(() => {
  fake.issueRefreshTokens = true;
  fake.approvedScopes = [...APPROVED_SCOPES];
  fake.videoPartBytes = 4 * 1024 * 1024;
});

/** Runs the consent screen: follows the authorize URL to the redirect and reads code/state/error. */
async function consent(url: string): Promise<URLSearchParams> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return location.searchParams;
}

describe('OAuth', () => {
  it('authorizes, exchanges the code and lists the member and the organizations they administer', async () => {
    const url = new URL(provider.oauth.authorizeUrl('st4te', PKCE, REDIRECT));
    expect(`${url.origin}${url.pathname}`).toBe(`${fake.oauthUrl}/authorization`);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('client_id')).toBe('li-client');
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(url.searchParams.get('state')).toBe('st4te');
    expect(url.searchParams.get('scope')).toBe('openid profile w_member_social r_organization_social w_organization_social rw_organization_admin');
    expect(url.searchParams.has('code_challenge')).toBe(false);

    const back = await consent(url.toString());
    expect(back.get('state')).toBe('st4te');
    const code = back.get('code')!;
    const before = Date.now();
    const creds = await provider.oauth.exchangeCode(code, PKCE, REDIRECT);
    expect(fake.tokenRequests.at(-1)).toEqual({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: 'li-client', client_secret: 'li-secret' });
    expect(creds.accessToken).toMatch(/^AQV/);
    expect(Date.parse(creds.expiresAt!) - before).toBeGreaterThanOrEqual(60 * 86_400_000 - 5000);
    expect(Date.parse(creds.expiresAt!) - before).toBeLessThanOrEqual(60 * 86_400_000 + 5000);
    expect(creds.refreshToken).toMatch(/^AQX/);
    expect(Math.abs(Date.parse(creds.refreshExpiresAt!) - (before + 365 * 86_400_000))).toBeLessThan(10_000);
    expect(creds.scopes).toEqual(['openid', 'profile', 'w_member_social', 'r_organization_social', 'w_organization_social', 'rw_organization_admin']);

    // Codes are single use.
    await expect(provider.oauth.exchangeCode(code, PKCE, REDIRECT)).rejects.toBeInstanceOf(RejectedError);

    const targets = await provider.oauth.listTargets(creds);
    expect(targets).toEqual([
      { externalId: memberUrn(), name: 'Ada Lovelace', avatarUrl: fake.member.picture, kind: 'profile' },
      { externalId: orgUrn, name: 'Acme Corp', username: 'acme', kind: 'organization' },
      { externalId: `urn:li:organization:${CONTENT_ORG.id}`, name: 'Content Co', username: 'contentco', kind: 'organization' },
    ]);
    const orgCall = fake.requests.find((r) => r.path === '/rest/organizations')!;
    expect(orgCall.query).toBe(`ids=List(${ORG.id},${CONTENT_ORG.id})`);
    const aclQueries = fake.requests.filter((r) => r.path === '/rest/organizationAcls').map((r) => r.query);
    expect(aclQueries.some((q) => q.includes('q=roleAssignee&role=ADMINISTRATOR&state=APPROVED'))).toBe(true);
    expect(aclQueries.some((q) => q.includes('q=roleAssignee&role=CONTENT_ADMINISTRATOR&state=APPROVED'))).toBe(true);
  });

  it('publishes as an organization where the member is a Content admin', async () => {
    const token = fake.issueToken();
    const published = await provider.publish(account(`urn:li:organization:${CONTENT_ORG.id}`, token), { text: 'From the content team', media: [] }, 'k-content-admin');
    expect(published.platformPostId).toMatch(/^urn:li:share:/);
    expect(fake.posts.at(-1)).toMatchObject({ author: `urn:li:organization:${CONTENT_ORG.id}`, commentary: 'From the content team' });
  });

  it('rejects a code sent with another redirect_uri', async () => {
    const back = await consent(provider.oauth.authorizeUrl('s', PKCE, REDIRECT));
    const err = await provider.oauth.exchangeCode(back.get('code')!, PKCE, 'http://localhost:8080/elsewhere').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RejectedError);
    expect((err as Error).message).toContain('Unable to retrieve access token');
  });

  it('passes on a refusal on the consent screen and refuses scopes the app was not approved for', async () => {
    fake.denyNext();
    expect((await consent(provider.oauth.authorizeUrl('s1', PKCE, REDIRECT))).get('error')).toBe('user_cancelled_authorize');
    fake.approvedScopes = APPROVED_SCOPES.filter((s) => s !== 'rw_organization_admin');
    const back = await consent(provider.oauth.authorizeUrl('s2', PKCE, REDIRECT));
    expect(back.get('error')).toBe('unauthorized_scope_error');
    expect(back.get('state')).toBe('s2');
  });

  it('lists only the member when the token cannot read organization roles', async () => {
    const token = fake.issueToken(['openid', 'profile', 'w_member_social']);
    expect(await provider.oauth.listTargets({ accessToken: token })).toEqual([{ externalId: memberUrn(), name: 'Ada Lovelace', avatarUrl: fake.member.picture, kind: 'profile' }]);
  });

  it('refreshes with the refresh token, whose 365-day end does not move', async () => {
    const creds = await provider.oauth.exchangeCode((await consent(provider.oauth.authorizeUrl('s', PKCE, REDIRECT))).get('code')!, PKCE, REDIRECT);
    fake.ageRefreshToken(creds.refreshToken!, 100);
    const refreshed = await provider.oauth.refresh({ ...creds, refreshExpiresAt: new Date(Date.now() + 265 * 86_400_000).toISOString() });
    expect(fake.tokenRequests.at(-1)).toMatchObject({ grant_type: 'refresh_token', refresh_token: creds.refreshToken, client_id: 'li-client', client_secret: 'li-secret' });
    expect(refreshed.accessToken).not.toBe(creds.accessToken);
    expect(Date.parse(refreshed.expiresAt!) - Date.now()).toBeGreaterThan(59 * 86_400_000);
    expect(refreshed.refreshToken).toBe(creds.refreshToken);
    expect(Math.abs(Date.parse(refreshed.refreshExpiresAt!) - (Date.now() + 265 * 86_400_000))).toBeLessThan(10_000);
    // The new token works.
    expect((await provider.oauth.listTargets(refreshed))[0]!.externalId).toBe(memberUrn());
  });

  it('needs re-authorisation when LinkedIn gave no refresh token, or refuses it', async () => {
    fake.issueRefreshTokens = false;
    const creds = await provider.oauth.exchangeCode((await consent(provider.oauth.authorizeUrl('s', PKCE, REDIRECT))).get('code')!, PKCE, REDIRECT);
    expect(creds.refreshToken).toBeUndefined();
    expect(creds.refreshExpiresAt).toBeNull();
    const calls = fake.tokenRequests.length;
    await expect(provider.oauth.refresh(creds)).rejects.toBeInstanceOf(AuthExpiredError);
    expect(fake.tokenRequests.length).toBe(calls);
    await expect(provider.oauth.refresh({ ...creds, refreshToken: 'AQXnot-a-real-one' })).rejects.toBeInstanceOf(AuthExpiredError);
    await expect(provider.oauth.refresh({ ...creds, refreshToken: 'AQXx', refreshExpiresAt: new Date(Date.now() - 1000).toISOString() })).rejects.toThrow(/365 days/);
  });
});

describe('publishing', () => {
  it('publishes text as the member with the documented body, headers and escaped little text', async () => {
    const token = fake.issueToken();
    const text = 'Q3 (draft) results: up_wards [50%] <b> @team ~ * | {x} \\ and C# too. #launch #2026';
    const published = await provider.publish(account(memberUrn(), token), { text, media: [] }, 'key-text');
    expect(published.platformPostId).toMatch(/^urn:li:share:\d+$/);
    expect(published.permalink).toBe(`https://www.linkedin.com/feed/update/${published.platformPostId}`);
    const post = fake.posts.find((p) => p.urn === published.platformPostId)!;
    expect(post.body).toEqual({
      author: memberUrn(),
      commentary: toLittleText(text),
      visibility: 'PUBLIC',
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: false,
    });
    // Readers see the whole text: nothing was cut at a reserved character; hashtags stay hashtags.
    expect(post.shown).toBe(text);
    expect(post.commentary).toContain(' #launch #2026');
    expect(post.commentary).toContain('C\\# too');
    const create = fake.requests.filter((r) => r.path === '/rest/posts').at(-1)!;
    expect(create).toMatchObject({ method: 'POST', version: VERSION, restli: '2.0.0', authorized: true });
  });

  it('publishes one image with alt text as the organization', async () => {
    const token = fake.issueToken();
    const image = media('image', 'image/jpeg', await jpeg(800, 600), 'A chart going up');
    const published = await provider.publish(account(orgUrn, token), { text: 'One image', media: [image] }, 'key-image');
    const post = fake.posts.find((p) => p.urn === published.platformPostId)!;
    expect(post.author).toBe(orgUrn);
    const content = post.body.content as { media: { id: string; altText?: string } };
    expect(content.media.id).toMatch(/^urn:li:image:/);
    expect(content.media.altText).toBe('A chart going up');
    expect(fake.uploads.at(-1)).toEqual({ kind: 'image', bytes: image.sizeBytes });
  });

  it('publishes several images as a multi-image post, in order', async () => {
    const token = fake.issueToken();
    const items = [media('image', 'image/jpeg', await jpeg(400, 400)), media('image', 'image/png', await png(300, 200)), media('image', 'image/jpeg', await jpeg(200, 300), 'third')];
    const uploadsBefore = fake.uploads.length;
    const published = await provider.publish(account(memberUrn(), token), { text: 'Three images', media: items }, 'key-multi');
    expect(fake.uploads.slice(uploadsBefore).map((u) => u.bytes)).toEqual(items.map((i) => i.sizeBytes));
    const post = fake.posts.find((p) => p.urn === published.platformPostId)!;
    const images = (post.body.content as { multiImage: { images: { id: string; altText?: string }[] } }).multiImage.images;
    expect(images).toHaveLength(3);
    expect(new Set(images.map((i) => i.id)).size).toBe(3);
    expect(images[2]!.altText).toBe('third');
    expect(published.platformPostId).toMatch(/^urn:li:ugcPost:/);
  });

  it('uploads a video in the parts LinkedIn asks for, finalizes with the ETags, waits until AVAILABLE, then posts', async () => {
    const token = fake.issueToken();
    fake.videoPartBytes = 1000;
    const bytes = video({ mdatBytes: 3500 });
    const published = await provider.publish(account(orgUrn, token), { text: 'A video', media: [media('video', 'video/mp4', bytes)] }, 'key-video');
    const parts = fake.uploads.filter((u) => u.kind === 'video-part').slice(-Math.ceil(bytes.length / 1000));
    expect(parts.reduce((n, p) => n + p.bytes, 0)).toBe(bytes.length);
    const post = fake.posts.find((p) => p.urn === published.platformPostId)!;
    expect((post.body.content as { media: { id: string } }).media.id).toMatch(/^urn:li:video:/);
    const statusChecks = fake.requests.filter((r) => r.path.startsWith('/rest/videos/urn%3Ali%3Avideo%3A'));
    expect(statusChecks.length).toBeGreaterThanOrEqual(3); // PROCESSING twice, then AVAILABLE
  });

  it('stops at once when Herald abandons the call while LinkedIn processes the video, and posts nothing', async () => {
    const slow = newProvider(VERSION, { pollMs: 60_000, maxWaitMs: 120_000 });
    const token = fake.issueToken();
    fake.videoPartBytes = 1000;
    const posts = fake.posts.length;
    const start = fake.requests.length;
    const controller = abortWhen(() => fake.requests.slice(start).some((r) => r.path.startsWith('/rest/videos/urn%3Ali%3Avideo%3A')));
    const err = await slow.publish(account(orgUrn, token), { text: 'Abandoned video', media: [media('video', 'video/mp4', video({ mdatBytes: 2500 }))] }, 'key-abort', { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    const sent = fake.requests.length;
    expect(await quietCount(() => fake.requests.length)).toBe(sent);
    expect(fake.posts.length).toBe(posts);
  });

  it('fails with LinkedIn’s reason when the video cannot be processed, without posting', async () => {
    const token = fake.issueToken();
    fake.failNextVideoProcessing('VIDEO_DURATION_TOO_LONG');
    const count = fake.posts.length;
    const err = await provider.publish(account(orgUrn, token), { text: 'Bad video', media: [media('video', 'video/mp4', video())] }, 'key-badvideo').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RejectedError);
    expect((err as Error).message).toContain('VIDEO_DURATION_TOO_LONG');
    expect(fake.posts.length).toBe(count);
  });
});

describe('errors', () => {
  const publishText = (token: string, text: string, p = provider) => p.publish(account(memberUrn(), token), { text, media: [] }, `k-${text}`);

  it('maps expired and revoked tokens to AuthExpired', async () => {
    const expired = fake.issueToken();
    fake.expireToken(expired);
    const err = await publishText(expired, 'expired').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthExpiredError);
    expect((err as AuthExpiredError).platformCode).toBe('EXPIRED_ACCESS_TOKEN');
    expect((err as Error).message).not.toContain(expired);
    const revoked = fake.issueToken();
    fake.revokeToken(revoked);
    await expect(publishText(revoked, 'revoked')).rejects.toMatchObject({ kind: 'auth_expired', platformCode: 'REVOKED_ACCESS_TOKEN' });
  });

  it('maps 429 to RateLimited until midnight UTC, or Retry-After when sent', async () => {
    const token = fake.issueToken();
    fake.failNext('posts.create', { status: 429, body: { status: 429, serviceErrorCode: 101, message: 'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.' } });
    const err = await publishText(token, 'throttled').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect((err as RateLimitedError).retryAt.getTime()).toBe(midnight.getTime());
    expect((err as Error).message).toContain('APPLICATION DAY limit');

    fake.failNext('images.initializeUpload', { status: 429, body: { status: 429, message: 'Too many requests' }, headers: { 'retry-after': '120' } });
    const before = Date.now();
    const again = await provider.publish(account(memberUrn(), token), { text: 'img', media: [media('image', 'image/jpeg', await jpeg(50, 50))] }, 'k-img429').catch((e: unknown) => e);
    expect(again).toBeInstanceOf(RateLimitedError);
    expect((again as RateLimitedError).retryAt.getTime() - before).toBeGreaterThanOrEqual(119_000);
    expect((again as RateLimitedError).retryAt.getTime() - before).toBeLessThanOrEqual(121_000);
  });

  it('tells the operator to update HERALD_LINKEDIN_VERSION when the version is retired (426)', async () => {
    fake.retireVersion('202401');
    const old = newProvider('202401');
    const err = await publishText(fake.issueToken(), 'old version', old).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RejectedError);
    expect((err as RejectedError).platformCode).toBe('NONEXISTENT_VERSION');
    expect((err as Error).message).toMatch(/HERALD_LINKEDIN_VERSION/);
    expect((err as Error).message).toContain('Requested version 202401 is not active');
  });

  it('rejects duplicate content and forbidden authors with LinkedIn’s message', async () => {
    const token = fake.issueToken();
    const first = await publishText(token, 'Exactly the same words');
    const dup = await publishText(token, 'Exactly the same words').catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(RejectedError);
    expect((dup as Error).message).toContain(`Content is a duplicate of ${first.platformPostId}`);
    expect((dup as RejectedError).platformCode).toBe('DUPLICATE_POST');

    const forbidden = await provider.publish(account('urn:li:organization:999', token), { text: 'not my page', media: [] }, 'k-403').catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(RejectedError);
    expect((forbidden as Error).message).toContain('Not enough permissions to access');

    fake.failNext('posts.create', { status: 400, body: { status: 400, message: 'Invalid commentary' } });
    await expect(publishText(token, 'bad request')).rejects.toThrow(/Invalid commentary/);
  });

  it('maps 5xx to Transient, and a lost answer to the create call to UnknownOutcome', async () => {
    const token = fake.issueToken();
    fake.failNext('posts.create', { status: 503, body: { status: 503, message: 'Service Unavailable' } });
    await expect(publishText(token, 'five hundred')).rejects.toBeInstanceOf(TransientError);
    fake.failNext('images.upload', { status: 500, body: { status: 500, message: 'Internal Server Error' } });
    const count = fake.posts.length;
    await expect(provider.publish(account(memberUrn(), token), { text: 'upload fails', media: [media('image', 'image/png', await png(20, 20))] }, 'k-up500')).rejects.toBeInstanceOf(TransientError);
    expect(fake.posts.length).toBe(count);
    // A lost answer while uploading is harmless (nothing visible yet): Transient, not UnknownOutcome.
    fake.failNext('images.initializeUpload', { drop: 'before' });
    await expect(provider.publish(account(memberUrn(), token), { text: 'lost init', media: [media('image', 'image/png', await png(20, 20))] }, 'k-drop')).rejects.toBeInstanceOf(TransientError);
    fake.failNext('posts.create', { drop: 'after' });
    await expect(publishText(token, 'answer lost')).rejects.toBeInstanceOf(UnknownOutcomeError);
    expect(fake.livePosts().some((p) => p.shown === 'answer lost')).toBe(true);
  });
});

describe('findPublished', () => {
  it('finds an organization post by its exact text after a lost answer, and is certain when it is absent', async () => {
    const token = fake.issueToken();
    const since = new Date(Date.now() - 60_000);
    fake.failNext('posts.create', { drop: 'after' });
    await expect(provider.publish(account(orgUrn, token), { text: 'Lost (but posted) #news', media: [] }, 'key-lost')).rejects.toBeInstanceOf(UnknownOutcomeError);
    const made = fake.livePosts().find((p) => p.shown === 'Lost (but posted) #news')!;
    // The same process remembers what it sent.
    expect(await provider.findPublished(account(orgUrn, token), 'key-lost', since)).toMatchObject({ platformPostId: made.urn, permalink: `https://www.linkedin.com/feed/update/${made.urn}` });
    // Another process is given the text.
    const other = newProvider();
    expect((await other.findPublished(account(orgUrn, token), 'key-lost', since, { text: 'Lost (but posted) #news' }))?.platformPostId).toBe(made.urn);
    expect(await other.findPublished(account(orgUrn, token), 'key-lost', since, { text: 'Something never posted' })).toBeNull();
    const list = fake.requests.filter((r) => r.path === '/rest/posts' && r.method === 'GET').at(-1)!;
    expect(list.query).toContain(`author=${encodeURIComponent(orgUrn)}`);
    expect(list.query).toContain('q=author');
    // Without the text, it cannot tell.
    await expect(other.findPublished(account(orgUrn, token), 'key-lost', since)).rejects.toBeInstanceOf(UnknownOutcomeError);
  });

  it('ignores a matching post made before `since`', async () => {
    const token = fake.issueToken();
    const old = await provider.publish(account(orgUrn, token), { text: 'Posted long ago', media: [] }, 'key-old');
    fake.backdate(old.platformPostId, 3_600_000);
    expect(await provider.findPublished(account(orgUrn, token), 'key-old', new Date(Date.now() - 600_000), { text: 'Posted long ago' })).toBeNull();
  });

  it('cannot tell for a member without r_member_social, and finds the post with it', async () => {
    const text = 'Member post to find';
    const plain = fake.issueToken();
    const made = await provider.publish(account(memberUrn(), plain), { text, media: [] }, 'key-member');
    const since = new Date(Date.now() - 60_000);
    await expect(newProvider().findPublished(account(memberUrn(), plain), 'key-member', since, { text })).rejects.toBeInstanceOf(UnknownOutcomeError);
    const privileged = fake.issueToken([...APPROVED_SCOPES, 'r_member_social']);
    expect((await newProvider().findPublished(account(memberUrn(), privileged), 'key-member', since, { text }))?.platformPostId).toBe(made.platformPostId);
  });
});

describe('delete and metrics', () => {
  it('deletes a post by its URL-encoded URN, idempotently', async () => {
    const token = fake.issueToken();
    const made = await provider.publish(account(orgUrn, token), { text: 'To be deleted', media: [] }, 'key-del');
    await provider.delete(account(orgUrn, token), made.platformPostId);
    expect(fake.posts.find((p) => p.urn === made.platformPostId)!.deleted).toBe(true);
    expect(fake.requests.at(-1)!.path).toBe(`/rest/posts/${encodeURIComponent(made.platformPostId)}`);
    await expect(provider.delete(account(orgUrn, token), made.platformPostId)).resolves.toBeUndefined();
    await expect(provider.delete(account(orgUrn, token), 'not-a-urn')).rejects.toBeInstanceOf(RejectedError);
  });

  it('reads organization share statistics for share and ugcPost URNs; unknown posts get nulls', async () => {
    const token = fake.issueToken();
    const share = await provider.publish(account(orgUrn, token), { text: 'Stats share', media: [] }, 'key-s1');
    const ugc = await provider.publish(account(orgUrn, token), { text: 'Stats multi', media: [media('image', 'image/jpeg', await jpeg(64, 64)), media('image', 'image/jpeg', await jpeg(64, 65))] }, 'key-s2');
    fake.setStats(share.platformPostId, { impressionCount: 1000, uniqueImpressionsCount: 800, likeCount: 40, commentCount: 5, shareCount: 3, clickCount: 70 });
    fake.setStats(ugc.platformPostId, { impressionCount: 10, uniqueImpressionsCount: 9, likeCount: 1, commentCount: 0, shareCount: 0, clickCount: 2 });
    const metrics = await provider.metrics(account(orgUrn, token), [share.platformPostId, ugc.platformPostId, 'urn:li:share:1']);
    expect(metrics).toEqual([
      { platformPostId: share.platformPostId, impressions: 1000, reach: 800, likes: 40, comments: 5, shares: 3, saves: null, clicks: 70, videoViews: null },
      { platformPostId: ugc.platformPostId, impressions: 10, reach: 9, likes: 1, comments: 0, shares: 0, saves: null, clicks: 2, videoViews: null },
      { platformPostId: 'urn:li:share:1', impressions: null, reach: null, likes: null, comments: null, shares: null, saves: null, clicks: null, videoViews: null },
    ]);
    const statCalls = fake.requests.filter((r) => r.path === '/rest/organizationalEntityShareStatistics').slice(-2);
    expect(statCalls[0]!.query).toContain(`shares=List(${encodeURIComponent(share.platformPostId)},${encodeURIComponent('urn:li:share:1')})`);
    expect(statCalls[1]!.query).toContain(`ugcPosts=List(${encodeURIComponent(ugc.platformPostId)})`);
  });

  it('reads member post analytics only with r_member_postAnalytics, else gives nulls without asking', async () => {
    const plain = fake.issueToken();
    const made = await provider.publish(account(memberUrn(), plain), { text: 'Member stats', media: [] }, 'key-ms');
    fake.setStats(made.platformPostId, { impressionCount: 321, uniqueImpressionsCount: 300, likeCount: 12, commentCount: 4, shareCount: 2, clickCount: 99 });
    const calls = fake.requests.length;
    expect(await provider.metrics({ externalId: memberUrn(), credentials: { accessToken: plain, scopes: [...APPROVED_SCOPES] } }, [made.platformPostId])).toEqual([
      { platformPostId: made.platformPostId, impressions: null, reach: null, likes: null, comments: null, shares: null, saves: null, clicks: null, videoViews: null },
    ]);
    expect(fake.requests.length).toBe(calls);
    const scopes = [...APPROVED_SCOPES, 'r_member_postAnalytics'];
    const token = fake.issueToken(scopes);
    expect(await provider.metrics({ externalId: memberUrn(), credentials: { accessToken: token, scopes } }, [made.platformPostId])).toEqual([
      { platformPostId: made.platformPostId, impressions: 321, reach: 300, likes: 12, comments: 4, shares: 2, saves: null, clicks: null, videoViews: null },
    ]);
    expect(fake.requests.at(-1)!.query).toContain(`entity=(share:${encodeURIComponent(made.platformPostId)})`);
  });
});
