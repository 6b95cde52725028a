import type { AppContext } from '../../context.js';
import { providerFor } from '../../integrations/social/registry.js';
import { AuthExpiredError, isProviderError } from '../../integrations/social/errors.js';
import type { PostMetrics } from '../../integrations/social/provider.js';
import { ChannelUnavailableError, openChannel } from '../channels/publishing-access.js';
import { refreshAfterAuthError } from '../channels/token-refresh.js';
import * as repo from './repo.js';
import { errorMessage } from '../../lib/redact.js';

type Ctx = Pick<AppContext, 'db' | 'keys' | 'logger' | 'social' | 'queue' | 'mailer' | 'config'>;

/** Posts are followed for 30 days after publishing; later figures barely move. */
export const METRICS_WINDOW_MS = 30 * 24 * 3600 * 1000;
const BATCH = 50;

export interface SyncSummary {
  readings: number;
  /** Channels skipped this run because their platform failed for now (they are tried again next run). */
  channelsFailed: number;
  /** Channels whose token the platform refused and could not be renewed: marked needs_reauth, managers told. */
  channelsNeedReauth: number;
}

/**
 * The recurring metrics job: asks each platform for the figures of posts published in the last 30 days,
 * a channel at a time and at most 50 posts per call, and stores each answer as one reading of the time
 * series. A platform that refuses the token (it expired, or was revoked) gets it renewed through the
 * leased refresh and is asked again; when it cannot be renewed the channel becomes needs_reauth and the
 * workspace's managers are told, so figures never go stale silently. Any other failure skips the channel
 * until the next run; the others go on.
 */
export async function syncMetrics(ctx: Ctx, now = new Date()): Promise<SyncSummary> {
  const targets = await repo.recentPublishedTargets(ctx.db, new Date(now.getTime() - METRICS_WINDOW_MS), 10_000);
  const byChannel = new Map<string, typeof targets>();
  for (const t of targets) {
    const list = byChannel.get(t.channelId);
    if (list) list.push(t);
    else byChannel.set(t.channelId, [t]);
  }
  const summary: SyncSummary = { readings: 0, channelsFailed: 0, channelsNeedReauth: 0 };
  for (const [channelId, list] of byChannel) {
    const first = list[0]!;
    const provider = providerFor(ctx.social, first.platform);
    if (!provider?.metrics) continue;
    const metrics = provider.metrics.bind(provider);
    try {
      let { account } = await openChannel(ctx, first.organizationId, channelId);
      let renewed = false;
      for (let i = 0; i < list.length; i += BATCH) {
        const chunk = list.slice(i, i + BATCH);
        const ids = chunk.map((t) => t.platformPostId!);
        let figures: PostMetrics[];
        try {
          figures = await metrics(account, ids);
        } catch (err) {
          if (!(err instanceof AuthExpiredError) || renewed) throw err;
          renewed = true;
          const recovery = await refreshAfterAuthError(ctx, first.organizationId, channelId, account.credentials, { what: 'Reading post figures failed' });
          if (recovery.kind === 'needs_reauth') {
            summary.channelsNeedReauth += 1;
            ctx.logger.warn({ channelId, platform: first.platform }, 'metrics sync: the platform refused the token and it cannot be renewed; channel needs reauth');
            break;
          }
          if (recovery.kind === 'unavailable') throw recovery.error ?? err;
          account = { ...account, credentials: recovery.credentials };
          figures = await metrics(account, ids);
        }
        const byPost = new Map(figures.map((f) => [f.platformPostId, f]));
        const rows = chunk.flatMap((t) => {
          const f = byPost.get(t.platformPostId!);
          return f ? [toRow(t, f, now)] : [];
        });
        await repo.insertMetrics(ctx.db, rows);
        summary.readings += rows.length;
      }
    } catch (err) {
      summary.channelsFailed += 1;
      if (err instanceof ChannelUnavailableError) continue;
      ctx.logger.warn({ channelId, platform: first.platform, kind: isProviderError(err) ? err.kind : 'error', message: errorMessage(err) }, 'metrics sync failed for a channel');
    }
  }
  return summary;
}

function toRow(t: { targetId: string; organizationId: string; channelId: string }, f: PostMetrics, capturedAt: Date): repo.MetricsInsert {
  return {
    organizationId: t.organizationId,
    channelId: t.channelId,
    targetId: t.targetId,
    capturedAt,
    impressions: f.impressions,
    reach: f.reach,
    likes: f.likes,
    comments: f.comments,
    shares: f.shares,
    saves: f.saves,
    clicks: f.clicks,
    videoViews: f.videoViews,
  };
}
