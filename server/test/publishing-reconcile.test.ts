import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnknownOutcomeError } from '../src/integrations/social/errors.js';
import { MAX_RECONCILE_TRIES } from '../src/modules/publishing/reconciler.js';
import { startPublishingWorker } from '../src/modules/publishing/worker.js';
import type { FakeX } from './fakes/x.js';
import { jpeg } from './media-fixtures.js';
import { startPipeline, unique, type Pipeline } from './helpers/pipeline.js';
import { xKit } from './helpers/platform-kits.js';
import { eventually } from './helpers/workspace.js';

/**
 * The reconciler against X's contract fake (X keeps no idempotency key, so a post is recognised by its
 * text): the window it searches, texts that cannot identify a post, an expired grant, a platform that
 * keeps failing the lookup, and a token refused by two publishes of one channel at once.
 */
let p: Pipeline<FakeX>;
let channelId = '';
let stopWorker = () => {};

beforeAll(async () => {
  // A 3 s lease: an unknown outcome is looked into ~4 s after its attempt started.
  p = await startPipeline(async (url) => {
    const kit = await xKit(url);
    return { ...kit, env: { ...kit.env, HERALD_PUBLISH_LEASE_SECONDS: '3', HERALD_PUBLISH_SWEEP_SECONDS: '1' } };
  });
  stopWorker = await startPublishingWorker(p.t.runtime);
  channelId = (await p.connect()).channels[0].id;
});
afterAll(async () => {
  stopWorker();
  await p?.close();
});

const author = () => p.kit.fake.consentingUser;
const received = (text: string) => p.kit.received().filter((r) => r.text === text);

async function targetOf(postId: string, until: (t: any) => boolean, timeoutMs = 30_000) {
  return eventually(async () => {
    const post = (await p.api('GET', `/posts/${postId}`)).body;
    return until(post.targets[0]) ? post : undefined;
  }, timeoutMs);
}

describe('which posts count as the one Herald sent', () => {
  it('answers "cannot tell" for an empty text or a text that two posts share', async () => {
    const since = new Date(Date.now() - 60_000);
    const account = { externalId: author(), credentials: await p.credentialsOf(channelId) };
    const dup = unique('Same words twice');
    p.kit.fake.seedTweet(author(), dup, new Date(Date.now() - 20_000));
    p.kit.fake.seedTweet(author(), dup, new Date(Date.now() - 10_000));
    await expect(p.t.runtime.social.x.findPublished!(account, 'key', since, { text: dup, mediaCount: 0 })).rejects.toBeInstanceOf(UnknownOutcomeError);
    p.kit.fake.seedTweet(author(), '', new Date(Date.now() - 5_000), 1);
    await expect(p.t.runtime.social.x.findPublished!(account, 'key', since, { text: '', mediaCount: 1 })).rejects.toBeInstanceOf(UnknownOutcomeError);
  });

  it('sends an empty-caption post whose answer was lost, beside another empty-caption post, to review instead of claiming the other', async () => {
    p.kit.fake.seedTweet(author(), '', new Date(Date.now() - 5_000), 1);
    const image = await p.upload(await jpeg(320, 240), 'quiet.jpg');
    p.kit.fake.failNext('POST /2/tweets', { kind: 'lose_answer' });
    const postId = await p.post(channelId, { text: '', mediaIds: [image] });
    const post = await targetOf(postId, (t) => t.status !== 'publishing' && t.status !== 'scheduled');
    expect(post.targets[0]).toMatchObject({ status: 'needs_review', platformPostId: null });
    expect(post.targets[0].lastError.message).toMatch(/without text/);
  });

  it('searches from the attempt’s start, not from when the post was written', async () => {
    const text = unique('Written long ago');
    const postId = await p.post(channelId, { text, scheduledAt: new Date(Date.now() + 2500) });
    // The post was written two days ago, and the same words went out by hand 25 hours ago.
    await p.t.runtime.db.execute(sql`update post_targets set created_at = now() - interval '2 days' where post_id = ${postId}`);
    const old = p.kit.fake.seedTweet(author(), text, new Date(Date.now() - 25 * 3600_000));
    p.kit.fake.failNext('POST /2/tweets', { kind: 'lose_answer' });
    const post = await targetOf(postId, (t) => t.status === 'published' || t.status === 'needs_review' || t.status === 'failed');
    const mine = received(text).filter((r) => r.id !== old.id);
    expect(mine).toHaveLength(1);
    expect(post.targets[0]).toMatchObject({ status: 'published', platformPostId: mine[0]!.id });
    expect(post.attempts.map((a: any) => a.outcome)).toEqual(['reconciled']);
  });
});

describe('never stuck', () => {
  it('holds a target whose check meets an expired grant (needs_reauth), and checks again once reconnected', async () => {
    const text = unique('Checked after reconnecting');
    p.kit.fake.failNext('POST /2/tweets', { kind: 'lose_answer' });
    const postId = await p.post(channelId, { text });
    await targetOf(postId, (t) => t.lastError?.kind === 'unknown_outcome');
    p.kit.revokeAccess(await p.credentialsOf(channelId));
    const held = await targetOf(postId, (t) => !['scheduled', 'publishing', 'retrying'].includes(t.status));
    expect(held.targets[0]).toMatchObject({ status: 'needs_reauth', lastError: { kind: 'unknown_outcome' } });
    expect((await p.api('GET', `/channels/${channelId}`)).body.status).toBe('needs_reauth');

    await p.connect();
    const post = await targetOf(postId, (t) => t.status === 'published' || t.status === 'failed' || t.status === 'needs_review');
    // The lost-answer post was found, not sent again.
    expect(received(text)).toHaveLength(1);
    expect(post.targets[0]).toMatchObject({ status: 'published', platformPostId: received(text)[0]!.id });
  });

  it('stops asking after repeated errors (needs_review with the reason), and lets the user cancel the target', async () => {
    const text = unique('Platform keeps failing the lookup');
    p.kit.fake.failNext('POST /2/tweets', { kind: 'lose_answer' });
    for (let i = 0; i < MAX_RECONCILE_TRIES; i++) {
      p.kit.fake.failNext('GET /2/users/:id/tweets', { kind: 'answer', status: 400, body: { title: 'Invalid Request', type: 'https://api.twitter.com/2/problems/invalid-request', detail: 'Something is off.' } });
    }
    const postId = await p.post(channelId, { text });
    const post = await targetOf(postId, (t) => !['scheduled', 'publishing', 'retrying'].includes(t.status), 60_000);
    expect(post.targets[0].status).toBe('needs_review');
    expect(post.targets[0].lastError.message).toMatch(new RegExp(`${MAX_RECONCILE_TRIES} times`));
    expect(post.status).toBe('needs_attention');

    const cancelled = await p.api('POST', `/posts/${postId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('draft');
    expect(cancelled.body.targets[0].status).toBe('draft');
    expect(received(text)).toHaveLength(1);
  }, 90_000);
});

describe('a refused token', () => {
  it('is renewed once for two targets of one channel refused at the same time (single-use refresh tokens)', async () => {
    const texts = [unique('First of two'), unique('Second of two')];
    const refreshesBefore = p.kit.fake.routeCount('POST /2/oauth2/token');
    // Herald still believes the token is good for two hours: both publishes meet the 401.
    p.kit.expireAccess(await p.credentialsOf(channelId));
    const ids = await Promise.all(texts.map((text) => p.post(channelId, { text })));
    const posts = await Promise.all(ids.map((id) => p.settled(id)));
    for (const [i, post] of posts.entries()) {
      expect(post.targets[0].status).toBe('published');
      expect(received(texts[i]!)).toHaveLength(1);
    }
    expect(p.kit.fake.routeCount('POST /2/oauth2/token') - refreshesBefore).toBe(1);
    expect((await p.api('GET', `/channels/${channelId}`)).body.status).toBe('active');
  });
});
