import type { AppContext } from '../context.js';
import { Publisher } from '../modules/publishing/publisher.js';
import { reconcileTarget, sweep } from '../modules/publishing/reconciler.js';
import { keepSweepQueued } from '../modules/publishing/worker.js';
import { refreshExpiringTokens } from '../modules/channels/token-refresh.js';
import { syncMetrics } from '../modules/metrics/sync.js';
import { deleteMediaFiles } from '../modules/media/purge.js';
import { mailEmailVerification, mailPasswordReset } from '../modules/auth/emails.js';
import { mailInvitation } from '../modules/orgs/invitation-email.js';
import type { JobHandlers } from './queue.js';

/** One handler per job in the catalog; the type makes a missing handler a compile error. */
export function jobHandlers(ctx: AppContext): JobHandlers {
  const publisher = new Publisher(ctx);
  return {
    'send-email': async (email) => {
      await ctx.mailer.send(email);
    },
    'send-password-reset-email': async ({ resetId }) => {
      await mailPasswordReset(ctx, resetId);
    },
    'send-invitation-email': async ({ invitationId }) => {
      await mailInvitation(ctx, invitationId);
    },
    'send-verification-email': async ({ verificationId }) => {
      await mailEmailVerification(ctx, verificationId);
    },
    'publish-target': async (jobs) => {
      const failures = await publisher.handleBatch(jobs.map((j) => ({ ...j.payload, signal: j.signal })));
      // By job: a target's failure is its job's (a target has one job per version and attempt).
      const byTarget = new Map(jobs.map((j) => [j.payload.targetId, j.id]));
      return new Map([...failures].map(([targetId, err]) => [byTarget.get(targetId)!, err]));
    },
    'publishing-sweep': async () => {
      try {
        const r = await sweep(ctx);
        if (r.reconciled + r.resent > 0) ctx.logger.info(r, 'publishing sweep');
      } finally {
        await keepSweepQueued(ctx, new Date(Date.now() + ctx.config.publishing.sweepSeconds * 1000));
      }
    },
    'reconcile-target': async ({ targetId }) => {
      await reconcileTarget(ctx, targetId);
    },
    'delete-media-files': async ({ keys }) => {
      await deleteMediaFiles(ctx, keys);
    },
    'refresh-channel-tokens': async () => {
      const counts = await refreshExpiringTokens(ctx);
      if (counts.refreshed + counts.needs_reauth + counts.failed > 0) ctx.logger.info(counts, 'channel tokens refreshed');
    },
    'sync-metrics': async () => {
      const result = await syncMetrics(ctx);
      if (result.readings + result.channelsFailed + result.channelsNeedReauth > 0) ctx.logger.info(result, 'post metrics synced');
    },
  };
}
