import { createHash, randomUUID } from 'node:crypto';
import { pipeline, Transform, type Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../src/integrations/social/errors.js';
import { newPkce } from '../src/integrations/social/oauth.js';
import type { MediaItem } from '../src/integrations/social/provider.js';
import { LinkedInProvider } from '../src/integrations/social/linkedin/linkedin.provider.js';
import { TikTokProvider } from '../src/integrations/social/tiktok/tiktok.provider.js';
import { CHUNK_BYTES as X_SEGMENT_BYTES } from '../src/integrations/social/x/x.media.js';
import { XProvider } from '../src/integrations/social/x/x.provider.js';
import type { GetOptions, ObjectInfo, PutOptions, Storage } from '../src/integrations/storage/storage.js';
import { mediaForPublish } from '../src/modules/media/for-posts.js';
import { FakeLinkedIn } from './fakes/linkedin.js';
import { FakeS3 } from './fakes/s3.js';
import { FakeTikTok } from './fakes/tiktok.js';
import { FakeX } from './fakes/x.js';
import { abortWhen, quietCount } from './helpers/abort.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { ownerWithWorkspace } from './helpers/workspace.js';
import { upload, video } from './media-fixtures.js';

/**
 * Videos reach the platforms in parts streamed from Herald's media store, never whole from memory
 * (issue 7, item 7). A 48 MB MP4 is uploaded through Herald's media API, then published with the
 * media items the publisher hands over (`mediaForPublish`) through X (INIT/APPEND/FINALIZE), LinkedIn
 * (a PUT per upload instruction) and TikTok (FILE_UPLOAD chunks with Content-Range) against their
 * contract fakes, with the media store on local disk and on S3.
 *
 * How memory is judged. Sampling RSS or arrayBuffers is noisy on a shared machine, and the fakes,
 * which keep what they receive, live in this very process. So the test meters the store instead: a
 * wrapper around the real Storage counts every chunk it hands out, and at each chunk records how many
 * bytes have been read from the store but have not yet arrived at the platform. Those bytes are all
 * Herald can be holding of the video at that moment, so the largest such lead bounds the upload's
 * memory. Reading the whole file first (what publishing did before) shows a lead of the whole file and
 * one chunk of 48 MB; streaming part by part keeps the lead within one part plus stream buffers, and
 * every chunk at stream size. Both figures are counts of bytes: load and GC timing cannot move them.
 */

const MB = 1024 * 1024;
const VIDEO_BYTES = 48 * MB;
/** Stream buffers between the store and the socket (file reads of 64 KB, a few 16 KB transform buffers). */
const SLACK = 1 * MB;

/** The real store, with every byte it hands out counted (see above). */
class MeteredStorage implements Storage {
  readonly kind: Storage['kind'];
  read = 0;
  largestChunk = 0;
  maxLead = 0;
  /** Streams handed out and not yet closed. */
  readonly open = new Set<Readable>();
  private arrived: () => number = () => 0;

  constructor(private readonly inner: Storage) {
    this.kind = inner.kind;
  }

  /** Starts a new measurement; `arrived` counts the bytes the platform has received so far. */
  measure(arrived: () => number): void {
    Object.assign(this, { read: 0, largestChunk: 0, maxLead: 0, arrived });
  }

  private take(bytes: number): void {
    this.read += bytes;
    this.largestChunk = Math.max(this.largestChunk, bytes);
    this.maxLead = Math.max(this.maxLead, this.read - this.arrived());
  }

  async get(key: string, opts?: GetOptions): Promise<Readable> {
    const source = await this.inner.get(key, opts);
    this.open.add(source);
    source.once('close', () => this.open.delete(source));
    const meter = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.take(chunk.length);
        done(null, chunk);
      },
    });
    return pipeline(source, meter, () => undefined);
  }

  async getBuffer(key: string): Promise<Buffer> {
    const bytes = await this.inner.getBuffer(key);
    this.take(bytes.length);
    return bytes;
  }

  put(key: string, body: Readable | Buffer, opts: PutOptions): Promise<{ sizeBytes: number }> {
    return this.inner.put(key, body, opts);
  }
  head(key: string): Promise<ObjectInfo | null> {
    return this.inner.head(key);
  }
  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}

const REDIRECT = 'http://herald.test/api/v1/oauth/callback';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let x: FakeX;
let linkedin: FakeLinkedIn;
let tiktok: FakeTikTok;
let s3: FakeS3;
const file = video({ durationSeconds: 20, mdatBytes: VIDEO_BYTES - 1024 });
const fileHash = sha256(file);

beforeAll(async () => {
  x = await FakeX.start({ clientId: 'x-app', clientSecret: 'x-secret', redirectUris: [REDIRECT] });
  x.processing = { steps: ['succeeded'], checkAfterSecs: 0, failure: 'Unsupported video format' };
  linkedin = await FakeLinkedIn.start({ clientId: 'li-app', clientSecret: 'li-secret', redirectUris: [REDIRECT] });
  linkedin.videoProcessingPolls = 0;
  tiktok = await FakeTikTok.start({ clientKey: 'awtiktokkey', clientSecret: 'tiktok-secret', redirectUris: [REDIRECT] });
  tiktok.processingPolls = 0;
  s3 = await FakeS3.start({ bucket: 'herald-media', region: 'eu-central-1' });
});

afterAll(async () => {
  await Promise.all([x?.close(), linkedin?.close(), tiktok?.close(), s3?.close()]);
});

const platformEnv = () => ({
  X_CLIENT_ID: 'x-app',
  X_CLIENT_SECRET: 'x-secret',
  HERALD_X_AUTH_URL: x.authorizeUrl,
  HERALD_X_API_URL: x.url,
  LINKEDIN_CLIENT_ID: 'li-app',
  LINKEDIN_CLIENT_SECRET: 'li-secret',
  HERALD_LINKEDIN_AUTH_URL: linkedin.oauthUrl,
  HERALD_LINKEDIN_API_URL: linkedin.baseUrl,
  TIKTOK_CLIENT_KEY: 'awtiktokkey',
  TIKTOK_CLIENT_SECRET: 'tiktok-secret',
  HERALD_TIKTOK_AUTH_URL: tiktok.authUrl,
  HERALD_TIKTOK_API_URL: tiktok.baseUrl,
});

// ── What each fake has received of the upload under way ────────────────────────────────────────

/** X: segments of uploads started after `since` (ids known before the publish). */
function xSegments(since: Set<string>): Buffer[] {
  const fresh = [...x.uploads.values()].filter((u) => !since.has(u.id) && u.kind === 'video');
  return fresh.flatMap((u) => [...u.segments.entries()].sort(([a], [b]) => a - b).map(([, bytes]) => bytes));
}
const total = (parts: Buffer[]) => parts.reduce((n, b) => n + b.length, 0);

describe.each(['local', 's3'] as const)('a 48 MB video from %s storage', (store) => {
  let t: TestApp;
  let meter: MeteredStorage;
  /** The video as the publisher hands it to `p`'s provider. */
  const media = async (p: 'x' | 'linkedin' | 'tiktok'): Promise<MediaItem[]> => {
    const items = await mediaForPublish(t.runtime, orgId, [videoId], p);
    expect(items).toEqual([expect.objectContaining({ kind: 'video', sizeBytes: file.length })]);
    return items;
  };
  let orgId = '';
  let videoId = '';

  beforeAll(async () => {
    t = await createTestApp({ ...platformEnv(), ...(store === 's3' ? s3.env() : {}) });
    const owner = await ownerWithWorkspace(t.app, { sandboxChannels: 0 });
    orgId = owner.orgId;
    const uploaded = await upload(t.app, owner.token, owner.workspaceId, { data: file, filename: 'launch.mp4', contentType: 'video/mp4' });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    videoId = uploaded.body.id;
    meter = new MeteredStorage(t.runtime.storage);
    t.runtime.storage = meter;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('X: each APPEND segment is read from the store as it goes, and X gets the file exactly', async () => {
    const provider = new XProvider(t.config.social.x);
    const since = new Set(x.uploads.keys());
    meter.measure(() => total(xSegments(since)));
    const published = await provider.publish({ externalId: x.consentingUser, credentials: { accessToken: x.issueToken().accessToken } }, { text: `Launch day ${randomUUID()}`, media: await media('x') }, randomUUID());
    expect(published.platformPostId).toMatch(/^\d+$/);

    const segments = xSegments(since);
    expect(segments).toHaveLength(Math.ceil(file.length / X_SEGMENT_BYTES));
    expect(sha256(Buffer.concat(segments))).toBe(fileHash);
    expect(meter.read).toBe(file.length);
    expect(meter.largestChunk).toBeLessThanOrEqual(SLACK);
    expect(meter.maxLead).toBeLessThanOrEqual(X_SEGMENT_BYTES + SLACK);
    expect(meter.open.size).toBe(0);
  });

  it('LinkedIn: each part is streamed from the store into its PUT, and LinkedIn gets the file exactly', async () => {
    const provider = new LinkedInProvider(t.config.social.linkedin, { videoWait: { pollMs: 5, maxWaitMs: 2000 } });
    const start = linkedin.uploads.length;
    meter.measure(() => linkedin.uploads.slice(start).reduce((n, u) => n + u.bytes, 0));
    const account = { externalId: `urn:li:person:${linkedin.member.sub}`, credentials: { accessToken: linkedin.issueToken() } };
    await provider.publish(account, { text: `Launch day ${randomUUID()}`, media: await media('linkedin') }, randomUUID());

    expect(linkedin.uploads.slice(start)).toHaveLength(Math.ceil(file.length / linkedin.videoPartBytes));
    expect(sha256(linkedin.newestVideoBytes())).toBe(fileHash);
    expect(meter.read).toBe(file.length);
    expect(meter.largestChunk).toBeLessThanOrEqual(SLACK);
    expect(meter.maxLead).toBeLessThanOrEqual(linkedin.videoPartBytes + SLACK);
    expect(meter.open.size).toBe(0);
  });

  it('TikTok: each FILE_UPLOAD chunk is streamed from the store with its Content-Range, and TikTok gets the file exactly', async () => {
    const chunkBytes = 16 * MB;
    const provider = new TikTokProvider(t.config.social.tiktok, { pollIntervalMs: 5, publishWaitMs: 3000, postIdWaitMs: 100, chunkBytes });
    const pkce = newPkce();
    const consent = await fetch(provider.oauth.authorizeUrl('state', pkce, REDIRECT), { redirect: 'manual' });
    const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const credentials = await provider.oauth.exchangeCode(code, pkce, REDIRECT);
    const [target] = await provider.oauth.listTargets(credentials);
    const session = () => [...tiktok.sessions.values()].at(-1);
    const arrivedBefore = tiktok.uploadBytesArrived;
    // Counted as the bytes come off TikTok's socket, not when a chunk is complete.
    meter.measure(() => tiktok.uploadBytesArrived - arrivedBefore);
    await provider.publish({ externalId: target!.externalId, credentials }, { text: `Launch day ${randomUUID()}`, media: await media('tiktok') }, randomUUID());

    const chunks = session()!.chunks;
    // floor(48 MB / 16 MB) = 2 chunks (the file is a little under 48 MiB); the last one takes the
    // remainder, up to twice the chunk size (TikTok's rule).
    expect(chunks.map((c) => c.length)).toEqual([chunkBytes, file.length - chunkBytes]);
    expect(sha256(Buffer.concat(chunks))).toBe(fileHash);
    // At most one byte more: the probe that the video can be read before an init (6 a minute) is spent.
    expect(meter.read).toBeGreaterThanOrEqual(file.length);
    expect(meter.read).toBeLessThanOrEqual(file.length + 1);
    expect(meter.largestChunk).toBeLessThanOrEqual(SLACK);
    // Streamed into the request: what is read ahead of TikTok's socket reads sits in stream buffers and
    // the kernel's socket buffers (a loopback send buffer holds up to tcp_wmem's 4 MB), never a whole
    // chunk in Herald's memory (buffering each chunk would read 32 MB ahead for the last one).
    expect(meter.maxLead).toBeLessThan(chunkBytes);
    expect(meter.open.size).toBe(0);
  });

  it('stops reading when Herald abandons the call: the file or download is closed and the rest never read (X and LinkedIn)', async () => {
    const xProvider = new XProvider(t.config.social.x);
    const since = new Set(x.uploads.keys());
    meter.measure(() => total(xSegments(since)));
    const stopX = abortWhen(() => xSegments(since).length >= 2);
    const xAccount = { externalId: x.consentingUser, credentials: { accessToken: x.issueToken().accessToken } };
    const xErr = await xProvider.publish(xAccount, { text: `Abandoned ${randomUUID()}`, media: await media('x') }, randomUUID(), { signal: stopX.signal }).catch((e: unknown) => e);
    expect(xErr).toBeInstanceOf(TransientError);
    await closed(meter);
    expect(meter.read).toBeLessThan(file.length / 2);
    const xArrived = xSegments(since).length;
    expect(await quietCount(() => xSegments(since).length)).toBe(xArrived);

    const liProvider = new LinkedInProvider(t.config.social.linkedin, { videoWait: { pollMs: 5, maxWaitMs: 2000 } });
    const start = linkedin.uploads.length;
    meter.measure(() => 0);
    const stopLi = abortWhen(() => linkedin.uploads.length > start);
    const liAccount = { externalId: `urn:li:person:${linkedin.member.sub}`, credentials: { accessToken: linkedin.issueToken() } };
    const liErr = await liProvider.publish(liAccount, { text: `Abandoned ${randomUUID()}`, media: await media('linkedin') }, randomUUID(), { signal: stopLi.signal }).catch((e: unknown) => e);
    expect(liErr).toBeInstanceOf(TransientError);
    await closed(meter);
    expect(meter.read).toBeLessThan(file.length / 2);
    const liArrived = linkedin.uploads.length;
    expect(await quietCount(() => linkedin.uploads.length)).toBe(liArrived);
  });
});

/** Waits (up to 2 s) until every stream the store handed out has closed, then checks that they all did. */
async function closed(meter: MeteredStorage): Promise<void> {
  for (let i = 0; i < 200 && meter.open.size > 0; i++) await sleep(10);
  expect(meter.open.size).toBe(0);
}
