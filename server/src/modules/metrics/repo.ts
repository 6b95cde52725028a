import { and, asc, eq, gt, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { postMetrics } from '../../db/schema-connections.js';
import { channels, postTargets } from '../../db/schema.js';

export type MetricsRow = typeof postMetrics.$inferSelect;
export type MetricsInsert = typeof postMetrics.$inferInsert;

/** Published targets younger than `since` on live channels, with what a metrics call needs. */
export async function recentPublishedTargets(db: Db, since: Date, limit: number) {
  return db
    .select({
      targetId: postTargets.id,
      organizationId: postTargets.organizationId,
      channelId: postTargets.channelId,
      platform: channels.platform,
      platformPostId: postTargets.platformPostId,
    })
    .from(postTargets)
    .innerJoin(channels, eq(channels.id, postTargets.channelId))
    .where(
      and(
        eq(postTargets.status, 'published'),
        isNotNull(postTargets.platformPostId),
        gt(postTargets.publishedAt, since),
        eq(channels.status, 'active'),
        isNull(channels.disconnectedAt),
      ),
    )
    .orderBy(asc(postTargets.channelId))
    .limit(limit);
}

export async function insertMetrics(db: Db, rows: MetricsInsert[]): Promise<void> {
  if (rows.length > 0) await db.insert(postMetrics).values(rows);
}

/** Every reading of the given targets, oldest first. */
export async function readingsOf(db: Db, organizationId: string, targetIds: readonly string[]): Promise<MetricsRow[]> {
  if (targetIds.length === 0) return [];
  return db
    .select()
    .from(postMetrics)
    .where(and(eq(postMetrics.organizationId, organizationId), inArray(postMetrics.targetId, [...targetIds])))
    .orderBy(asc(postMetrics.capturedAt));
}
