import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import type { Platform } from '../../integrations/social/provider.js';
import { isProviderPlatform } from '../../integrations/social/registry.js';
import { CONTENT_RULES, checkContent, type MediaFacts } from '../../integrations/social/rules.js';
import { AppError, badRequest } from '../../lib/errors.js';
import { findChannelsForWorkspace } from '../channels/repo.js';
import { loadMediaFacts } from '../media/for-posts.js';
import type { TargetInput } from './schemas.js';

export interface ChannelRef {
  id: string;
  name: string;
  platform: string;
  status: string;
}

export interface RuleCheck {
  channelId: string;
  platform: Platform;
  textLength: number;
  textMax: number;
  errors: { rule: string; message: string; mediaId?: string }[];
  adaptations: { mediaId: string; reasons: string[] }[];
}

export interface Content {
  text: string;
  mediaIds: string[];
  channelIds: string[];
  targets: TargetInput[];
}

/**
 * Checks a post's text and media against the rules of each of its channels (with per-channel
 * overrides). Unknown or disconnected channels and unknown media are 400s; rule results come back
 * per channel so the composer can show them, and `assertValid` turns them into a 400.
 */
export async function checkPost(ctx: AppContext, organizationId: string, workspaceId: string, content: Content, db: Db = ctx.db): Promise<{ channels: ChannelRef[]; checks: RuleCheck[] }> {
  const channels = await findChannelsForWorkspace(db, organizationId, workspaceId, content.channelIds);
  const missing = content.channelIds.filter((id) => !channels.some((c) => c.id === id));
  if (missing.length > 0) {
    throw badRequest('channel_not_found', `These channels are not connected to this workspace: ${missing.join(', ')}`, { channelIds: missing });
  }
  const allMediaIds = [...new Set([...content.mediaIds, ...content.targets.flatMap((t) => t.mediaIds ?? [])])];
  const facts = new Map<string, MediaFacts>((await loadMediaFacts(db, organizationId, workspaceId, allMediaIds)).map((m) => [m.id, m]));

  const ordered = content.channelIds.map((id) => channels.find((c) => c.id === id)!);
  const checks = ordered.map((channel) => {
    if (!isProviderPlatform(ctx.social, channel.platform)) {
      throw badRequest('platform_unavailable', `Channel ${channel.name} is on ${channel.platform}, which this Herald cannot publish to`);
    }
    const override = content.targets.find((t) => t.channelId === channel.id);
    const text = override?.text ?? content.text;
    const media = (override?.mediaIds ?? content.mediaIds).map((id) => facts.get(id)!);
    const rules = CONTENT_RULES[channel.platform];
    const result = checkContent(rules, text, media);
    return { channelId: channel.id, platform: channel.platform, textLength: result.textLength, textMax: rules.text.max, errors: result.errors, adaptations: result.adaptations };
  });
  return { channels: ordered, checks };
}

export function assertValid(channels: ChannelRef[], checks: RuleCheck[]): void {
  const violations = checks.flatMap((c) => {
    const channel = channels.find((ch) => ch.id === c.channelId)!;
    return c.errors.map((e) => ({ channelId: c.channelId, channelName: channel.name, platform: c.platform, ...e }));
  });
  if (violations.length === 0) return;
  const first = violations[0]!;
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : '';
  throw new AppError(400, 'content_rules_violated', `${first.channelName} (${first.platform}): ${first.message}${more}`, { violations });
}

/**
 * Drafts may break a channel's rules (saved with the checks as warnings); a post may only be
 * scheduled or published when its targets about to go out pass them. Run in the scheduling
 * transaction, after the post is locked, so an edit cannot slip in between the check and the schedule.
 */
export async function assertTargetsPublishable(
  ctx: AppContext,
  tx: Db,
  organizationId: string,
  post: { workspaceId: string; text: string; mediaIds: string[] },
  targets: readonly { channelId: string; text: string | null; mediaIds: string[] | null }[],
): Promise<void> {
  const connected = await findChannelsForWorkspace(tx, organizationId, post.workspaceId, targets.map((t) => t.channelId));
  const going = targets.filter((t) => connected.some((c) => c.id === t.channelId));
  if (going.length === 0) return;
  const content: Content = {
    text: post.text,
    mediaIds: post.mediaIds,
    channelIds: going.map((t) => t.channelId),
    targets: going.map((t) => ({ channelId: t.channelId, ...(t.text !== null ? { text: t.text } : {}), ...(t.mediaIds !== null ? { mediaIds: t.mediaIds } : {}) })),
  };
  const { channels, checks } = await checkPost(ctx, organizationId, post.workspaceId, content, tx);
  assertValid(channels, checks);
}
