import type { Readable } from 'node:stream';
import type { ContentRules } from './rules.js';

/**
 * The interface every social platform implements. Providers receive plain credentials and content,
 * never database rows, and throw the typed errors of errors.ts.
 */
export const PLATFORMS = ['sandbox', 'facebook', 'instagram', 'tiktok', 'x', 'linkedin'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A stored platform name as a `Platform`; a name this build does not know is an error. */
export function toPlatform(name: string): Platform {
  if ((PLATFORMS as readonly string[]).includes(name)) return name as Platform;
  throw new Error(`Unknown platform ${JSON.stringify(name)}`);
}

/** Platforms this build has a provider for (the registry lists exactly these). */
export const PROVIDER_PLATFORMS = ['sandbox', 'facebook', 'instagram', 'tiktok', 'x', 'linkedin'] as const satisfies readonly Platform[];
export type ProviderPlatform = (typeof PROVIDER_PLATFORMS)[number];

/** Tokens as the platform issued them. Stored encrypted; never logged or returned by the API. */
export interface Credentials {
  accessToken: string;
  refreshToken?: string | undefined;
  /** When the access token stops working (null: does not expire). */
  expiresAt?: string | null | undefined;
  refreshExpiresAt?: string | null | undefined;
  scopes?: string[] | undefined;
  /** Platform-specific extras, e.g. the Facebook user id a page token came from. */
  extra?: Record<string, string> | undefined;
}

/** Something the user may publish to: a page, a business account, a profile, an organization. */
export interface Account {
  externalId: string;
  name: string;
  username?: string | undefined;
  avatarUrl?: string | undefined;
  kind: 'profile' | 'page' | 'business' | 'organization' | 'sandbox';
  /** Account-level credentials when the platform issues them (e.g. Facebook page tokens). */
  credentials?: Credentials | undefined;
}

export interface MediaItem {
  kind: 'image' | 'video';
  mime: string;
  sizeBytes: number;
  width?: number | undefined;
  height?: number | undefined;
  durationSeconds?: number | undefined;
  altText?: string | undefined;
  /** A public, signed, expiring URL for platforms that fetch media themselves. */
  url: string;
  /**
   * The bytes, for platforms that take uploads: a stream of the whole file or of `range` (inclusive
   * offsets), read from Herald's media store as it is consumed. Upload a video part by part from
   * ranges (media-bytes.ts), never whole from memory. `signal` destroys the stream (file closed,
   * download cancelled). Rejects when the store cannot serve the file.
   */
  open(opts?: MediaReadOptions): Promise<Readable>;
}

export interface MediaReadOptions {
  range?: { start: number; end: number } | undefined;
  signal?: AbortSignal | undefined;
}

export interface PublishContent {
  text: string;
  media: MediaItem[];
}

/** What was sent, as far as `findPublished` needs it to recognise a post on a platform without keys. */
export interface SentContent {
  text: string;
  mediaCount: number;
}

export interface Published {
  platformPostId: string;
  permalink: string | null;
  publishedAt?: Date | undefined;
}

export interface PostMetrics {
  platformPostId: string;
  impressions: number | null;
  reach: number | null;
  likes: number | null;
  comments: number | null;
  shares: number | null;
  saves: number | null;
  clicks: number | null;
  videoViews: number | null;
}

/** The PKCE verifier of one connection attempt; each platform derives its challenge as it documents (oauth.ts). */
export interface PkcePair {
  verifier: string;
}

/** OAuth capability: present on every real platform, absent on the sandbox (see PlatformOAuth in oauth.ts). */
export interface OAuthCapability {
  authorizeUrl(state: string, pkce: PkcePair, redirectUri: string): string;
  exchangeCode(code: string, pkce: PkcePair, redirectUri: string): Promise<Credentials>;
  /** Exchanges a refresh token (or a long-lived token) for fresh credentials. */
  refresh?(credentials: Credentials): Promise<Credentials>;
  listTargets(credentials: Credentials): Promise<Account[]>;
}

/**
 * Per-call options. `signal` aborts the call when Herald gives up on it (the publish deadline, a
 * worker shutting down): a provider passes it to every request it makes, so an abandoned call really
 * ends instead of landing after the reconciler has looked.
 */
export interface CallOptions {
  signal?: AbortSignal | undefined;
}

export interface SocialProvider {
  readonly platform: Platform;
  readonly displayName: string;
  readonly rules: ContentRules;
  /** Publishes at most this many posts at once per worker, so a burst never trips abuse limits. */
  readonly concurrency: number;
  readonly oauth?: OAuthCapability;
  /**
   * Publishes `content`. `idempotencyKey` is stable across retries of one target; providers that can
   * attach it to the post (or remember it) make `findPublished` possible.
   */
  publish(account: { externalId: string; credentials: Credentials }, content: PublishContent, idempotencyKey: string, opts?: CallOptions): Promise<Published>;
  /**
   * Looks for a post made with `idempotencyKey` (after an unknown outcome). Platforms that cannot carry
   * the key match `content.text` among the account's posts since `since`. Null: certainly not published.
   * Throws UnknownOutcomeError when the platform cannot tell (the target then needs a person's review).
   */
  findPublished?(account: { externalId: string; credentials: Credentials }, idempotencyKey: string, since: Date, content?: SentContent, opts?: CallOptions): Promise<Published | null>;
  delete?(account: { externalId: string; credentials: Credentials }, platformPostId: string, opts?: CallOptions): Promise<void>;
  metrics?(account: { externalId: string; credentials: Credentials }, platformPostIds: string[], opts?: CallOptions): Promise<PostMetrics[]>;
}
