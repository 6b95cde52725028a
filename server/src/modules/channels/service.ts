import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { PLATFORMS, type Platform } from '../../integrations/social/provider.js';
import { CONTENT_RULES } from '../../integrations/social/rules.js';
import { readSandboxFeed, sandboxPostExists } from '../../integrations/social/sandbox/sandbox.feed.js';
import { randomToken } from '../../lib/crypto.js';
import { badRequest, conflict, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/repo.js';
import { resignedMediaUrl } from '../media/signed-url.js';
import { sealCredentials } from './credentials.js';
import * as repo from './repo.js';
import type { ChannelRecord, SlotRecord } from './repo.js';
import type { Channel, PostingSlot, SandboxFeed, SandboxFeedQuery } from './schemas.js';

/**
 * Connected accounts of a workspace: listing, the sandbox practice channel, renaming, disconnecting,
 * weekly posting slots. Callers pass an already-authorised organization (see scope.ts).
 */
export class ChannelsService {
  constructor(private readonly ctx: AppContext) {}

  async list(organizationId: string, workspaceId: string, opts: { includeDisconnected: boolean }): Promise<Channel[]> {
    const records = await repo.listChannels(this.ctx.db, organizationId, workspaceId, opts);
    const slots = await repo.listSlots(this.ctx.db, organizationId, records.map((c) => c.id));
    return records.map((c) => toChannel(c, slots));
  }

  async get(organizationId: string, id: string): Promise<Channel> {
    const channel = await repo.findChannel(this.ctx.db, organizationId, id);
    if (!channel) throw notFound('Channel');
    return toChannel(channel, await repo.listSlots(this.ctx.db, organizationId, [id]));
  }

  /**
   * A sandbox channel: the practice platform built into Herald. Its account id is the channel's own id
   * (unique by construction) and it gets a random token, encrypted like any platform's credentials, so
   * the sandbox's token check has something real to check.
   */
  async createSandbox(organizationId: string, workspaceId: string, actorId: string, name: string): Promise<Channel> {
    const id = randomUUID();
    const sealed = sealCredentials(this.ctx.keys, { accessToken: `sbx_${randomToken()}`, expiresAt: null });
    const channel = await this.ctx.db.transaction(async (tx) => {
      const created = await repo.insertChannel(tx, {
        id,
        organizationId,
        workspaceId,
        platform: 'sandbox',
        externalId: id,
        kind: 'sandbox',
        name,
        username: null,
        avatarUrl: null,
        ...sealed,
        connectedBy: actorId,
      });
      await recordAudit(tx, { organizationId, actorId, action: 'channel.connected', subjectType: 'channel', subjectId: id, data: { name, platform: 'sandbox', workspaceId } });
      return created;
    });
    return toChannel(channel, []);
  }

  async rename(organizationId: string, actorId: string, id: string, name: string): Promise<Channel> {
    const channel = await this.ctx.db.transaction(async (tx) => {
      const before = await repo.findChannel(tx, organizationId, id, { forUpdate: true });
      if (!before) throw notFound('Channel');
      const after = await repo.renameChannel(tx, organizationId, id, name);
      if (!after) throw notFound('Channel');
      if (before.name !== name) {
        await recordAudit(tx, { organizationId, actorId, action: 'channel.renamed', subjectType: 'channel', subjectId: id, data: { from: before.name, to: name } });
      }
      return after;
    });
    return toChannel(channel, await repo.listSlots(this.ctx.db, organizationId, [id]));
  }

  /**
   * Soft disconnect: credentials wiped, status `disconnected`, slots removed; the row stays for the
   * posts that point at it. Disconnecting an already disconnected channel is a no-op (idempotent).
   */
  async disconnect(organizationId: string, actorId: string, id: string): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      const channel = await repo.findChannel(tx, organizationId, id, { forUpdate: true });
      if (!channel) throw notFound('Channel');
      if (!(await repo.disconnectChannel(tx, organizationId, id))) return;
      await repo.deleteSlots(tx, organizationId, id);
      await recordAudit(tx, { organizationId, actorId, action: 'channel.disconnected', subjectType: 'channel', subjectId: id, data: { name: channel.name, platform: channel.platform } });
    });
  }

  /** Replaces every posting slot of a live channel; duplicates merge. Times are in the workspace's zone. */
  async replaceSlots(organizationId: string, actorId: string, id: string, input: readonly PostingSlot[]): Promise<{ slots: PostingSlot[] }> {
    const wanted = dedupeSlots(input.map((s) => ({ weekday: s.weekday, minuteOfDay: minuteOfDay(s.time) })));
    await this.ctx.db.transaction(async (tx) => {
      // The row lock serialises concurrent replacements (and a concurrent disconnect) of one channel.
      const channel = await repo.findChannel(tx, organizationId, id, { forUpdate: true });
      if (!channel) throw notFound('Channel');
      if (channel.disconnectedAt !== null) throw conflict('channel_disconnected', 'A disconnected channel has no posting slots');
      await repo.replaceSlots(tx, organizationId, id, wanted);
      await recordAudit(tx, { organizationId, actorId, action: 'channel.slots_updated', subjectType: 'channel', subjectId: id, data: { count: wanted.length } });
    });
    return { slots: wanted.map(toSlot) };
  }

  /** What the sandbox platform received for this channel, newest first. Other platforms: 400 `not_sandbox`. */
  async sandboxFeed(organizationId: string, id: string, query: SandboxFeedQuery): Promise<SandboxFeed> {
    const channel = await repo.findChannel(this.ctx.db, organizationId, id);
    if (!channel) throw notFound('Channel');
    if (channel.platform !== 'sandbox') throw badRequest('not_sandbox', 'Only sandbox channels have a sandbox feed', { platform: channel.platform });
    if (query.cursor && !(await sandboxPostExists(this.ctx.db, channel.externalId, query.cursor))) {
      throw badRequest('invalid_cursor', 'cursor does not name a post of this channel', { in: 'querystring', fields: { cursor: 'Unknown cursor' } });
    }
    const feed = await readSandboxFeed(this.ctx.db, channel.externalId, { afterId: query.cursor, limit: query.limit });
    // The sandbox keeps the URLs it was given at publish time, which expire after a day; the feed
    // shows the same files under freshly signed URLs so old posts keep their images.
    const items = feed.items.map((item) => ({
      ...item,
      media: item.media.map((m) => ({ ...m, url: resignedMediaUrl(this.ctx, organizationId, m.url) })),
    }));
    return { items, nextCursor: feed.nextCursor };
  }
}

function toChannel(c: ChannelRecord, slots: readonly SlotRecord[]): Channel {
  const platform = platformOf(c);
  const rules = CONTENT_RULES[platform];
  return {
    id: c.id,
    workspaceId: c.workspaceId,
    platform,
    kind: c.kind,
    name: c.name,
    username: c.username,
    avatarUrl: c.avatarUrl,
    status: c.status,
    statusReason: c.statusReason,
    tokenExpiresAt: c.tokenExpiresAt,
    isSandbox: c.platform === 'sandbox',
    rules: {
      textMax: rules.text.max,
      textCounting: rules.text.counting,
      mediaRequired: rules.media.required,
      maxImages: rules.media.maxImages,
      maxVideos: rules.media.maxVideos,
    },
    slots: slots.filter((s) => s.channelId === c.id).map(toSlot),
    createdAt: c.createdAt,
  };
}

/** Channels are only ever created by Herald with a known platform; anything else is a corrupted row. */
function platformOf(c: ChannelRecord): Platform {
  if ((PLATFORMS as readonly string[]).includes(c.platform)) return c.platform as Platform;
  throw new Error(`Channel ${c.id} has an unknown platform`);
}

function minuteOfDay(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h! * 60 + m!;
}

function toSlot(s: { weekday: number; minuteOfDay: number }): PostingSlot {
  const hh = String(Math.floor(s.minuteOfDay / 60)).padStart(2, '0');
  const mm = String(s.minuteOfDay % 60).padStart(2, '0');
  return { weekday: s.weekday, time: `${hh}:${mm}` };
}

function dedupeSlots(slots: { weekday: number; minuteOfDay: number }[]): { weekday: number; minuteOfDay: number }[] {
  const unique = new Map(slots.map((s) => [s.weekday * 1440 + s.minuteOfDay, s]));
  return [...unique.entries()].sort(([a], [b]) => a - b).map(([, s]) => s);
}
