import type { Multipart } from '@fastify/multipart';
import type { AppContext } from '../../context.js';
import { conflict, notFound } from '../../lib/errors.js';
import { decodeCursor, encodeCursor, type Cursor } from '../../lib/cursor.js';
import { recordAudit } from '../audit/repo.js';
import * as repo from './repo.js';
import type { Media, MediaList, MediaListQuery, MediaUpdate } from './schemas.js';
import { dashboardMediaUrl } from './signed-url.js';
import { MediaUploader, type UploadTarget } from './upload.js';

/** The media library of a workspace. Callers pass an already-authorised scope. */
export class MediaService {
  private readonly uploader: MediaUploader;

  constructor(private readonly ctx: AppContext) {
    this.uploader = new MediaUploader(ctx);
  }

  get multipartLimits() {
    return this.uploader.multipartLimits;
  }

  async upload(target: UploadTarget, parts: AsyncIterable<Multipart>): Promise<Media> {
    const record = await this.uploader.upload(target, parts);
    return this.toMedia(record);
  }

  async list(organizationId: string, workspaceId: string, query: MediaListQuery): Promise<MediaList> {
    const rows = await repo.listMedia(this.ctx.db, organizationId, workspaceId, {
      q: query.q || undefined,
      kind: query.kind,
      tag: query.tag,
      after: query.cursor === undefined ? undefined : mediaCursor(decodeCursor(query.cursor)),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return { items: page.map((r) => this.toMedia(r)), nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.cursor.createdAt, id: last.cursor.id }) : null };
  }

  async get(organizationId: string, id: string): Promise<Media> {
    const row = await repo.findMedia(this.ctx.db, organizationId, id);
    if (!row) throw notFound('Media');
    return this.toMedia(row);
  }

  async update(organizationId: string, id: string, patch: MediaUpdate): Promise<Media> {
    const row = await repo.updateMedia(this.ctx.db, organizationId, id, patch);
    if (!row) throw notFound('Media');
    return this.toMedia(row);
  }

  /**
   * Deletes a media item, its thumbnail and its platform variants; refused (409 `media_in_use`) while a
   * post that has not gone out yet uses it. Rows go first, in one transaction; files after the commit,
   * so a failure can leave an orphaned file but never a row pointing at nothing.
   */
  async remove(organizationId: string, actorId: string, id: string): Promise<void> {
    const keys = await this.ctx.db.transaction(async (tx) => {
      const row = await repo.lockMedia(tx, organizationId, id);
      if (!row) throw notFound('Media');
      const users = await repo.postsUsingMedia(tx, organizationId, id);
      if (users.length > 0) {
        const names = users.slice(0, 5).map((p) => `${p.id} (${p.status})`);
        throw conflict(
          'media_in_use',
          `This media is used by ${users.length === 1 ? 'a post' : `${users.length} posts`} not yet published: ${names.join(', ')}${users.length > 5 ? ', …' : ''}. Remove it from them first.`,
          { posts: users },
        );
      }
      const variants = await repo.listVariants(tx, organizationId, id);
      await repo.deleteMedia(tx, organizationId, id);
      await recordAudit(tx, { organizationId, actorId, action: 'media.deleted', subjectType: 'media', subjectId: id, data: { filename: row.filename } });
      return [row.storageKey, ...(row.thumbnailKey ? [row.thumbnailKey] : []), ...variants.map((v) => v.storageKey)];
    });
    await Promise.all(
      keys.map((key) => this.ctx.storage.delete(key).catch((err: unknown) => this.ctx.logger.warn({ err, key }, 'could not delete a media file; it is orphaned'))),
    );
  }

  toMedia(row: repo.MediaRecord): Media {
    return {
      id: row.id,
      workspaceId: row.workspaceId,
      kind: row.kind,
      mime: row.mime,
      filename: row.filename,
      sizeBytes: row.sizeBytes,
      width: row.width,
      height: row.height,
      durationSeconds: row.durationSeconds,
      animated: row.animated,
      altText: row.altText,
      tags: row.tags,
      url: dashboardMediaUrl(this.ctx, row.storageKey),
      thumbnailUrl: row.thumbnailKey ? dashboardMediaUrl(this.ctx, row.thumbnailKey) : null,
      createdAt: row.createdAt,
      uploadedBy: row.uploadedBy,
    };
  }
}

function mediaCursor(c: Cursor): repo.MediaCursor {
  return { createdAt: c.at, id: c.id };
}
