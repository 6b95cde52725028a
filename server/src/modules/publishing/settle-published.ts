import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../../context.js';
import { publishedTargetsSettled } from './post-state.js';
import { lockPostsOfTargets } from './post-state.repo.js';
import * as repo from './repo.js';

/** Tries at a batch settle before its targets are left to the reconciler (each try is idempotent). */
const SETTLE_TRIES = 4;
/** At most this many targets per settle transaction. */
const MAX_BATCH = 500;

/**
 * Settles published targets together, group-commit style: a target handed over while a settle is
 * running waits for the next one, which takes every target handed over meanwhile. Under load many
 * targets share a transaction; alone, a target is settled at once.
 */
export class PublishedSettler {
  private waiting: { target: repo.PublishedTarget; done: (settled: boolean) => void; failed: (err: unknown) => void }[] = [];
  private running = false;

  constructor(private readonly ctx: AppContext) {}

  /**
   * Resolves once the target is stored as published: true, or false if the reconciler had settled it
   * first. Rejects when the settle failed every try: the target stays `publishing` under its open
   * attempt and the reconciler settles it once the lease is over (the platform is never called again).
   */
  settle(target: repo.PublishedTarget): Promise<boolean> {
    return new Promise((done, failed) => {
      this.waiting.push({ target, done, failed });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      // Let the outcomes that arrive in the same turn of the event loop join the first batch.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        try {
          const settled = await settlePublished(this.ctx, batch.map((b) => b.target));
          for (const b of batch) b.done(settled.has(b.target.targetId));
        } catch (err) {
          for (const b of batch) b.failed(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

/**
 * Records a batch of published outcomes in one transaction: the posts locked in id order, one
 * statement for the attempts and targets, one for the posts' derived state (and their announcements).
 * A target the reconciler settled meanwhile is left alone (logged). A failed transaction is tried
 * again, never the platform call. Returns the ids of the targets this settled.
 */
export async function settlePublished(ctx: AppContext, targets: readonly repo.PublishedTarget[]): Promise<Set<string>> {
  for (let tryNo = 1; ; tryNo++) {
    try {
      const settled = await ctx.db.transaction(async (tx) => {
        await lockPostsOfTargets(tx, targets.map((t) => t.targetId));
        const posts = await repo.settlePublishedTargets(tx, targets);
        await publishedTargetsSettled(tx, posts);
        return new Set(posts.flatMap((p) => p.settled));
      });
      for (const t of targets) {
        if (!settled.has(t.targetId)) ctx.logger.warn({ targetId: t.targetId, attemptCount: t.attemptCount, outcome: 'published' }, 'target was settled elsewhere (reconciler) before this attempt finished');
      }
      return settled;
    } catch (err) {
      if (tryNo >= SETTLE_TRIES) {
        ctx.logger.error({ err, targets: targets.length }, 'storing published outcomes failed; the reconciler settles these targets once their lease is over');
        throw err;
      }
      ctx.logger.warn({ err, targets: targets.length, try: tryNo }, 'storing published outcomes failed; trying again');
      await sleep(250 * 4 ** (tryNo - 1));
    }
  }
}
