import { UnknownOutcomeError, isProviderError } from '../errors.js';
import { waitOrAbandon } from '../http.js';
import { str, type TikTokClient } from './client.js';
import { failReasonError } from './errors.js';

/**
 * The post status endpoint (`POST /v2/post/publish/status/fetch/`, 30 requests/min per token).
 * Statuses: PROCESSING_UPLOAD, PROCESSING_DOWNLOAD, SEND_TO_USER_INBOX, PUBLISH_COMPLETE, FAILED.
 * A public post's id arrives only after moderation (usually under a minute, sometimes hours),
 * and a post only its creator can see never gets a public id.
 */
export interface PostStatus {
  status: string;
  failReason: string | undefined;
  /** As strings: they are 64-bit integers, beyond what a JS number holds exactly. */
  postIds: string[];
}

export async function fetchStatus(client: TikTokClient, accessToken: string, publishId: string): Promise<PostStatus> {
  const { data, answer } = await client.call<Record<string, unknown>>(accessToken, {
    method: 'POST',
    path: '/v2/post/publish/status/fetch/',
    json: { publish_id: publishId },
  });
  return { status: str(data.status) ?? 'UNKNOWN', failReason: str(data.fail_reason), postIds: publicPostIds(answer.text) };
}

/**
 * `publicaly_available_post_id` (TikTok's spelling) is a list of int64 numbers: read from the raw
 * text, since JSON.parse would round 7291234567890123456 to 7291234567890123000.
 */
export function publicPostIds(text: string): string[] {
  const match = /"publicaly_available_post_id"\s*:\s*\[([^\]]*)\]/.exec(text);
  if (!match?.[1]) return [];
  return match[1]
    .split(',')
    .map((raw) => raw.trim().replace(/^"(.*)"$/, '$1'))
    .filter((id) => /^\d+$/.test(id));
}

export interface WaitOptions {
  pollIntervalMs: number;
  /** How long publish waits for TikTok to finish before handing over to the reconciler. */
  publishWaitMs: number;
  /** After PUBLISH_COMPLETE, how long to wait for the public id (moderation) before settling without it. */
  postIdWaitMs: number;
}

/**
 * Polls until the post is published or failed. Called once TikTok holds the whole post, so from
 * here on only a FAILED status proves nothing was published: every other failure before
 * PUBLISH_COMPLETE (a lost answer, a token that expired while processing, a throttled poll) becomes an
 * unknown outcome, and the reconciler asks again before anything is retried.
 */
export async function waitForPost(client: TikTokClient, accessToken: string, publishId: string, privacy: string, opts: WaitOptions): Promise<{ postId: string | null }> {
  const deadline = Date.now() + opts.publishWaitMs;
  let completeSince: number | undefined;
  for (;;) {
    let status: PostStatus;
    try {
      status = await fetchStatus(client, accessToken, publishId);
    } catch (err) {
      // Already PUBLISH_COMPLETE and only waiting for moderation's public id: the post is out, so a
      // throttled or failed poll settles it under its publish id (metrics find the public id later).
      if (completeSince !== undefined) return { postId: null };
      throw new UnknownOutcomeError(`TikTok has the post but Herald could not confirm it was published: ${isProviderError(err) ? err.message : String(err)}`);
    }
    const settled = settle(status);
    if (settled.state === 'failed') throw failReasonError(status.failReason ?? 'unknown');
    if (settled.state === 'published') {
      if (settled.postId || privacy === 'SELF_ONLY') return { postId: settled.postId };
      completeSince ??= Date.now();
      if (Date.now() - completeSince >= opts.postIdWaitMs || Date.now() >= deadline) return { postId: null };
    } else if (Date.now() >= deadline) {
      throw new UnknownOutcomeError(`TikTok is still processing the post (${status.status}); Herald will check again before retrying`);
    }
    // The post is with TikTok already: abandoning the wait leaves its outcome unknown (the reconciler asks).
    await waitOrAbandon(opts.pollIntervalMs, client.signal, () => new UnknownOutcomeError('TikTok has the post; Herald stopped waiting for it to be published'));
  }
}

/** PUBLISH_COMPLETE is published (with or without a public id yet); FAILED is final. */
export function settle(status: PostStatus): { state: 'published'; postId: string | null } | { state: 'failed' } | { state: 'processing' } {
  if (status.status === 'FAILED') return { state: 'failed' };
  if (status.status === 'PUBLISH_COMPLETE') return { state: 'published', postId: status.postIds[0] ?? null };
  return { state: 'processing' };
}
