import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';

export interface PublishJobTarget {
  id: string;
  version: number;
  attemptCount: number;
}

/**
 * Enqueues the publish jobs of targets (one statement however many) inside the caller's transaction:
 * the jobs exist exactly when the state change that asked for them commits. The singleton key (target,
 * version, attempt) makes a second send of the same job (the lost-job sweep) a no-op while the first
 * is still queued.
 */
export async function enqueuePublish(queue: JobQueue, tx: Db, targets: readonly PublishJobTarget[], startAfter: Date): Promise<void> {
  await queue.sendMany(
    'publish-target',
    targets.map((t) => ({ payload: { targetId: t.id, version: t.version, attempt: t.attemptCount }, startAfter, singletonKey: `${t.id}:${t.version}:${t.attemptCount}` })),
    { tx },
  );
}
