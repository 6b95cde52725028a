import type { AppContext } from '../../context.js';
import { providerFor } from '../../integrations/social/registry.js';
import { isProviderError } from '../../integrations/social/errors.js';
import type { PostMetrics } from '../../integrations/social/provider.js';
import { ChannelUnavailableError, openChannel } from '../channels/publishing-access.js';
import * as repo from './repo.js';

type Ctx = Pick<AppContext, 'db' | 'keys' | 'logger' | 'social'>;

/** Posts are followed for 30 days after publishing; later figures barely move. */
export const METRICS_WINDOW_MS = 30 * 24 * 3600 * 1000;
const BATCH = 50;

/**
 * The recurring metrics job: asks each platform for the figures of posts published in the last 30 days,
 * a channel at a time and at most 50 posts per call, and stores each answer as one reading of the time
 * series. A channel whose platform fails is skipped until the next run; the others go on.
 */
export async function syncMetrics(ctx: Ctx, now = new Date()): Promise<{ readings: number; channelsFailed: number }> {
  const targets = await repo.recentPublishedTargets(ctx.db, new Date(now.getTime() - METRICS_WINDOW_MS), 10_000);
  const byChannel = new Map<string, typeof targets>();
  for (const t of targets) {
    const list = byChannel.get(t.channelId);
    if (list) list.push(t);
    else byChannel.set(t.channelId, [t]);
  }
  let readings = 0;
  let channelsFailed = 0;
  for (const [channelId, list] of byChannel) {
    const first = list[0]!;
    const provider = providerFor(ctx.social, first.platform);
    if (!provider?.metrics) continue;
    try {
      const { account } = await openChannel(ctx, first.organizationId, channelId);
      for (let i = 0; i < list.length; i += BATCH) {
        const chunk = list.slice(i, i + BATCH);
        const figures = await provider.metrics(account, chunk.map((t) => t.platformPostId!));
        const byPost = new Map(figures.map((f) => [f.platformPostId, f]));
        const rows = chunk.flatMap((t) => {
          const f = byPost.get(t.platformPostId!);
          return f ? [toRow(t, f, now)] : [];
        });
        await repo.insertMetrics(ctx.db, rows);
        readings += rows.length;
      }
    } catch (err) {
      channelsFailed += 1;
      if (err instanceof ChannelUnavailableError) continue;
      ctx.logger.warn({ channelId, platform: first.platform, kind: isProviderError(err) ? err.kind : 'error', message: err instanceof Error ? err.message : String(err) }, 'metrics sync failed for a channel');
    }
  }
  return { readings, channelsFailed };
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
