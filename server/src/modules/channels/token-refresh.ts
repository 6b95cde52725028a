import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, gt, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { channels } from '../../db/schema.js';
import { AuthExpiredError, isProviderError, RejectedError, type ProviderError } from '../../integrations/social/errors.js';
import type { Credentials, SocialProvider } from '../../integrations/social/provider.js';
import { providerFor } from '../../integrations/social/registry.js';
import { notifyManagers } from '../notifications/service.js';
import { EXPIRING_WITHIN_MS } from './health.js';
import { markChannelNeedsReauth, openChannel, saveChannelCredentials } from './publishing-access.js';
import { errorMessage } from '../../lib/redact.js';

type Ctx = Pick<AppContext, 'db' | 'keys' | 'logger' | 'social' | 'queue' | 'mailer' | 'config'>;

export type RefreshResult = 'fresh' | 'refreshed' | 'needs_reauth' | 'failed' | 'busy' | 'not_refreshable';

/** How long one process may hold a channel's refresh before another may take over (a crash mid-refresh). */
const LOCK_MS = 60_000;

interface Leased {
  id: string;
  platform: string;
  name: string;
  workspaceId: string;
}

/**
 * Runs `fn` holding the channel's refresh lease: a conditional UPDATE on the row, so exactly one process
 * refreshes a channel at a time, because platforms with rotating refresh tokens (X, TikTok) invalidate
 * a token once it has been spent. Undefined when another process holds it (or the channel is not active).
 */
async function withRefreshLease<T>(ctx: Ctx, organizationId: string, channelId: string, fn: (claimed: Leased) => Promise<T>): Promise<T | undefined> {
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
  if (!claimed) return undefined;
  try {
    return await fn(claimed);
  } finally {
    await ctx.db.update(channels).set({ tokenRefreshLockedUntil: null }).where(eq(channels.id, channelId));
  }
}

/**
 * The platform refused to renew a channel's access. Still usable until it expires (`stillValid`): the
 * managers are warned and nothing is held yet. Otherwise the channel becomes `needs_reauth` (its posts
 * wait there) and they are told to reconnect it.
 */
async function renewalRefused(ctx: Ctx, organizationId: string, claimed: Leased, provider: SocialProvider, message: string, opts: { stillValid: boolean; expiresAt: number; what: string }): Promise<void> {
  const until = new Date(opts.expiresAt).toUTCString();
  await ctx.db.transaction(async (tx) => {
    if (!opts.stillValid) await markChannelNeedsReauth(tx, claimed.id, `${opts.what}: ${message}`);
    await notifyManagers(ctx, tx, {
      organizationId,
      workspaceId: claimed.workspaceId,
      kind: 'channel_needs_reauth',
      title: `Reconnect ${claimed.name}`,
      body: opts.stillValid
        ? `Herald cannot renew its access to ${claimed.name} (${provider.displayName}): ${message} It keeps working until ${until}; reconnect it before then.`
        : `Herald lost its access to ${claimed.name} (${provider.displayName}): ${message} Scheduled posts for it are on hold and its figures are not updated until it is reconnected.`,
      link: `/orgs/${organizationId}/workspaces/${claimed.workspaceId}/channels`,
      dedupeKey: `reauth:${claimed.id}:refresh:${opts.stillValid ? 'soon' : 'expired'}:${opts.expiresAt}`,
    });
  });
}

/**
 * Refreshes a channel's token when it expires within `withinMs`, under the refresh lease. A refresh the
 * platform refuses makes the channel `needs_reauth` and tells the workspace's managers; a temporary
 * failure leaves everything as it was for the next run.
 */
export async function refreshChannelToken(ctx: Ctx, organizationId: string, channelId: string, withinMs: number): Promise<RefreshResult> {
  const result = await withRefreshLease(ctx, organizationId, channelId, async (claimed): Promise<RefreshResult> => {
    const provider = providerFor(ctx.social, claimed.platform);
    if (!provider?.oauth?.refresh) return 'not_refreshable';
    // Read the credentials only now that the row is ours: another process may just have refreshed them.
    const { account } = await openChannel(ctx, organizationId, channelId);
    const expiresAt = account.credentials.expiresAt ? Date.parse(account.credentials.expiresAt) : NaN;
    if (Number.isNaN(expiresAt) || expiresAt - Date.now() > withinMs) return 'fresh';
    try {
      await saveChannelCredentials(ctx.db, ctx.keys, channelId, await provider.oauth.refresh(account.credentials));
      return 'refreshed';
    } catch (err) {
      if (err instanceof AuthExpiredError || err instanceof RejectedError) {
        const stillValid = expiresAt > Date.now();
        await renewalRefused(ctx, organizationId, claimed, provider, err.message, { stillValid, expiresAt, what: 'Renewing access failed' });
        return stillValid ? 'failed' : 'needs_reauth';
      }
      ctx.logger.warn({ channelId, platform: claimed.platform, kind: isProviderError(err) ? err.kind : 'error', message: errorMessage(err) }, 'token refresh failed; will retry');
      return 'failed';
    }
  });
  return result ?? 'busy';
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

/**
 * What `refreshAfterAuthError` found:
 * - `refreshed`: usable credentials (renewed now, or already renewed by whoever held the lease): call again;
 * - `needs_reauth`: the platform will not renew them (or cannot): the channel is marked and its managers told;
 * - `unavailable`: renewing failed for now (the platform is down, throttled, or another process holds the
 *   lease too long): nothing changed, try later.
 */
export type AuthRecovery =
  | { kind: 'refreshed'; credentials: Credentials }
  | { kind: 'needs_reauth'; reason: string }
  | { kind: 'unavailable'; error?: ProviderError | undefined };

/**
 * The platform refused `rejected` (a 401 / expired token, whatever its stored expiry says): renew it
 * through the refresh lease, never directly, so two callers (two publish targets of one channel, the
 * metrics sync) never spend a single-use refresh token twice. When the stored access token is no longer
 * the rejected one, someone else renewed it meanwhile and their credentials are returned as they are.
 */
export async function refreshAfterAuthError(ctx: Ctx, organizationId: string, channelId: string, rejected: Credentials, opts: { what?: string } = {}): Promise<AuthRecovery> {
  const what = opts.what ?? 'The platform refused Herald\'s access';
  for (let i = 0; i < 10; i++) {
    const outcome = await withRefreshLease(ctx, organizationId, channelId, async (claimed): Promise<AuthRecovery> => {
      const provider = providerFor(ctx.social, claimed.platform);
      const { account } = await openChannel(ctx, organizationId, channelId);
      if (account.credentials.accessToken !== rejected.accessToken) return { kind: 'refreshed', credentials: account.credentials };
      const refusedSince = Date.now();
      if (!provider?.oauth?.refresh) {
        const reason = `${provider?.displayName ?? claimed.platform} no longer accepts Herald's access and it cannot be renewed without you`;
        if (provider) await renewalRefused(ctx, organizationId, claimed, provider, `${reason}.`, { stillValid: false, expiresAt: refusedSince, what });
        else await markChannelNeedsReauth(ctx.db, channelId, `${what}: ${reason}`);
        return { kind: 'needs_reauth', reason };
      }
      try {
        const next = await provider.oauth.refresh(account.credentials);
        await saveChannelCredentials(ctx.db, ctx.keys, channelId, next);
        return { kind: 'refreshed', credentials: next };
      } catch (err) {
        if (err instanceof AuthExpiredError || err instanceof RejectedError) {
          await renewalRefused(ctx, organizationId, claimed, provider, err.message, { stillValid: false, expiresAt: refusedSince, what });
          return { kind: 'needs_reauth', reason: err.message };
        }
        ctx.logger.warn({ channelId, platform: claimed.platform, kind: isProviderError(err) ? err.kind : 'error', message: errorMessage(err) }, 'token refresh after a refused token failed; will retry');
        return { kind: 'unavailable', error: isProviderError(err) ? err : undefined };
      }
    });
    if (outcome) return outcome;
    // Not ours: another process is refreshing, or the channel is no longer active.
    const [row] = await ctx.db.select({ status: channels.status, reason: channels.statusReason }).from(channels).where(eq(channels.id, channelId));
    if (!row || row.status !== 'active') return { kind: 'needs_reauth', reason: row?.reason ?? 'The channel is not active' };
    await sleep(500);
  }
  return { kind: 'unavailable' };
}

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
      ctx.logger.warn({ channelId: c.id, message: errorMessage(err) }, 'token refresh failed');
    }
  }
  return counts;
}
