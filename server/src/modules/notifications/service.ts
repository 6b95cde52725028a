import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import type { NotificationKind } from '../../db/schema-connections.js';
import type { Role } from '../../http/permissions.js';
import * as repo from './repo.js';

/** Who hears about what: problems a person must act on go to the organization's owners and admins. */
const MANAGERS: readonly Role[] = ['owner', 'admin'];

export interface NoticeInput {
  organizationId: string;
  workspaceId: string | null;
  kind: NotificationKind;
  title: string;
  body: string;
  /** Dashboard path, e.g. `/orgs/…/workspaces/…/channels`. */
  link: string | null;
  /** The same event notified twice (same key) reaches each person once. */
  dedupeKey: string;
}

/**
 * Notifies the organization's owners and admins in the app and, when SMTP is configured, by email.
 * Runs in the caller's transaction: the notice (and its email job) exists only if the change commits.
 */
export async function notifyManagers(ctx: Pick<AppContext, 'queue' | 'mailer' | 'config'>, tx: Db, notice: NoticeInput): Promise<number> {
  const people = await repo.membersWithRoles(tx, notice.organizationId, MANAGERS);
  const fresh = new Set(
    await repo.insertNotifications(
      tx,
      people.map((p) => ({ ...notice, userId: p.userId })),
    ),
  );
  if (ctx.mailer.configured) {
    const url = notice.link ? `${ctx.config.publicUrl}${notice.link}` : ctx.config.publicUrl;
    for (const p of people.filter((x) => fresh.has(x.userId))) {
      await ctx.queue.send(
        'send-email',
        { to: p.email, subject: `Herald: ${notice.title}`, text: `Hello ${p.name},\n\n${notice.body}\n\nOpen Herald: ${url}\n` },
        { tx },
      );
    }
  }
  return fresh.size;
}
