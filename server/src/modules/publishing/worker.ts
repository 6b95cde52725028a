import type { AppContext } from '../../context.js';
import { recoverTargets, resendOverdue } from './reconciler.js';
import * as repo from './repo.js';
import { beat, HEARTBEAT_MS, reapAllOthers, reapStale, WORKER_ID } from './workers.js';

/**
 * What a worker process does for publishing besides running jobs: it beats its heartbeat every few
 * seconds, settles at once the open attempts of workers that stopped beating (embedded mode: of the
 * previous run, at start, since one process owns the data directory), and keeps the recurring
 * `publishing-sweep` job queued. Call it before the job handlers start: a worker that claims a target
 * before its first beat could die unseen. Returns a stop function.
 */
export async function startPublishingWorker(ctx: AppContext): Promise<() => void> {
  await beat(ctx.db);
  if (ctx.config.database.kind === 'pglite') {
    await reapAllOthers(ctx.db);
    const open = await repo.openTargetsNotOf(ctx.db, WORKER_ID);
    if (open.length > 0) ctx.logger.info({ targets: open.length }, 'settling the publishes the previous run left open');
    void recoverDeadWork(ctx, open).catch((err: unknown) => ctx.logger.error({ err }, 'recovering the previous run failed; the sweep tries again'));
  }
  await keepSweepQueued(ctx, new Date());
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await beat(ctx.db);
      const dead = await reapStale(ctx.db);
      if (dead.length > 0) {
        const settled = await recoverDeadWork(ctx, await repo.openTargetsOfWorkers(ctx.db, dead));
        ctx.logger.warn({ workers: dead, settled }, 'workers stopped beating; their open publishes were settled');
      }
      await keepSweepQueued(ctx, new Date(Date.now() + ctx.config.publishing.sweepSeconds * 1000));
    } catch (err) {
      ctx.logger.error({ err }, 'publishing heartbeat failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * A dead worker's claimed targets are reconciled at once; the publish jobs it had fetched but not yet
 * claimed stay active in the queue until they expire, so every pending target already due gets its job
 * again (a queued one is not doubled).
 */
async function recoverDeadWork(ctx: AppContext, openTargets: string[]): Promise<number> {
  const settled = await recoverTargets(ctx, openTargets);
  await resendOverdue(ctx, new Date());
  return settled;
}

/** One queued sweep at a time (singleton key): a send while one is queued is a no-op. */
export async function keepSweepQueued(ctx: Pick<AppContext, 'queue'>, startAfter: Date): Promise<void> {
  await ctx.queue.send('publishing-sweep', {}, { startAfter, singletonKey: 'publishing-sweep' });
}
