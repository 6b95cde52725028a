import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { channels } from '../../db/schema.js';

/** The workspace's live (not disconnected) channels of `platform` among `externalIds`, by external id. */
export async function liveChannelsByExternalId(
  db: Db,
  organizationId: string,
  workspaceId: string,
  platform: string,
  externalIds: readonly string[],
): Promise<Map<string, { id: string; status: string }>> {
  if (externalIds.length === 0) return new Map();
  const rows = await db
    .select({ id: channels.id, externalId: channels.externalId, status: channels.status })
    .from(channels)
    .where(
      and(
        eq(channels.organizationId, organizationId),
        eq(channels.workspaceId, workspaceId),
        eq(channels.platform, platform),
        inArray(channels.externalId, [...externalIds]),
        isNull(channels.disconnectedAt),
      ),
    );
  return new Map(rows.map((r) => [r.externalId, { id: r.id, status: r.status }]));
}

/** Fresh credentials and profile for an account that is already a channel: active again. */
export async function reconnectChannel(
  db: Db,
  id: string,
  patch: { name: string; username: string | null; avatarUrl: string | null; credentials: string; credentialsKeyId: string; tokenExpiresAt: Date | null },
): Promise<void> {
  const now = new Date();
  await db
    .update(channels)
    .set({ ...patch, status: 'active', statusReason: null, tokenRefreshedAt: now, updatedAt: now })
    .where(and(eq(channels.id, id), isNull(channels.disconnectedAt)));
}
