import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import type { MediaItem, Platform } from '../../integrations/social/provider.js';
import { checkContent, CONTENT_RULES, type MediaFacts } from '../../integrations/social/rules.js';
import { badRequest } from '../../lib/errors.js';
import { extensionOf } from './file-types.js';
import * as repo from './repo.js';
import { signMediaUrl } from './signed-url.js';
import { renderVariant } from './variants.js';

/**
 * What the posts and publishing modules use from the media library. Nothing here checks permissions:
 * callers pass an organization (and workspace) they have already authorised.
 */
export type MediaContext = Pick<AppContext, 'db' | 'storage' | 'config' | 'keys'>;

/** How long a media URL handed to a platform stays valid (platforms may fetch late, e.g. after a retry). */
export const PUBLISH_URL_TTL_SECONDS = 24 * 3600;

/** The file a platform gets for one media item: the original, or a conforming variant. */
export interface MediaRendition {
  storageKey: string;
  mime: string;
  width: number | null;
  height: number | null;
  sizeBytes: number;
  /** Why this is not the original (empty for the original). */
  reasons: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Facts (kind, type, size, dimensions) about `mediaIds`, in the given order, for rule checks.
 * Throws 400 `media_not_found` naming every id that is not media of this workspace.
 * Pass a transaction as `db` to read consistently with the post being written.
 */
export async function loadMediaFacts(db: Db, organizationId: string, workspaceId: string, mediaIds: string[]): Promise<MediaFacts[]> {
  const rows = await loadInOrder(db, organizationId, mediaIds, workspaceId);
  return rows.map(factsOf);
}

/**
 * The rendition of a media item to send to `platform`. An image the platform's rules would not take
 * as it is gets a conforming copy, made once and kept in `media_variants`; images that need nothing,
 * and videos, are the original.
 */
export async function variantFor(ctx: MediaContext, organizationId: string, mediaId: string, platform: Platform): Promise<MediaRendition> {
  const [row] = await loadInOrder(ctx.db, organizationId, [mediaId]);
  return renditionOf(ctx, row!, platform);
}

/** The media of a post as a provider takes it: signed URLs valid 24 h and streams of the bytes from storage. */
export async function mediaForPublish(ctx: MediaContext, organizationId: string, mediaIds: string[], platform: Platform): Promise<MediaItem[]> {
  const rows = await loadInOrder(ctx.db, organizationId, mediaIds);
  const items: MediaItem[] = [];
  for (const row of rows) {
    const r = await renditionOf(ctx, row, platform);
    items.push({
      kind: row.kind,
      mime: r.mime,
      sizeBytes: r.sizeBytes,
      width: r.width ?? undefined,
      height: r.height ?? undefined,
      durationSeconds: row.durationSeconds ?? undefined,
      altText: row.altText === '' ? undefined : row.altText,
      url: signMediaUrl(ctx, r.storageKey, PUBLISH_URL_TTL_SECONDS),
      open: (opts = {}) => ctx.storage.get(r.storageKey, opts),
    });
  }
  return items;
}

async function renditionOf(ctx: MediaContext, row: repo.MediaRecord, platform: Platform): Promise<MediaRendition> {
  const original: MediaRendition = { storageKey: row.storageKey, mime: row.mime, width: row.width, height: row.height, sizeBytes: row.sizeBytes, reasons: [] };
  const rules = CONTENT_RULES[platform];
  const ir = rules.media.image;
  if (row.kind !== 'image' || !ir || row.width === null || row.height === null) return original;
  const reasons = checkContent(rules, '', [factsOf(row)]).adaptations.find((a) => a.mediaId === row.id)?.reasons ?? [];
  if (reasons.length === 0) return original;

  const existing = await repo.findVariant(ctx.db, row.organizationId, row.id, platform);
  if (existing) return fromVariant(existing);

  const rendered = await renderVariant(await ctx.storage.getBuffer(row.storageKey), { mime: row.mime, width: row.width, height: row.height }, ir, reasons);
  // A fresh key per rendering: two workers racing never overwrite each other's file, and the loser
  // removes its own once the database has picked the winner.
  const storageKey = `${row.organizationId}/${row.id}/variants/${platform}-${randomBytes(4).toString('hex')}.${extensionOf(rendered.mime)}`;
  await ctx.storage.put(storageKey, rendered.bytes, { contentType: rendered.mime });
  let inserted: repo.VariantRecord | null;
  try {
    inserted = await repo.insertVariant(ctx.db, row.organizationId, {
      mediaId: row.id,
      platform,
      storageKey,
      mime: rendered.mime,
      width: rendered.width,
      height: rendered.height,
      sizeBytes: rendered.bytes.length,
      reasons: rendered.reasons,
    });
  } catch (err) {
    await ctx.storage.delete(storageKey).catch(() => undefined);
    throw err;
  }
  if (inserted) return fromVariant(inserted);
  await ctx.storage.delete(storageKey).catch(() => undefined);
  const winner = await repo.findVariant(ctx.db, row.organizationId, row.id, platform);
  if (!winner) throw mediaNotFound([row.id]);
  return fromVariant(winner);
}

function fromVariant(v: repo.VariantRecord): MediaRendition {
  return { storageKey: v.storageKey, mime: v.mime, width: v.width, height: v.height, sizeBytes: v.sizeBytes, reasons: v.reasons };
}

function factsOf(row: repo.MediaRecord): MediaFacts {
  return {
    id: row.id,
    kind: row.kind,
    mime: row.mime,
    sizeBytes: row.sizeBytes,
    width: row.width,
    height: row.height,
    durationSeconds: row.durationSeconds,
    animated: row.animated,
  };
}

/** Rows for `ids` in that order (repeats allowed); 400 `media_not_found` naming the ids that are not there. */
async function loadInOrder(db: Db, organizationId: string, ids: string[], workspaceId?: string): Promise<repo.MediaRecord[]> {
  const wellFormed = [...new Set(ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
  const rows = await repo.findMediaByIds(db, organizationId, wellFormed, workspaceId);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = [...new Set(ids.filter((id) => !byId.has(id.toLowerCase())))];
  if (missing.length > 0) throw mediaNotFound(missing, workspaceId !== undefined);
  return ids.map((id) => byId.get(id.toLowerCase())!);
}

function mediaNotFound(ids: string[], inWorkspace = false) {
  return badRequest('media_not_found', `Media not found${inWorkspace ? ' in this workspace' : ''}: ${ids.join(', ')}`, { mediaIds: ids });
}
