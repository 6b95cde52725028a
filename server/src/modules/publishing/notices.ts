import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { notifyManagers } from '../notifications/service.js';
import * as repo from './repo.js';

type Ctx = Pick<AppContext, 'queue' | 'mailer' | 'config'>;

/**
 * Tells the organization's owners and admins about a target that needs a person: a channel to
 * reconnect, a post to check by hand, or a post the platform refused. In the settling transaction.
 */
export async function noticeTargetProblem(
  ctx: Ctx,
  tx: Db,
  target: { id: string; organizationId: string },
  problem: 'needs_reauth' | 'needs_review' | 'failed',
  message: string,
): Promise<void> {
  const c = await repo.targetContext(tx, target.id);
  if (!c) return;
  const base = `/orgs/${target.organizationId}/workspaces/${c.workspaceId}`;
  const excerpt = c.postText.length > 80 ? `${c.postText.slice(0, 79)}…` : c.postText;
  if (problem === 'needs_reauth') {
    await notifyManagers(ctx, tx, {
      organizationId: target.organizationId,
      workspaceId: c.workspaceId,
      kind: 'channel_needs_reauth',
      title: `Reconnect ${c.channelName}`,
      body: `${c.channelName} (${c.platform}) stopped accepting Herald's access: ${message} Its scheduled posts are on hold until it is reconnected.`,
      link: `${base}/channels`,
      // One notice per channel and reason, however many posts hit it.
      dedupeKey: `reauth:${c.channelId}:${message.slice(0, 200)}`,
    });
    return;
  }
  await notifyManagers(ctx, tx, {
    organizationId: target.organizationId,
    workspaceId: c.workspaceId,
    kind: problem === 'needs_review' ? 'post_needs_review' : 'post_failed',
    title: problem === 'needs_review' ? `Check a post on ${c.channelName}` : `A post to ${c.channelName} failed`,
    body:
      problem === 'needs_review'
        ? `Herald cannot tell whether "${excerpt}" reached ${c.channelName}: ${message} Look at the channel and publish again if it is missing.`
        : `"${excerpt}" was not published to ${c.channelName}: ${message}`,
    link: `${base}/posts/${c.postId}`,
    dedupeKey: `${problem}:${target.id}`,
  });
}
