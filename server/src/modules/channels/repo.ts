import { and, asc, eq, gt, inArray, isNotNull, isNull, ne, notLike, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { channels, postingSlots, type ChannelStatus } from '../../db/schema.js';

/**
 * A channel as services see it. Deliberately without its credentials: only `findChannelSecret`
 * reads the ciphertext, for the publishing pipeline and key rotation.
 */
export interface ChannelRecord {
  id: string;
  organizationId: string;
  workspaceId: string;
  platform: string;
  externalId: string;
  kind: string;
  name: string;
  username: string | null;
  avatarUrl: string | null;
  status: ChannelStatus;
  statusReason: string | null;
  tokenExpiresAt: Date | null;
  tokenRefreshedAt: Date | null;
  connectedBy: string | null;
  disconnectedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A weekly posting time of one channel (ISO weekday, minutes after local midnight in the workspace's zone). */
export interface SlotRecord {
  channelId: string;
  weekday: number;
  minuteOfDay: number;
}

const record = {
  id: channels.id,
  organizationId: channels.organizationId,
  workspaceId: channels.workspaceId,
  platform: channels.platform,
  externalId: channels.externalId,
  kind: channels.kind,
  name: channels.name,
  username: channels.username,
  avatarUrl: channels.avatarUrl,
  status: channels.status,
  statusReason: channels.statusReason,
  tokenExpiresAt: channels.tokenExpiresAt,
  tokenRefreshedAt: channels.tokenRefreshedAt,
  connectedBy: channels.connectedBy,
  disconnectedAt: channels.disconnectedAt,
  createdAt: channels.createdAt,
  updatedAt: channels.updatedAt,
};

export interface ChannelInsert {
  id: string;
  organizationId: string;
  workspaceId: string;
  platform: string;
  externalId: string;
  kind: string;
  name: string;
  username?: string | null;
  avatarUrl?: string | null;
  /** Ciphertext from `KeyRing.encrypt`, and the id of the key that wrote it. */
  credentials: string;
  credentialsKeyId: string;
  tokenExpiresAt: Date | null;
  connectedBy: string | null;
}

export async function insertChannel(db: Db, input: ChannelInsert): Promise<ChannelRecord> {
  const [row] = await db.insert(channels).values(input).returning(record);
  return row!;
}

/** A workspace's channels: live ones (active or needing re-authorisation), plus disconnected ones on request. */
export async function listChannels(db: Db, organizationId: string, workspaceId: string, opts: { includeDisconnected: boolean }): Promise<ChannelRecord[]> {
  return db
    .select(record)
    .from(channels)
    .where(and(eq(channels.organizationId, organizationId), eq(channels.workspaceId, workspaceId), opts.includeDisconnected ? undefined : isNull(channels.disconnectedAt)))
    .orderBy(asc(channels.name), asc(channels.createdAt), asc(channels.id));
}

/** One channel of the organization, connected or not. `forUpdate` locks the row for the transaction. */
export async function findChannel(db: Db, organizationId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<ChannelRecord | undefined> {
  const query = db
    .select(record)
    .from(channels)
    .where(and(eq(channels.id, id), eq(channels.organizationId, organizationId)));
  const [row] = opts.forUpdate ? await query.for('update') : await query;
  return row;
}

/**
 * The live (not disconnected) channels of one workspace among `ids`, for validating a post's targets:
 * an id that is missing from the answer is unknown, disconnected, or another workspace's.
 */
export async function findChannelsForWorkspace(db: Db, organizationId: string, workspaceId: string, ids: readonly string[]): Promise<ChannelRecord[]> {
  if (ids.length === 0) return [];
  return db
    .select(record)
    .from(channels)
    .where(
      and(
        eq(channels.organizationId, organizationId),
        eq(channels.workspaceId, workspaceId),
        inArray(channels.id, [...new Set(ids)]),
        isNull(channels.disconnectedAt),
      ),
    )
    .orderBy(asc(channels.name), asc(channels.id));
}

/** The organization and workspace owning a channel, for access control; null when it does not exist. */
export async function channelOwner(db: Db, id: string): Promise<{ organizationId: string; workspaceId: string } | null> {
  const [row] = await db.select({ organizationId: channels.organizationId, workspaceId: channels.workspaceId }).from(channels).where(eq(channels.id, id));
  return row ?? null;
}

export async function renameChannel(db: Db, organizationId: string, id: string, name: string): Promise<ChannelRecord | undefined> {
  const [row] = await db
    .update(channels)
    .set({ name, updatedAt: new Date() })
    .where(and(eq(channels.id, id), eq(channels.organizationId, organizationId)))
    .returning(record);
  return row;
}

/**
 * Soft disconnect: the credentials are wiped and the row stays, so posts keep their history.
 * Returns false when the channel was already disconnected (or does not exist).
 */
export async function disconnectChannel(db: Db, organizationId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(channels)
    .set({ credentials: null, credentialsKeyId: null, status: 'disconnected', statusReason: null, disconnectedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(channels.id, id), eq(channels.organizationId, organizationId), isNull(channels.disconnectedAt)))
    .returning({ id: channels.id });
  return rows.length > 0;
}

// ── Credentials (publishing pipeline, key rotation) ─────────────────────────────────────────────────

/** A channel with its encrypted credentials. Never leaves the server: no API schema carries it. */
export async function findChannelSecret(db: Db, organizationId: string, id: string): Promise<{ channel: ChannelRecord; credentials: string | null } | undefined> {
  const [row] = await db
    .select({ channel: record, credentials: channels.credentials })
    .from(channels)
    .where(and(eq(channels.id, id), eq(channels.organizationId, organizationId)));
  return row;
}

/**
 * Stores fresh credentials (a refreshed or re-authorised token) and marks the channel active again.
 * A disconnected channel is left alone: returns false.
 */
export async function storeChannelCredentials(
  db: Db,
  id: string,
  secret: { credentials: string; credentialsKeyId: string; tokenExpiresAt: Date | null },
): Promise<boolean> {
  const rows = await db
    .update(channels)
    .set({ ...secret, status: 'active', statusReason: null, tokenRefreshedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(channels.id, id), isNull(channels.disconnectedAt)))
    .returning({ id: channels.id });
  return rows.length > 0;
}

/** Marks a live channel as needing re-authorisation; a disconnected one stays disconnected. */
export async function setChannelNeedsReauth(db: Db, id: string, reason: string): Promise<boolean> {
  const rows = await db
    .update(channels)
    .set({ status: 'needs_reauth', statusReason: reason, updatedAt: new Date() })
    .where(and(eq(channels.id, id), isNull(channels.disconnectedAt)))
    .returning({ id: channels.id });
  return rows.length > 0;
}

/** Whether a channel exists at all, and whether it is disconnected (to explain a refused update). */
export async function channelState(db: Db, id: string): Promise<{ disconnected: boolean } | null> {
  const [row] = await db.select({ disconnectedAt: channels.disconnectedAt }).from(channels).where(eq(channels.id, id));
  return row ? { disconnected: row.disconnectedAt !== null } : null;
}

/** Channels whose credentials were written under another key than `keyId` or in the legacy v1 format, in id order, after `afterId`. */
export async function listCredentialsToReseal(db: Db, keyId: string, afterId: string | null, limit: number): Promise<{ id: string; credentials: string }[]> {
  const rows = await db
    .select({ id: channels.id, credentials: channels.credentials })
    .from(channels)
    .where(
      and(
        isNotNull(channels.credentials),
        or(isNull(channels.credentialsKeyId), ne(channels.credentialsKeyId, keyId), notLike(channels.credentials, 'v2.%')),
        afterId === null ? undefined : gt(channels.id, afterId),
      ),
    )
    .orderBy(asc(channels.id))
    .limit(limit);
  return rows.filter((r): r is { id: string; credentials: string } => r.credentials !== null);
}

/**
 * Compare-and-swap of a channel's ciphertext: replaces it only if it still is `expected`, so a token
 * refreshed meanwhile is never overwritten with the older one. Returns whether the row was updated.
 */
export async function swapChannelCredentials(db: Db, id: string, expected: string, next: { credentials: string; credentialsKeyId: string }): Promise<boolean> {
  const rows = await db
    .update(channels)
    .set(next)
    .where(and(eq(channels.id, id), eq(channels.credentials, expected)))
    .returning({ id: channels.id });
  return rows.length > 0;
}

// ── Posting slots ─────────────────────────────────────────────────────────────────────────────────

/** The posting slots of the given channels of the organization, by channel, weekday and time. */
export async function listSlots(db: Db, organizationId: string, channelIds: readonly string[]): Promise<SlotRecord[]> {
  if (channelIds.length === 0) return [];
  return db
    .select({ channelId: postingSlots.channelId, weekday: postingSlots.weekday, minuteOfDay: postingSlots.minuteOfDay })
    .from(postingSlots)
    .where(and(eq(postingSlots.organizationId, organizationId), inArray(postingSlots.channelId, [...new Set(channelIds)])))
    .orderBy(asc(postingSlots.channelId), asc(postingSlots.weekday), asc(postingSlots.minuteOfDay));
}

/** Replaces all slots of a channel. Call inside a transaction that holds the channel's row lock. */
export async function replaceSlots(db: Db, organizationId: string, channelId: string, slots: readonly { weekday: number; minuteOfDay: number }[]): Promise<void> {
  await deleteSlots(db, organizationId, channelId);
  if (slots.length === 0) return;
  await db
    .insert(postingSlots)
    .values(slots.map((s) => ({ organizationId, channelId, weekday: s.weekday, minuteOfDay: s.minuteOfDay })))
    .onConflictDoNothing();
}

export async function deleteSlots(db: Db, organizationId: string, channelId: string): Promise<void> {
  await db.delete(postingSlots).where(and(eq(postingSlots.channelId, channelId), eq(postingSlots.organizationId, organizationId)));
}

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
