import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, gt, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { providerFor } from '../../integrations/social/registry.js';
import { channels } from '../../db/schema.js';
import { AuthExpiredError, isProviderError, RejectedError } from '../../integrations/social/errors.js';
import { markChannelNeedsReauth, openChannel, saveChannelCredentials } from '../channels/publishing-access.js';
import { notifyManagers } from '../notifications/service.js';
import { EXPIRING_WITHIN_MS } from './health.js';

type Ctx = Pick<AppContext, 'db' | 'keys' | 'logger' | 'social' | 'queue' | 'mailer' | 'config'>;

export type RefreshResult = 'fresh' | 'refreshed' | 'needs_reauth' | 'failed' | 'busy' | 'not_refreshable';

/** How long one process may hold a channel's refresh before another may take over (a crash mid-refresh). */
const LOCK_MS = 60_000;

/**
 * Refreshes a channel's token when it expires within `withinMs`. Exactly one process refreshes a
 * channel at a time (a conditional UPDATE takes a short lease on the row), because platforms with
 * rotating refresh tokens (X, TikTok) invalidate a token once it has been spent. A refresh the platform
 * refuses makes the channel `needs_reauth` and tells the workspace's managers; a temporary failure
 * leaves everything as it was for the next run.
 */
export async function refreshChannelToken(ctx: Ctx, organizationId: string, channelId: string, withinMs: number): Promise<RefreshResult> {
  const now = new Date();
  const [claimed] = await ctx.db
    .update(channels)
    .set({ tokenRefreshLockedUntil: new Date(now.getTime() + LOCK_MS) })
    .where(
      and(
        eq(channels.id, channelId),
        eq(channels.organizationId, organizationId),
        eq(channels.status, 'active'),
        or(isNull(channels.tokenRefreshLockedUntil), lt(channels.tokenRefreshLockedUntil, now)),
      ),
    )
    .returning({ id: channels.id, platform: channels.platform, name: channels.name, workspaceId: channels.workspaceId });
  if (!claimed) return 'busy';
  try {
    const provider = providerFor(ctx.social, claimed.platform);
    if (!provider?.oauth?.refresh) return 'not_refreshable';
    // Read the credentials only now that the row is ours: another process may just have refreshed them.
    const { account } = await openChannel(ctx, organizationId, channelId);
    const expiresAt = account.credentials.expiresAt ? Date.parse(account.credentials.expiresAt) : NaN;
    if (Number.isNaN(expiresAt) || expiresAt - Date.now() > withinMs) return 'fresh';
    try {
      const next = await provider.oauth.refresh(account.credentials);
      await saveChannelCredentials(ctx.db, ctx.keys, channelId, next);
      return 'refreshed';
    } catch (err) {
      if (err instanceof AuthExpiredError || err instanceof RejectedError) {
        // Still usable until it expires: warn the managers now, hold nothing yet. Expired: hold its posts.
        const stillValid = expiresAt > Date.now();
        const until = new Date(expiresAt).toUTCString();
        await ctx.db.transaction(async (tx) => {
          if (!stillValid) await markChannelNeedsReauth(tx, channelId, `Renewing access failed: ${err.message}`);
          await notifyManagers(ctx, tx, {
            organizationId,
            workspaceId: claimed.workspaceId,
            kind: 'channel_needs_reauth',
            title: `Reconnect ${claimed.name}`,
            body: stillValid
              ? `Herald cannot renew its access to ${claimed.name} (${provider.displayName}): ${err.message} It keeps working until ${until}; reconnect it before then.`
              : `Herald could not renew its access to ${claimed.name} (${provider.displayName}): ${err.message} Scheduled posts for it are on hold until it is reconnected.`,
            link: `/orgs/${organizationId}/workspaces/${claimed.workspaceId}/channels`,
            dedupeKey: `reauth:${channelId}:refresh:${stillValid ? 'soon' : 'expired'}:${expiresAt}`,
          });
        });
        return stillValid ? 'failed' : 'needs_reauth';
      }
      ctx.logger.warn({ channelId, platform: claimed.platform, kind: isProviderError(err) ? err.kind : 'error', message: err instanceof Error ? err.message : String(err) }, 'token refresh failed; will retry');
      return 'failed';
    }
  } finally {
    await ctx.db.update(channels).set({ tokenRefreshLockedUntil: null }).where(eq(channels.id, channelId));
  }
}

/**
 * Before publishing: a token about to expire (X's last two hours) is refreshed first. When another
 * process is refreshing it right now, waits briefly for that to finish rather than spending the
 * refresh token a second time.
 */
export async function ensureFreshToken(ctx: Ctx, organizationId: string, channelId: string, expiresAt: string | null | undefined): Promise<void> {
  const ms = expiresAt ? Date.parse(expiresAt) : NaN;
  if (Number.isNaN(ms) || ms - Date.now() > ON_DEMAND_WINDOW_MS) return;
  for (let i = 0; i < 10; i++) {
    if ((await refreshChannelToken(ctx, organizationId, channelId, ON_DEMAND_WINDOW_MS)) !== 'busy') return;
    await sleep(500);
  }
}

export const ON_DEMAND_WINDOW_MS = 5 * 60_000;

/** The recurring job: every active channel whose token expires within 7 days is refreshed. */
export async function refreshExpiringTokens(ctx: Ctx): Promise<Record<RefreshResult, number>> {
  const horizon = new Date(Date.now() + EXPIRING_WITHIN_MS);
  const due = await ctx.db
    .select({ id: channels.id, organizationId: channels.organizationId })
    .from(channels)
    .where(and(eq(channels.status, 'active'), isNull(channels.disconnectedAt), isNotNull(channels.tokenExpiresAt), lt(channels.tokenExpiresAt, horizon), gt(channels.tokenExpiresAt, new Date(0))))
    .limit(500);
  const counts: Record<RefreshResult, number> = { fresh: 0, refreshed: 0, needs_reauth: 0, failed: 0, busy: 0, not_refreshable: 0 };
  for (const c of due) {
    try {
      counts[await refreshChannelToken(ctx, c.organizationId, c.id, EXPIRING_WITHIN_MS)] += 1;
    } catch (err) {
      counts.failed += 1;
      ctx.logger.warn({ channelId: c.id, message: err instanceof Error ? err.message : String(err) }, 'token refresh failed');
    }
  }
  return counts;
}
