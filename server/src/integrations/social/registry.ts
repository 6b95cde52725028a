import type { AppContext } from '../../context.js';
import type { ProviderPlatform, SocialProvider } from './provider.js';
import { SandboxProvider } from './sandbox/sandbox.provider.js';

/** Every platform this build can publish to, by name. Generic code never asks which one it holds. */
export type SocialRegistry = Readonly<Record<ProviderPlatform, SocialProvider>>;

export function createSocialRegistry(ctx: Pick<AppContext, 'db' | 'config'>): SocialRegistry {
  const registry: Record<ProviderPlatform, SocialProvider> = {
    sandbox: new SandboxProvider({
      db: ctx.db,
      publicUrl: ctx.config.publicUrl,
      latencyMs: ctx.config.sandbox.latencyMs,
      failureRate: ctx.config.sandbox.failureRate,
    }),
  };
  for (const [platform, provider] of Object.entries(registry)) {
    if (provider.platform !== platform) throw new Error(`Provider registered as ${platform} says it is ${provider.platform}`);
  }
  return registry;
}

export function isProviderPlatform(registry: SocialRegistry, platform: string): platform is ProviderPlatform {
  return Object.hasOwn(registry, platform);
}
