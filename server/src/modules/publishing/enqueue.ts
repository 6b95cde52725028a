import type { Db } from '../../db/client.js';
import type { JobQueue } from '../../jobs/queue.js';

/**
 * Enqueues the publish job of a target inside the caller's transaction: the job exists exactly when
 * the state change that asked for it commits. The singleton key (target, version, attempt) makes a
 * second send of the same job (the lost-job sweep) a no-op while the first is still queued.
 */
export async function enqueuePublish(
  queue: JobQueue,
  tx: Db,
  target: { id: string; version: number; attemptCount: number },
  startAfter: Date,
): Promise<void> {
  await queue.send(
    'publish-target',
    { targetId: target.id, version: target.version, attempt: target.attemptCount },
    { tx, startAfter, singletonKey: `${target.id}:${target.version}:${target.attemptCount}` },
  );
}
