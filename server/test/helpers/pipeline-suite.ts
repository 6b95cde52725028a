import { expect, it } from 'vitest';
import type { Pipeline } from './pipeline.js';
import { quietPeriod } from './pipeline.js';

export interface SuiteSubject<F> {
  p: Pipeline<F>;
  /** The channel the failures are tried on. */
  channelId: string;
  /** Something this platform publishes, new each time (text, or media where the platform needs it). */
  content: () => Promise<{ text: string; mediaIds: string[] }>;
}

const outcomes = (post: any) => (post.attempts as any[]).map((a) => a.outcome);
const sent = <F>(p: Pipeline<F>, text: string) => p.kit.received().filter((r) => r.text === text);

/**
 * What every platform must get right through Herald's pipeline, whatever its API looks like: a token
 * that expires while a post waits (renewed, or the post held until the channel is reconnected), a rate
 * limit (sent once after the platform's reset time), a permanent refusal (its reason shown on the
 * target), and a 5xx (retried, sent once). Call inside a `describe`; `subject` is read when each test runs.
 */
export function deliveryGuarantees<F>(subject: () => SuiteSubject<F>): void {
  it('renews a token that expired while the post was scheduled, and publishes', async () => {
    const { p, channelId, content } = subject();
    const c = await content();
    const postId = await p.post(channelId, { ...c, scheduledAt: new Date(Date.now() + 1500) });
    const before = await p.credentialsOf(channelId);
    p.kit.expireAccess(before);
    const post = await p.settled(postId);
    expect(outcomes(post)).toEqual(['published']);
    expect(Date.parse(post.attempts[0].startedAt)).toBeGreaterThanOrEqual(Date.parse(post.scheduledAt));
    expect((await p.credentialsOf(channelId)).accessToken).not.toBe(before.accessToken);
    expect(sent(p, c.text)).toHaveLength(1);
  });

  it('holds the post when renewal is refused (target and channel need re-authorisation), and sends it once reconnected', async () => {
    const { p, channelId, content } = subject();
    const c = await content();
    const postId = await p.post(channelId, { ...c, scheduledAt: new Date(Date.now() + 1500) });
    p.kit.revokeAccess(await p.credentialsOf(channelId));
    const held = await p.settled(postId, 'needs_reauth');
    expect(held.targets[0].lastError.kind).toBe('auth_expired');
    expect((await p.api('GET', `/channels/${channelId}`)).body.status).toBe('needs_reauth');
    expect(sent(p, c.text)).toHaveLength(0);

    const again = await p.connect();
    expect(again.channels.find((ch) => ch.id === channelId)).toMatchObject({ status: 'active' });
    const published = await p.settled(postId);
    expect(published.targets[0].platformPostId).toBe(sent(p, c.text)[0]?.id);
    expect(sent(p, c.text)).toHaveLength(1);
  });

  it('retries when renewing the token meets a 5xx, without asking anyone to reconnect', async () => {
    const { p, channelId, content } = subject();
    const c = await content();
    p.kit.expireAccess(await p.credentialsOf(channelId));
    p.kit.failNextRenewalWith5xx(await p.credentialsOf(channelId));
    const post = await p.settled(await p.post(channelId, c));
    expect(outcomes(post)).toEqual(['transient', 'published']);
    expect((await p.api('GET', `/channels/${channelId}`)).body.status).toBe('active');
    expect(sent(p, c.text)).toHaveLength(1);
  });

  it('waits out a rate limit until the platform’s reset time, then publishes exactly once', async () => {
    const { p, channelId, content } = subject();
    const c = await content();
    const resetAt = Date.now() + 2000;
    p.kit.rateLimitNextPublish(2);
    const postId = await p.post(channelId, c);
    const post = await p.settled(postId);
    expect(outcomes(post)).toEqual(['rate_limited', 'published']);
    expect(post.attempts[0].platformCode).toBeDefined();
    // Not before the reset (a retry on Herald's own 100 ms backoff would start long before it).
    expect(Date.parse(post.attempts[1].startedAt)).toBeGreaterThanOrEqual(resetAt - 100);
    await quietPeriod();
    expect(sent(p, c.text)).toHaveLength(1);
    expect(post.targets[0].platformPostId).toBe(sent(p, c.text)[0]!.id);
  });

  it('shows the platform’s reason for a permanent refusal on the target, and sends nothing', async () => {
    const { p, channelId, content } = subject();
    const c = await content();
    const message = p.kit.rejectNextPublish();
    const postId = await p.post(channelId, c);
    const post = await p.settled(postId, 'failed');
    expect(post.status).toBe('failed');
    expect(post.targets[0].lastError.kind).toBe('rejected');
    expect(post.targets[0].lastError.message).toContain(message);
    expect(outcomes(post)).toEqual(['rejected']);
    expect(sent(p, c.text)).toHaveLength(0);
  });

  it('retries after a 5xx and publishes exactly once', async () => {
    const { p, channelId, content } = subject();
    const c = await content();
    p.kit.failNextPublishWith5xx();
    const postId = await p.post(channelId, c);
    const post = await p.settled(postId);
    expect(outcomes(post)).toEqual(['transient', 'published']);
    await quietPeriod();
    expect(sent(p, c.text)).toHaveLength(1);
  });
}
