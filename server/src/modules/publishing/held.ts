import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { postTargets } from '../../db/schema.js';
import { enqueuePublish } from './enqueue.js';
import { targetsChanged } from './post-state.js';
import { lockPostOfTarget } from './post-state.repo.js';

/**
 * A reconnected channel's held posts go out again: each target stopped at `needs_reauth` is
 * scheduled for its original time, or now when that has passed, with a new version (any older job
 * does nothing). A target held while its outcome was unknown goes back to the reconciler instead.
 * In the caller's transaction. Returns how many.
 */
export async function releaseHeldTargets(ctx: Pick<AppContext, 'queue'>, tx: Db, channelId: string): Promise<number> {
  const held = await tx
    .select({ id: postTargets.id, lastError: postTargets.lastError })
    .from(postTargets)
    .where(and(eq(postTargets.channelId, channelId), eq(postTargets.status, 'needs_reauth')));
  let released = 0;
  for (const { id, lastError } of held) {
    await lockPostOfTarget(tx, id);
    const now = new Date();
    if (lastError?.kind === 'unknown_outcome') {
      // Held before the reconciler could ask whether it went out: ask now, never publish blindly.
      const [target] = await tx
        .update(postTargets)
        .set({ status: 'publishing', reconcileAttempts: 0, updatedAt: now })
        .where(and(eq(postTargets.id, id), eq(postTargets.status, 'needs_reauth')))
        .returning();
      if (!target) continue;
      await ctx.queue.send('reconcile-target', { targetId: id }, { tx, singletonKey: id });
      await targetsChanged(tx, [target]);
      released += 1;
      continue;
    }
    const [target] = await tx
      .update(postTargets)
      .set({
        status: 'scheduled',
        scheduledAt: sql`greatest(coalesce(${postTargets.scheduledAt}, ${now}), ${now})`,
        nextAttemptAt: null,
        lastError: null,
        version: sql`${postTargets.version} + 1`,
        updatedAt: now,
      })
      .where(and(eq(postTargets.id, id), eq(postTargets.status, 'needs_reauth')))
      .returning();
    if (!target) continue;
    await enqueuePublish(ctx.queue, tx, [target], target.scheduledAt ?? now);
    await targetsChanged(tx, [target]);
    released += 1;
  }
  return released;
}
