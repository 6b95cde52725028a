import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { channels, organizations, postTargets, users, workspaces } from './schema.js';

/**
 * Tables of the real-platform connectors: OAuth connection attempts, in-app notifications and the
 * metrics time series. Same conventions as schema.ts (organization_id on every row, timestamptz).
 */

export type ConnectionStatus = 'pending' | 'exchanging' | 'authorized' | 'completed' | 'failed';

/**
 * One "Connect <platform>" attempt. The OAuth `state` is stored only as a SHA-256 hash, is single-use
 * (the callback moves the row out of `pending` in one conditional UPDATE) and expires after 10 minutes.
 * The PKCE verifier and, after the callback, the tokens and the accounts they reach are encrypted.
 */
export const oauthConnections = pgTable(
  'oauth_connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    platform: text('platform').notNull(),
    stateHash: text('state_hash').notNull(),
    /**
     * SHA-256 of the nonce in the httpOnly cookie set on the browser that started the attempt; the
     * callback must present it, so a consent URL handed to someone else connects nothing.
     */
    browserHash: text('browser_hash').notNull().default(''),
    /** Encrypted: the PKCE verifier until the callback, then the credentials and accounts found. */
    secret: text('secret').notNull(),
    status: text('status').$type<ConnectionStatus>().notNull().default('pending'),
    error: text('error'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('oauth_connections_state_idx').on(t.stateHash), index('oauth_connections_user_idx').on(t.userId)],
);

export type NotificationKind = 'channel_needs_reauth' | 'post_needs_review' | 'post_failed';

/** An in-app notification for one user (also emailed when SMTP is configured). */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<NotificationKind>().notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** A dashboard path (not a full URL) to open. */
    link: text('link'),
    /** Deduplicates repeats of one event (e.g. one per channel and reason). */
    dedupeKey: text('dedupe_key'),
    readAt: timestamp('read_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.createdAt),
    uniqueIndex('notifications_dedupe_idx').on(t.userId, t.dedupeKey),
  ],
);

/**
 * One reading of a published target's figures, as the platform reported them at `capturedAt`.
 * Null means the platform has no such figure (not zero).
 */
export const postMetrics = pgTable(
  'post_metrics',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    targetId: uuid('target_id')
      .notNull()
      .references(() => postTargets.id, { onDelete: 'cascade' }),
    capturedAt: timestamp('captured_at', { withTimezone: true }).notNull().defaultNow(),
    impressions: bigint('impressions', { mode: 'number' }),
    reach: bigint('reach', { mode: 'number' }),
    likes: bigint('likes', { mode: 'number' }),
    comments: bigint('comments', { mode: 'number' }),
    shares: bigint('shares', { mode: 'number' }),
    saves: bigint('saves', { mode: 'number' }),
    clicks: bigint('clicks', { mode: 'number' }),
    videoViews: bigint('video_views', { mode: 'number' }),
    raw: jsonb('raw').$type<Record<string, unknown>>(),
  },
  (t) => [index('post_metrics_target_idx').on(t.targetId, t.capturedAt)],
);
