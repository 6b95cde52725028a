import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';

/** The PostgreSQL channel post changes are announced on (see events/hub.ts). */
export const POST_EVENTS_CHANNEL = 'herald_post_events';

/**
 * Announces a post's current status to every process listening (the dashboards' event streams).
 * Run it in the transaction that changed the post: PostgreSQL delivers the notification only when
 * that transaction commits, so listeners never hear of a change that was rolled back.
 */
export async function notifyPostChanged(tx: Db, postId: string): Promise<void> {
  await tx.execute(
    sql`select pg_notify(${POST_EVENTS_CHANNEL}, json_build_object('workspaceId', workspace_id, 'postId', id, 'status', status)::text) from posts where id = ${postId}`,
  );
}
