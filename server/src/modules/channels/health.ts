import type { AppContext } from '../../context.js';
import { providerFor } from '../../integrations/social/registry.js';
import type { Platform } from '../../integrations/social/provider.js';
import { listChannels } from './repo.js';

export const EXPIRING_WITHIN_MS = 7 * 24 * 3600 * 1000;

export type TokenState = 'valid' | 'expiring' | 'expired' | 'no_expiry' | 'needs_reauth';

export function tokenState(status: string, expiresAt: Date | null, now = Date.now()): TokenState {
  if (status === 'needs_reauth') return 'needs_reauth';
  if (!expiresAt) return 'no_expiry';
  if (expiresAt.getTime() <= now) return 'expired';
  return expiresAt.getTime() - now <= EXPIRING_WITHIN_MS ? 'expiring' : 'valid';
}

/** Each live channel's token state, for the channels page and for monitoring. */
export async function channelHealth(ctx: Pick<AppContext, 'db' | 'social'>, organizationId: string, workspaceId: string) {
  const channels = await listChannels(ctx.db, organizationId, workspaceId, { includeDisconnected: false });
  const now = Date.now();
  return channels.map((c) => {
    const provider = providerFor(ctx.social, c.platform);
    return {
      channelId: c.id,
      name: c.name,
      platform: c.platform as Platform,
      status: c.status,
      statusReason: c.statusReason,
      tokenState: tokenState(c.status, c.tokenExpiresAt, now),
      tokenExpiresAt: c.tokenExpiresAt,
      tokenRefreshedAt: c.tokenRefreshedAt,
      canRefresh: typeof provider?.oauth?.refresh === 'function',
    };
  });
}
