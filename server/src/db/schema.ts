import { sql } from 'drizzle-orm';
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Herald's tables. Every tenant-owned row carries `organization_id`; every query is scoped by it.
 * Times are `timestamptz` (stored UTC). Tokens are stored only as SHA-256 hashes.
 */

export const roleEnum = pgEnum('role', ['owner', 'admin', 'editor', 'analyst', 'viewer']);

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** argon2id; null for accounts that only sign in with Google. */
    passwordHash: text('password_hash'),
    emailVerified: boolean('email_verified').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`)],
);

export const userIdentities = pgTable(
  'user_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    subject: text('subject').notNull(),
    email: text('email').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('user_identities_provider_subject_idx').on(t.provider, t.subject), index('user_identities_user_idx').on(t.userId)],
);

/** One row per refresh token. Rotation links rows by `familyId`; reuse of a rotated token revokes the family. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    userAgent: text('user_agent'),
    ip: text('ip'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('sessions_token_hash_idx').on(t.tokenHash),
    index('sessions_family_idx').on(t.familyId),
    index('sessions_user_idx').on(t.userId),
  ],
);

export const passwordResets = pgTable(
  'password_resets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    /**
     * The token sealed with the key ring until the mail job has sent it (then null): email jobs carry
     * only the row id, so the clear token never sits in the job tables. Null for links handed over.
     */
    tokenSealed: text('token_sealed'),
    /** True when the link went only by email to the account's address: using it proves the mailbox. */
    mailed: boolean('mailed').notNull().default(true),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('password_resets_token_hash_idx').on(t.tokenHash), index('password_resets_user_idx').on(t.userId)],
);

/** Email verification links: prove that whoever holds the account's password also reads its mailbox. */
export const emailVerifications = pgTable(
  'email_verifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The address the link was sent to; the link verifies only while the account still has it. */
    email: text('email').notNull(),
    tokenHash: text('token_hash').notNull(),
    tokenSealed: text('token_sealed'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('email_verifications_token_hash_idx').on(t.tokenHash), index('email_verifications_user_idx').on(t.userId)],
);

export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const memberships = pgTable(
  'memberships',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: roleEnum('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: roleEnum('role').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** Sealed token until the invitation mail is sent (see password_resets.token_sealed). */
    tokenSealed: text('token_sealed'),
    /** True when the link went only by email (never shown to the inviter): accepting it proves the mailbox. */
    mailed: boolean('mailed').notNull().default(false),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('invitations_token_hash_idx').on(t.tokenHash), index('invitations_org_idx').on(t.organizationId)],
);

export const workspaces = pgTable(
  'workspaces',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** IANA zone, e.g. Asia/Kolkata: schedules and calendars are shown in it. */
    timezone: text('timezone').notNull(),
    description: text('description').notNull().default(''),
    industry: text('industry').notNull().default(''),
    brandVoice: text('brand_voice').notNull().default(''),
    defaultHashtags: jsonb('default_hashtags').$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('workspaces_org_idx').on(t.organizationId)],
);

/** Who did what, per organization: member and workspace changes are recorded here. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_org_created_idx').on(t.organizationId, t.createdAt)],
);

// ── Publishing ────────────────────────────────────────────────────────────────────────────────────

export type ChannelStatus = 'active' | 'needs_reauth' | 'disconnected';

/** A connected account a workspace publishes to. Credentials are AES-256-GCM ciphertext (lib/crypto). */
export const channels = pgTable(
  'channels',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    platform: text('platform').notNull(),
    externalId: text('external_id').notNull(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    username: text('username'),
    avatarUrl: text('avatar_url'),
    credentials: text('credentials'),
    credentialsKeyId: text('credentials_key_id'),
    tokenExpiresAt: timestamp('token_expires_at', { withTimezone: true }),
    tokenRefreshedAt: timestamp('token_refreshed_at', { withTimezone: true }),
    /** Set while one process refreshes the token (rotating refresh tokens must not be spent twice). */
    tokenRefreshLockedUntil: timestamp('token_refresh_locked_until', { withTimezone: true }),
    status: text('status').$type<ChannelStatus>().notNull().default('active'),
    statusReason: text('status_reason'),
    connectedBy: uuid('connected_by').references(() => users.id, { onDelete: 'set null' }),
    disconnectedAt: timestamp('disconnected_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('channels_workspace_idx').on(t.workspaceId),
    uniqueIndex('channels_live_account_idx').on(t.workspaceId, t.platform, t.externalId).where(sql`${t.disconnectedAt} is null`),
  ],
);

/** Weekly posting times of a channel, in its workspace's time zone (ISO weekday 1 = Monday). */
export const postingSlots = pgTable(
  'posting_slots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    weekday: integer('weekday').notNull(),
    minuteOfDay: integer('minute_of_day').notNull(),
  },
  (t) => [uniqueIndex('posting_slots_unique_idx').on(t.channelId, t.weekday, t.minuteOfDay)],
);

/**
 * The sandbox platform's own storage: what a sandbox channel "received". Written by the sandbox
 * provider in its own transaction, as an outside platform would; deliberately not unique on the
 * idempotency key, so a double publish would show up here.
 */
export const sandboxPosts = pgTable(
  'sandbox_posts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: text('account_id').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    text: text('text').notNull(),
    media: jsonb('media').$type<{ kind: string; mime: string; url: string; sizeBytes: number }[]>().notNull().default([]),
    createdAt: createdAt(),
    /** Arrival order: clocks tie (PGlite counts milliseconds), the feed's order must not. */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
  },
  (t) => [index('sandbox_posts_account_idx').on(t.accountId, t.seq), index('sandbox_posts_key_idx').on(t.idempotencyKey)],
);

export const media = pgTable(
  'media',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'image' | 'video'>().notNull(),
    mime: text('mime').notNull(),
    filename: text('filename').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    width: integer('width'),
    height: integer('height'),
    durationSeconds: doublePrecision('duration_seconds'),
    animated: boolean('animated').notNull().default(false),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    thumbnailKey: text('thumbnail_key'),
    altText: text('alt_text').notNull().default(''),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('media_workspace_created_idx').on(t.workspaceId, t.createdAt)],
);

/** A platform-conforming copy of an image (converted, cropped, resized or compressed). */
export const mediaVariants = pgTable(
  'media_variants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    mediaId: uuid('media_id')
      .notNull()
      .references(() => media.id, { onDelete: 'cascade' }),
    platform: text('platform').notNull(),
    storageKey: text('storage_key').notNull(),
    mime: text('mime').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    reasons: jsonb('reasons').$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('media_variants_media_platform_idx').on(t.mediaId, t.platform)],
);

export type PostStatus = 'draft' | 'scheduled' | 'publishing' | 'published' | 'partially_published' | 'failed' | 'needs_attention' | 'deleted';
export type TargetStatus = 'draft' | 'scheduled' | 'publishing' | 'retrying' | 'published' | 'failed' | 'needs_reauth' | 'needs_review' | 'deleted';

export const posts = pgTable(
  'posts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    mediaIds: jsonb('media_ids').$type<string[]>().notNull().default([]),
    /** Derived from the targets, kept here so lists and calendars can filter on it. */
    status: text('status').$type<PostStatus>().notNull().default('draft'),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    /** Where the calendar shows the post: when it went out, else when it is due. Kept by the database. */
    calendarAt: timestamp('calendar_at', { withTimezone: true }).generatedAlwaysAs(sql`coalesce(published_at, scheduled_at)`),
    /** The platforms of its targets, distinct and sorted; kept by the state machine (recomputePostStatus). */
    platforms: text('platforms').array().notNull().default(sql`'{}'::text[]`),
    /** A target is being published or waits for a retry: the post changes on its own. Kept with `status`. */
    inFlight: boolean('in_flight').notNull().default(false),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('posts_workspace_calendar_idx').on(t.workspaceId, t.calendarAt, t.id), index('posts_workspace_status_idx').on(t.workspaceId, t.status, t.createdAt)],
);

/** What went wrong, as the provider's typed error said (integrations/social/errors.ts). */
export type TargetErrorKind = 'auth_expired' | 'rate_limited' | 'transient' | 'rejected' | 'unknown_outcome';

export interface TargetError {
  kind: TargetErrorKind;
  message: string;
  platformCode?: string | undefined;
}

/** One channel's copy of a post: its own text, media, status and platform post id. */
export const postTargets = pgTable(
  'post_targets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    postId: uuid('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    /** Per-channel overrides; null means "as the post". */
    text: text('text'),
    mediaIds: jsonb('media_ids').$type<string[]>(),
    status: text('status').$type<TargetStatus>().notNull().default('draft'),
    /** Bumped by every reschedule or cancel: a job carrying an older version does nothing. */
    version: integer('version').notNull().default(0),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    attemptCount: integer('attempt_count').notNull().default(0),
    /** Times the reconciler failed to get an answer for the current attempt (bounded, then needs_review). */
    reconcileAttempts: integer('reconcile_attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    platformPostId: text('platform_post_id'),
    permalink: text('permalink'),
    lastError: jsonb('last_error').$type<TargetError>(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    /** Stable across retries: lets the reconciler ask the platform whether this target went out. */
    idempotencyKey: uuid('idempotency_key').notNull().defaultRandom(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('post_targets_post_channel_idx').on(t.postId, t.channelId),
    index('post_targets_status_scheduled_idx').on(t.status, t.scheduledAt),
    index('post_targets_channel_idx').on(t.channelId),
  ],
);

/**
 * One row per running worker process, beaten every few seconds. A publish attempt whose worker's row
 * is stale (or gone) belongs to a process that died: nothing can still be calling the platform for it,
 * so the reconciler settles it at once instead of waiting out the attempt's lease.
 */
export const workerHeartbeats = pgTable('worker_heartbeats', {
  workerId: text('worker_id').primaryKey(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  beatAt: timestamp('beat_at', { withTimezone: true }).notNull().defaultNow(),
});

export type AttemptOutcome = 'published' | 'transient' | 'rate_limited' | 'auth_expired' | 'rejected' | 'unknown_outcome' | 'reconciled' | 'abandoned';

/** Every call to a platform: started before the call, finished after it. Unfinished = the worker died. */
export const publishAttempts = pgTable(
  'publish_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    targetId: uuid('target_id')
      .notNull()
      .references(() => postTargets.id, { onDelete: 'cascade' }),
    attemptNo: integer('attempt_no').notNull(),
    workerId: text('worker_id').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    outcome: text('outcome').$type<AttemptOutcome>(),
    errorMessage: text('error_message'),
    platformCode: text('platform_code'),
    platformPostId: text('platform_post_id'),
  },
  (t) => [index('publish_attempts_target_idx').on(t.targetId, t.startedAt)],
);
