import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { storageKeysOf } from './repo.js';

const KEYS_PER_JOB = 500;

/**
 * Queues the removal of every file of the organization's (or one workspace's) media, in the caller's
 * transaction: the files go only if the deletion of their rows commits, and a crash between the two
 * cannot orphan them (the job is retried until storage has deleted them).
 */
export async function queueMediaPurge(ctx: Pick<AppContext, 'queue'>, tx: Db, organizationId: string, workspaceId?: string): Promise<number> {
  const keys = await storageKeysOf(tx, organizationId, workspaceId);
  for (let i = 0; i < keys.length; i += KEYS_PER_JOB) {
    await ctx.queue.send('delete-media-files', { keys: keys.slice(i, i + KEYS_PER_JOB) }, { tx });
  }
  return keys.length;
}

/** The job: removes the files (a missing one is fine); any storage error fails the job for a retry. */
export async function deleteMediaFiles(ctx: Pick<AppContext, 'storage'>, keys: readonly string[]): Promise<void> {
  for (const key of keys) await ctx.storage.delete(key);
}
