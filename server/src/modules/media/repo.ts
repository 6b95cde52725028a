import { and, desc, eq, ilike, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { media, mediaVariants, posts, postTargets, type PostStatus, type TargetStatus } from '../../db/schema.js';
import type { MediaKind } from './schemas.js';

/** A media row as services see it (no driver types). */
export interface MediaRecord {
  id: string;
  organizationId: string;
  workspaceId: string;
  kind: MediaKind;
  mime: string;
  filename: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  animated: boolean;
  sha256: string;
  storageKey: string;
  thumbnailKey: string | null;
  altText: string;
  tags: string[];
  uploadedBy: string | null;
  createdAt: Date;
}

export type MediaInsert = Omit<MediaRecord, 'createdAt'>;

export interface VariantRecord {
  id: string;
  mediaId: string;
  platform: string;
  storageKey: string;
  mime: string;
  width: number;
  height: number;
  sizeBytes: number;
  reasons: string[];
}

const mediaColumns = {
  id: media.id,
  organizationId: media.organizationId,
  workspaceId: media.workspaceId,
  kind: media.kind,
  mime: media.mime,
  filename: media.filename,
  sizeBytes: media.sizeBytes,
  width: media.width,
  height: media.height,
  durationSeconds: media.durationSeconds,
  animated: media.animated,
  sha256: media.sha256,
  storageKey: media.storageKey,
  thumbnailKey: media.thumbnailKey,
  altText: media.altText,
  tags: media.tags,
  uploadedBy: media.uploadedBy,
  createdAt: media.createdAt,
};

const variantColumns = {
  id: mediaVariants.id,
  mediaId: mediaVariants.mediaId,
  platform: mediaVariants.platform,
  storageKey: mediaVariants.storageKey,
  mime: mediaVariants.mime,
  width: mediaVariants.width,
  height: mediaVariants.height,
  sizeBytes: mediaVariants.sizeBytes,
  reasons: mediaVariants.reasons,
};

export async function insertMedia(db: Db, row: MediaInsert): Promise<MediaRecord> {
  const [inserted] = await db.insert(media).values(row).returning(mediaColumns);
  return inserted!;
}

export async function findMedia(db: Db, organizationId: string, id: string): Promise<MediaRecord | undefined> {
  const [row] = await db.select(mediaColumns).from(media).where(and(eq(media.id, id), eq(media.organizationId, organizationId)));
  return row;
}

/** The media rows with these ids in the organization (and workspace, when given), in no particular order. */
export async function findMediaByIds(db: Db, organizationId: string, ids: string[], workspaceId?: string): Promise<MediaRecord[]> {
  if (ids.length === 0) return [];
  return db
    .select(mediaColumns)
    .from(media)
    .where(and(eq(media.organizationId, organizationId), inArray(media.id, ids), workspaceId === undefined ? undefined : eq(media.workspaceId, workspaceId)));
}

/** Owner of a media item, for access control; null when it does not exist. */
export async function mediaOwner(db: Db, id: string): Promise<{ organizationId: string; workspaceId: string } | null> {
  const [row] = await db.select({ organizationId: media.organizationId, workspaceId: media.workspaceId }).from(media).where(eq(media.id, id));
  return row ?? null;
}

/** Position in the listing order (newest first) at full database precision. */
export interface MediaCursor {
  createdAt: string;
  id: string;
}

export interface MediaFilter {
  q?: string | undefined;
  kind?: MediaKind | undefined;
  tag?: string | undefined;
  after?: MediaCursor | undefined;
  limit: number;
}

/**
 * A page of a workspace's library, newest first. Each row carries its cursor: `created_at` as text with
 * microseconds, because a JS Date would drop them and make the next page repeat rows.
 */
export async function listMedia(db: Db, organizationId: string, workspaceId: string, f: MediaFilter): Promise<(MediaRecord & { cursor: MediaCursor })[]> {
  const rows = await db
    .select({ ...mediaColumns, cursorAt: sql<string>`to_char(${media.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` })
    .from(media)
    .where(
      and(
        eq(media.organizationId, organizationId),
        eq(media.workspaceId, workspaceId),
        f.q ? ilike(media.filename, `%${escapeLike(f.q)}%`) : undefined,
        f.kind ? eq(media.kind, f.kind) : undefined,
        f.tag ? sql`${media.tags} @> ${JSON.stringify([f.tag])}::jsonb` : undefined,
        f.after ? sql`(${media.createdAt}, ${media.id}) < (${f.after.createdAt}::timestamptz, ${f.after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(media.createdAt), desc(media.id))
    .limit(f.limit);
  return rows.map(({ cursorAt, ...row }) => ({ ...row, cursor: { createdAt: cursorAt, id: row.id } }));
}

export async function updateMedia(db: Db, organizationId: string, id: string, patch: { altText?: string; tags?: string[] }): Promise<MediaRecord | undefined> {
  const [row] = await db
    .update(media)
    .set(patch)
    .where(and(eq(media.id, id), eq(media.organizationId, organizationId)))
    .returning(mediaColumns);
  return row;
}

/** Locks the row until the transaction ends, so a delete and a concurrent use do not interleave. */
export async function lockMedia(db: Db, organizationId: string, id: string): Promise<MediaRecord | undefined> {
  const [row] = await db
    .select(mediaColumns)
    .from(media)
    .where(and(eq(media.id, id), eq(media.organizationId, organizationId)))
    .for('update');
  return row;
}

export async function deleteMedia(db: Db, organizationId: string, id: string): Promise<void> {
  await db.delete(media).where(and(eq(media.id, id), eq(media.organizationId, organizationId)));
}

/** Post statuses in which the post may still go out, so its media must stay. */
export const UNPUBLISHED_POST_STATUSES: PostStatus[] = ['draft', 'scheduled', 'publishing', 'needs_attention'];
export const UNPUBLISHED_TARGET_STATUSES: TargetStatus[] = ['scheduled', 'publishing', 'retrying', 'needs_review'];

/**
 * Posts that are not yet published and use this media item, through the post itself or through one of
 * its targets' own media lists. At most `limit` of them.
 */
export async function postsUsingMedia(db: Db, organizationId: string, mediaId: string, limit = 20): Promise<{ id: string; status: string }[]> {
  const contains = JSON.stringify([mediaId]);
  const direct = await db
    .select({ id: posts.id, status: posts.status })
    .from(posts)
    .where(and(eq(posts.organizationId, organizationId), inArray(posts.status, UNPUBLISHED_POST_STATUSES), sql`${posts.mediaIds} @> ${contains}::jsonb`))
    .orderBy(posts.createdAt)
    .limit(limit);
  const viaTargets = await db
    .selectDistinct({ id: posts.id, status: posts.status })
    .from(postTargets)
    .innerJoin(posts, eq(posts.id, postTargets.postId))
    .where(
      and(
        eq(postTargets.organizationId, organizationId),
        inArray(postTargets.status, UNPUBLISHED_TARGET_STATUSES),
        sql`${postTargets.mediaIds} @> ${contains}::jsonb`,
      ),
    )
    .limit(limit);
  const byId = new Map<string, { id: string; status: string }>();
  for (const p of [...direct, ...viaTargets]) if (!byId.has(p.id)) byId.set(p.id, p);
  return [...byId.values()].slice(0, limit);
}

export async function listVariants(db: Db, organizationId: string, mediaId: string): Promise<VariantRecord[]> {
  return db
    .select(variantColumns)
    .from(mediaVariants)
    .where(and(eq(mediaVariants.organizationId, organizationId), eq(mediaVariants.mediaId, mediaId)));
}

export async function findVariant(db: Db, organizationId: string, mediaId: string, platform: string): Promise<VariantRecord | undefined> {
  const [row] = await db
    .select(variantColumns)
    .from(mediaVariants)
    .where(and(eq(mediaVariants.organizationId, organizationId), eq(mediaVariants.mediaId, mediaId), eq(mediaVariants.platform, platform)));
  return row;
}

/** Records a variant unless one exists for (media, platform) already; returns null when another writer won. */
export async function insertVariant(db: Db, organizationId: string, v: Omit<VariantRecord, 'id'>): Promise<VariantRecord | null> {
  const [row] = await db
    .insert(mediaVariants)
    .values({ organizationId, ...v })
    .onConflictDoNothing({ target: [mediaVariants.mediaId, mediaVariants.platform] })
    .returning(variantColumns);
  return row ?? null;
}

/** `%`, `_` and `\` match themselves in a search, not as LIKE wildcards. */
function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Every stored file of an organization's media (originals, thumbnails, platform variants), or only of
 * one workspace's: what must leave storage when the workspace or organization is deleted.
 */
export async function storageKeysOf(db: Db, organizationId: string, workspaceId?: string): Promise<string[]> {
  const scope = and(eq(media.organizationId, organizationId), workspaceId ? eq(media.workspaceId, workspaceId) : undefined);
  const originals = await db.select({ key: media.storageKey, thumb: media.thumbnailKey }).from(media).where(scope);
  const variants = await db
    .select({ key: mediaVariants.storageKey })
    .from(mediaVariants)
    .innerJoin(media, eq(media.id, mediaVariants.mediaId))
    .where(scope);
  return [...originals.flatMap((o) => (o.thumb ? [o.key, o.thumb] : [o.key])), ...variants.map((v) => v.key)];
}
