import type { AppContext } from '../../context.js';
import type { SocialConfig } from '../../config.js';
import { PLATFORMS, type OAuthCapability, type Platform } from '../../integrations/social/provider.js';
import { providerFor } from '../../integrations/social/registry.js';
import { AppError, badRequest } from '../../lib/errors.js';

export type AppPlatform = keyof SocialConfig;

export interface ConnectablePlatform {
  platform: AppPlatform;
  displayName: string;
  oauth: OAuthCapability;
}

export interface PlatformInfo {
  platform: Platform;
  displayName: string;
  /** A user can connect accounts of it on this server (the operator configured its app). */
  connectable: boolean;
  /** Why not, in words an admin can act on. */
  reason: string | null;
}

const APP_ENV: Record<AppPlatform, string> = {
  facebook: 'FACEBOOK_APP_ID and FACEBOOK_APP_SECRET',
  instagram: 'FACEBOOK_APP_ID and FACEBOOK_APP_SECRET',
  tiktok: 'TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET',
  x: 'X_CLIENT_ID and X_CLIENT_SECRET',
  linkedin: 'LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET',
};

const isAppPlatform = (p: string): p is AppPlatform => Object.hasOwn(APP_ENV, p);

/** Every platform and whether this server can connect it. */
export function platformCatalog(ctx: Pick<AppContext, 'social' | 'config'>): PlatformInfo[] {
  return PLATFORMS.map((platform) => {
    if (platform === 'sandbox') return { platform, displayName: 'Sandbox', connectable: true, reason: null };
    const provider = providerFor(ctx.social, platform);
    const displayName = provider?.displayName ?? platform;
    if (!provider?.oauth) return { platform, displayName, connectable: false, reason: 'This build has no connector for it yet' };
    if (!ctx.config.social[platform].clientId) {
      return { platform, displayName, connectable: false, reason: `The server administrator must set ${APP_ENV[platform]} (see README, "Connecting social platforms")` };
    }
    return { platform, displayName, connectable: true, reason: null };
  });
}

/** The OAuth side of a platform this server can connect; a clear 4xx for anything else. */
export function connectable(ctx: Pick<AppContext, 'social' | 'config'>, platform: string): ConnectablePlatform {
  if (platform === 'sandbox') throw badRequest('use_sandbox_endpoint', 'Sandbox channels need no sign-in: POST /api/v1/workspaces/{workspaceId}/channels/sandbox');
  if (!isAppPlatform(platform)) throw badRequest('unknown_platform', `Unknown platform "${platform.slice(0, 40)}"`, { platforms: PLATFORMS });
  const info = platformCatalog(ctx).find((p) => p.platform === platform)!;
  const provider = providerFor(ctx.social, platform);
  if (!info.connectable || !provider?.oauth) throw new AppError(409, 'platform_not_configured', info.reason ?? `${platform} cannot be connected`, { platform });
  return { platform, displayName: provider.displayName, oauth: provider.oauth };
}
