import type { AppContext } from '../../context.js';
import type { ProviderPlatform, SocialProvider } from './provider.js';
import { FacebookProvider } from './facebook/facebook.provider.js';
import { InstagramProvider } from './instagram/instagram.provider.js';
import { LinkedInProvider } from './linkedin/linkedin.provider.js';
import { SandboxProvider } from './sandbox/sandbox.provider.js';
import { TikTokProvider } from './tiktok/tiktok.provider.js';
import { XProvider } from './x/x.provider.js';

/** Every platform this build can publish to, by name. Generic code never asks which one it holds. */
export type SocialRegistry = Readonly<Record<ProviderPlatform, SocialProvider>>;

export function createSocialRegistry(ctx: Pick<AppContext, 'db' | 'config'>): SocialRegistry {
  const registry: Record<ProviderPlatform, SocialProvider> = {
    sandbox: new SandboxProvider({
      db: ctx.db,
      publicUrl: ctx.config.publicUrl,
      latencyMs: ctx.config.sandbox.latencyMs,
      failureRate: ctx.config.sandbox.failureRate,
      concurrency: ctx.config.sandbox.concurrency,
    }),
    facebook: new FacebookProvider(ctx.config.social.facebook),
    instagram: new InstagramProvider(ctx.config.social.instagram, {
      // Waiting for a container must end well inside half the publish lease (the call's deadline).
      polling: { maxWaitMs: Math.max(5_000, Math.min(240_000, (ctx.config.publishing.leaseSeconds * 1000) / 2 - 30_000)) },
    }),
    tiktok: new TikTokProvider(ctx.config.social.tiktok),
    x: new XProvider(ctx.config.social.x),
    linkedin: new LinkedInProvider(ctx.config.social.linkedin),
  };
  for (const [platform, provider] of Object.entries(registry)) {
    if (provider.platform !== platform) throw new Error(`Provider registered as ${platform} says it is ${provider.platform}`);
  }
  return registry;
}

export function isProviderPlatform(registry: SocialRegistry, platform: string): platform is ProviderPlatform {
  return Object.hasOwn(registry, platform);
}

/** The provider of a platform named by a stored string, or undefined when this build has none. */
export function providerFor(registry: SocialRegistry, platform: string): SocialProvider | undefined {
  return isProviderPlatform(registry, platform) ? registry[platform] : undefined;
}
