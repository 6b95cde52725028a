import type { AppContext } from '../../context.js';
import type { SocialProvider } from '../../integrations/social/provider.js';
import { providerFor } from '../../integrations/social/registry.js';
import { isProviderError } from '../../integrations/social/errors.js';
import { conflict, notFound } from '../../lib/errors.js';
import { postTitle, recordAudit } from '../audit/repo.js';
import { ChannelUnavailableError, openChannel } from '../channels/publishing-access.js';
import { recomputePostStatus } from './post-state.js';
import * as repo from './post-state.repo.js';

export interface UnpublishResult {
  channelId: string;
  outcome: 'deleted' | 'unsupported' | 'failed';
  message: string | null;
}

/**
 * Removes a published post from the platforms (all its published channels, or those named), where the
 * platform's API allows it. Each channel is settled on its own: one platform refusing does not stop the
 * others. A removed target becomes `deleted`; the post keeps its history.
 */
export async function unpublish(ctx: AppContext, organizationId: string, actorId: string, postId: string, channelIds?: readonly string[]): Promise<UnpublishResult[]> {
  const all = await repo.targetsOfPost(ctx.db, postId);
  // The route's scope has resolved the post in this organization already; this guards other callers.
  if (all.some((t) => t.organizationId !== organizationId)) throw notFound('Post');
  const targets = all.filter((t) => t.status === 'published' && t.platformPostId && (!channelIds || channelIds.includes(t.channelId)));
  if (targets.length === 0) throw conflict('nothing_to_delete', 'None of the chosen channels has this post published');
  const results: UnpublishResult[] = [];
  for (const target of targets) {
    let provider: SocialProvider | undefined;
    try {
      const { channel, account } = await openChannel(ctx, organizationId, target.channelId);
      provider = providerFor(ctx.social, channel.platform);
      if (!provider?.delete) {
        results.push({ channelId: target.channelId, outcome: 'unsupported', message: `${provider?.displayName ?? channel.platform} offers no way to delete a post through its API; delete it in the app` });
        continue;
      }
      await provider.delete(account, target.platformPostId!);
    } catch (err) {
      const message = err instanceof ChannelUnavailableError || isProviderError(err) ? err.message : 'The platform could not be reached';
      if (!(err instanceof ChannelUnavailableError) && !isProviderError(err)) ctx.logger.warn({ err, postId, channelId: target.channelId }, 'deleting from the platform failed');
      results.push({ channelId: target.channelId, outcome: 'failed', message });
      continue;
    }
    await ctx.db.transaction(async (tx) => {
      const post = await repo.lockPost(tx, organizationId, postId);
      await repo.markTargetDeleted(tx, target.id);
      await recomputePostStatus(tx, postId);
      await recordAudit(tx, {
        organizationId,
        actorId,
        action: 'post.deleted_from_platform',
        subjectType: 'post',
        subjectId: postId,
        data: { title: post ? postTitle(post.text) : '', channelId: target.channelId, platformPostId: target.platformPostId },
      });
    });
    results.push({ channelId: target.channelId, outcome: 'deleted', message: null });
  }
  return results;
}
