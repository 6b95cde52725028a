import type { AppContext } from '../context.js';
import { Publisher } from '../modules/publishing/publisher.js';
import { reconcileTarget } from '../modules/publishing/reconciler.js';
import type { JobHandlers } from './queue.js';

/** One handler per job in the catalog; the type makes a missing handler a compile error. */
export function jobHandlers(ctx: AppContext): JobHandlers {
  const publisher = new Publisher(ctx);
  return {
    'send-email': async (email) => {
      await ctx.mailer.send(email);
    },
    'publish-target': async (job) => {
      await publisher.handle(job);
    },
    'reconcile-target': async ({ targetId }) => {
      await reconcileTarget(ctx, targetId);
    },
  };
}
