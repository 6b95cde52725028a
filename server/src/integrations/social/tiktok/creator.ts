import type { Published } from '../provider.js';
import { str, type TikTokClient } from './client.js';

/**
 * The creator-info query every Direct Post must start with (20 requests/min per token): which
 * privacy levels this account offers, which interactions it has switched off, how long its videos
 * may be, and its handle (for permalinks).
 */
export interface CreatorInfo {
  username: string | undefined;
  nickname: string | undefined;
  avatarUrl: string | undefined;
  privacyLevelOptions: string[];
  commentDisabled: boolean;
  duetDisabled: boolean;
  stitchDisabled: boolean;
  maxVideoPostDurationSec: number | undefined;
}

export async function queryCreator(client: TikTokClient, accessToken: string): Promise<CreatorInfo> {
  const { data } = await client.call<Record<string, unknown>>(accessToken, { method: 'POST', path: '/v2/post/publish/creator_info/query/', json: {} });
  const options = Array.isArray(data.privacy_level_options) ? data.privacy_level_options.filter((o): o is string => typeof o === 'string') : [];
  const max = data.max_video_post_duration_sec;
  return {
    username: str(data.creator_username),
    nickname: str(data.creator_nickname),
    avatarUrl: str(data.creator_avatar_url),
    privacyLevelOptions: options,
    commentDisabled: data.comment_disabled === true,
    duetDisabled: data.duet_disabled === true,
    stitchDisabled: data.stitch_disabled === true,
    maxVideoPostDurationSec: typeof max === 'number' && max > 0 ? max : undefined,
  };
}

/**
 * Herald posts for everyone to see where the account allows it, else at the first level TikTok
 * offers (a private account offers FOLLOWER_OF_CREATOR first). Unaudited apps are offered
 * SELF_ONLY only, which this picks.
 */
export function choosePrivacy(creator: CreatorInfo): string | undefined {
  return creator.privacyLevelOptions.includes('PUBLIC_TO_EVERYONE') ? 'PUBLIC_TO_EVERYONE' : creator.privacyLevelOptions[0];
}

/** An interaction the creator switched off in the app must stay off in the post. */
export function interactionSettings(creator: CreatorInfo, kind: 'video' | 'photo'): Record<string, boolean> {
  return kind === 'video'
    ? { disable_comment: creator.commentDisabled, disable_duet: creator.duetDisabled, disable_stitch: creator.stitchDisabled }
    : { disable_comment: creator.commentDisabled };
}

export function permalink(username: string | undefined, postId: string): string | null {
  return username && isPublicPostId(postId) ? `https://www.tiktok.com/@${encodeURIComponent(username)}/video/${postId}` : null;
}

/**
 * A post that finished moderation has a public id (and a permalink). One without it yet (in
 * moderation, or visible only to its creator) is known by its publish id; metrics resolve that
 * id to the public one once TikTok gives it.
 */
export function published(postId: string | null, publishId: string, username: string | undefined): Published {
  return postId ? { platformPostId: postId, permalink: permalink(username, postId) } : { platformPostId: publishId, permalink: null };
}

/** Public post ids are decimal; anything else Herald holds is a publish id (`v_pub_file~v2-1.…`). */
export function isPublicPostId(id: string): boolean {
  return /^\d+$/.test(id);
}
