import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { requireScope } from '../../http/access.js';
import { errorResponses, IdParam, type App } from '../../http/types.js';
import { notFound } from '../../lib/errors.js';
import { findPostRow } from '../posts/repo.js';
import { postScope } from '../posts/scope.js';
import { targetsOfPost } from '../publishing/post-state.repo.js';
import * as repo from './repo.js';

const FIGURES = ['impressions', 'reach', 'likes', 'comments', 'shares', 'saves', 'clicks', 'videoViews'] as const;
type Figure = (typeof FIGURES)[number];

const FiguresSchema = z.object(Object.fromEntries(FIGURES.map((f) => [f, z.number().nullable()])) as Record<Figure, z.ZodNullable<z.ZodNumber>>);
const ReadingSchema = FiguresSchema.extend({ capturedAt: z.date() });

const PostMetricsSchema = z
  .object({
    items: z.array(z.object({ targetId: z.uuid(), channelId: z.uuid(), latest: ReadingSchema.nullable(), series: z.array(ReadingSchema) })),
    totals: FiguresSchema.describe("Sum of each channel's latest reading; null where no channel reports that figure"),
  })
  .meta({ id: 'PostMetrics' });

/** How a published post performed, per channel, as a time series of the platforms' own figures. */
export async function metricsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get('/posts/:postId/metrics', {
    config: { access: postScope('posts.read') },
    schema: {
      tags: ['posts'],
      summary: "A post's performance per channel",
      description: 'Readings taken by the hourly metrics job for posts up to 30 days old. A null figure means the platform does not report it.',
      params: IdParam('postId'),
      response: { 200: PostMetricsSchema, ...errorResponses },
    },
    handler: async (request) => {
      const organizationId = requireScope(request).organizationId;
      const post = await findPostRow(ctx.db, organizationId, request.params.postId);
      if (!post) throw notFound('Post');
      const targets = await targetsOfPost(ctx.db, post.id);
      const readings = await repo.readingsOf(ctx.db, organizationId, targets.map((t) => t.id));
      const items = targets.map((t) => {
        const series = readings.filter((r) => r.targetId === t.id).map(toReading);
        return { targetId: t.id, channelId: t.channelId, latest: series.at(-1) ?? null, series };
      });
      const totals = Object.fromEntries(
        FIGURES.map((f) => {
          const values = items.map((i) => i.latest?.[f]).filter((v): v is number => typeof v === 'number');
          return [f, values.length > 0 ? values.reduce((a, b) => a + b, 0) : null];
        }),
      ) as Record<Figure, number | null>;
      return { items, totals };
    },
  });
}

function toReading(r: repo.MetricsRow) {
  return { capturedAt: r.capturedAt, ...(Object.fromEntries(FIGURES.map((f) => [f, r[f]])) as Record<Figure, number | null>) };
}
