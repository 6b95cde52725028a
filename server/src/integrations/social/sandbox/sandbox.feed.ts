import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { sandboxPosts } from '../../../db/schema.js';

/**
 * Reading the sandbox platform's timeline: what one sandbox account received, newest first.
 * This is the sandbox's "public API" for the dashboard; real platforms have their own feeds.
 */
export interface SandboxFeedItem {
  id: string;
  text: string;
  media: { kind: string; mime: string; url: string; sizeBytes: number }[];
  idempotencyKey: string;
  createdAt: Date;
}

/** Whether `postId` is a post of `accountId` (a cursor from another account is refused, not followed). */
export async function sandboxPostExists(db: Db, accountId: string, postId: string): Promise<boolean> {
  const rows = await db
    .select({ id: sandboxPosts.id })
    .from(sandboxPosts)
    .where(and(eq(sandboxPosts.id, postId), eq(sandboxPosts.accountId, accountId)));
  return rows.length > 0;
}

/**
 * One page of an account's posts, newest first (by arrival, not by clock: two posts stored in the same
 * millisecond keep their order). `afterId` continues after that post, so a page boundary never skips or
 * repeats one.
 */
export async function readSandboxFeed(
  db: Db,
  accountId: string,
  page: { afterId?: string | undefined; limit: number },
): Promise<{ items: SandboxFeedItem[]; nextCursor: string | null }> {
  const rows = await db
    .select({
      id: sandboxPosts.id,
      text: sandboxPosts.text,
      media: sandboxPosts.media,
      idempotencyKey: sandboxPosts.idempotencyKey,
      createdAt: sandboxPosts.createdAt,
    })
    .from(sandboxPosts)
    .where(
      and(
        eq(sandboxPosts.accountId, accountId),
        page.afterId ? sql`${sandboxPosts.seq} < (select p.seq from ${sandboxPosts} p where p.id = ${page.afterId} and p.account_id = ${accountId})` : undefined,
      ),
    )
    .orderBy(desc(sandboxPosts.seq))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}
