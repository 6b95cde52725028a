import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A contract fake of TikTok's Login Kit (web), Content Posting API (Direct Post) and Display API,
 * served by a real HTTP server on 127.0.0.1. Version path segments are wildcards (`/v2/…`, `/v3/…`).
 *   GET  /v2/auth/authorize/                      consent; redirects with code, scopes, state (or error)
 *   POST /v2/oauth/token/                         form-encoded; authorization_code (+PKCE) and rotating refresh_token
 *   GET  /v2/user/info/?fields=                   per-field scopes (username needs user.info.profile)
 *   POST /v2/post/publish/creator_info/query/     privacy options, disabled interactions, max duration
 *   POST /v2/post/publish/video/init/             FILE_UPLOAD (chunk rules checked) or PULL_FROM_URL
 *   PUT  /upload/?upload_id=&upload_token=        sequential chunks with Content-Range; 206, then 201
 *   POST /v2/post/publish/content/init/           PHOTO, PULL_FROM_URL only (1–35 images)
 *   POST /v2/post/publish/status/fetch/           PROCESSING_* → PUBLISH_COMPLETE (int64 ids) | FAILED
 *   POST /v2/video/list/?fields=                  the user's public posts, newest first, cursor paging
 *   POST /v2/video/query/?fields=                 the user's public posts by id (≤ 20)
 * Pulled media is really fetched (GET) and its bytes checked (JPEG/WebP photos, MP4/MOV/WebM video).
 * API errors are `{"data":{},"error":{"code","message","log_id"}}` with the documented HTTP status;
 * OAuth errors are flat `{"error","error_description","log_id"}`. Per-token limits per minute as
 * documented (init 6, status 30, creator info 20) answer 429 rate_limit_exceeded.
 */
export type TikTokEndpoint = 'authorize' | 'token' | 'user_info' | 'creator_info' | 'video_init' | 'content_init' | 'upload' | 'status' | 'video_list' | 'video_query';

export interface TikTokCreator {
  openId: string;
  unionId: string;
  displayName: string;
  username: string;
  avatarUrl: string;
  privacyLevelOptions: string[];
  commentDisabled: boolean;
  duetDisabled: boolean;
  stitchDisabled: boolean;
  maxVideoPostDurationSec: number;
}

export interface TikTokPost {
  id: string;
  openId: string;
  kind: 'video' | 'photo';
  /** Epoch seconds. */
  createTime: number;
  title: string;
  description: string;
  privacy: string;
  viewCount: number;
  likeCount: number;
  commentCount: number;
  shareCount: number;
}

export interface PublishSession {
  publishId: string;
  openId: string;
  kind: 'video' | 'photo';
  source: 'FILE_UPLOAD' | 'PULL_FROM_URL';
  postInfo: Record<string, unknown>;
  privacy: string;
  videoSize: number;
  chunkSize: number;
  totalChunks: number;
  uploadId: string;
  uploadToken: string;
  chunks: Buffer[];
  uploadedBytes: number;
  mediaUrls: string[];
  /** Set once every byte is with TikTok (last chunk, or the pull finished). */
  received: boolean;
  status: 'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'PUBLISH_COMPLETE' | 'FAILED';
  failReason?: string;
  pollsLeft: number;
  moderationPollsLeft: number;
  post?: TikTokPost;
}

export interface Failure {
  status: number;
  code: string;
  message?: string;
  headers?: Record<string, string>;
}

export interface Received {
  endpoint: TikTokEndpoint;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON or form body; for uploads, the byte count. */
  body: unknown;
}

interface TokenGrant {
  openId: string;
  scopes: string[];
  expiresAt: number;
}

interface PendingCode extends TokenGrant {
  redirectUri: string;
  challenge: string | undefined;
}

const MB = 1024 * 1024;
const KNOWN_SCOPES = new Set(['user.info.basic', 'user.info.profile', 'user.info.stats', 'video.list', 'video.publish', 'video.upload']);
const USER_FIELDS: Record<string, string> = {
  open_id: 'user.info.basic',
  union_id: 'user.info.basic',
  avatar_url: 'user.info.basic',
  avatar_url_100: 'user.info.basic',
  avatar_large_url: 'user.info.basic',
  display_name: 'user.info.basic',
  bio_description: 'user.info.profile',
  profile_deep_link: 'user.info.profile',
  is_verified: 'user.info.profile',
  username: 'user.info.profile',
  follower_count: 'user.info.stats',
  following_count: 'user.info.stats',
  likes_count: 'user.info.stats',
  video_count: 'user.info.stats',
};
const VIDEO_FIELDS = new Set(['id', 'create_time', 'cover_image_url', 'share_url', 'video_description', 'duration', 'height', 'width', 'title', 'embed_html', 'embed_link', 'like_count', 'comment_count', 'share_count', 'view_count']);
const PER_MINUTE: Partial<Record<TikTokEndpoint, number>> = { video_init: 6, content_init: 6, status: 30, creator_info: 20 };

export class FakeTikTok {
  readonly received: Received[] = [];
  readonly sessions = new Map<string, PublishSession>();
  /** Bytes of upload (PUT) bodies read off the socket so far, counted as they arrive, before a chunk is complete. */
  uploadBytesArrived = 0;
  readonly posts: TikTokPost[] = [];
  creator: TikTokCreator = {
    openId: `-000${randomBytes(12).toString('hex')}`,
    unionId: randomBytes(12).toString('hex'),
    displayName: 'Herald Bakery',
    username: 'herald.bakery',
    avatarUrl: 'https://p16-sign.tiktokcdn.com/avatar.jpeg',
    privacyLevelOptions: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
    commentDisabled: false,
    duetDisabled: false,
    stitchDisabled: true,
    maxVideoPostDurationSec: 600,
  };
  /** What the next consent grants (null: everything asked for). */
  grantedScopes: string[] | null = null;
  /** Status polls answered with PROCESSING_* once TikTok has every byte. */
  processingPolls = 1;
  /** PUBLISH_COMPLETE polls answered before moderation gives a public post its id. */
  moderationPolls = 0;
  accessTokenSeconds = 86_400;
  refreshTokenSeconds = 31_536_000;
  /** URL prefixes verified in the developer portal: PULL_FROM_URL media must start with one. */
  verifiedUrlPrefixes: string[] = [];

  private readonly server: Server;
  private port = 0;
  private readonly codes = new Map<string, PendingCode>();
  private readonly accessTokens = new Map<string, TokenGrant>();
  private readonly refreshTokens = new Map<string, TokenGrant & { rotated: boolean }>();
  private readonly failures = new Map<TikTokEndpoint, Failure[]>();
  private readonly drops = new Set<TikTokEndpoint>();
  private readonly calls = new Map<string, number[]>();
  private denyConsent = false;
  private nextFailReason: string | undefined;
  private readonly failReasons = new Map<string, string>();

  private constructor(private readonly client: { clientKey: string; clientSecret: string; redirectUris: string[] }) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
  }

  static async start(client: { clientKey: string; clientSecret: string; redirectUris: string[] }): Promise<FakeTikTok> {
    const fake = new FakeTikTok(client);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get authUrl(): string {
    return `${this.baseUrl}/v2/auth/authorize/`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  /** The next call to `endpoint` answers this error instead (queued: call again for several). */
  failNext(endpoint: TikTokEndpoint, failure: Failure): void {
    this.failures.set(endpoint, [...(this.failures.get(endpoint) ?? []), failure]);
  }

  /** The next call to `endpoint` is carried out, then its answer is lost (the connection drops). */
  dropNext(endpoint: TikTokEndpoint): void {
    this.drops.add(endpoint);
  }

  /** The next consent screen is refused. */
  denyNext(): void {
    this.denyConsent = true;
  }

  /** The next post TikTok processes (or the one with `publishId`) ends FAILED with this fail_reason. */
  failNextPublish(reason: string, publishId?: string): void {
    if (publishId) this.failReasons.set(publishId, reason);
    else this.nextFailReason = reason;
  }

  /** Every access token issued so far stops working (as after its expires_in). */
  expireAccessTokens(): void {
    for (const grant of this.accessTokens.values()) grant.expiresAt = 0;
  }

  /** A post that exists on the account already (made in the app, or earlier). */
  seedPost(post: Partial<TikTokPost> & { title: string }): TikTokPost {
    const full: TikTokPost = {
      id: postId(),
      openId: this.creator.openId,
      kind: 'video',
      createTime: Math.floor(Date.now() / 1000),
      description: post.title,
      privacy: 'PUBLIC_TO_EVERYONE',
      viewCount: 0,
      likeCount: 0,
      commentCount: 0,
      shareCount: 0,
      ...post,
    };
    this.posts.push(full);
    return full;
  }

  /**
   * TikTok finishes in the background whether or not anyone polls: every post it holds whole
   * completes now (published, or FAILED by `failNextPublish`). Waits for pulls still downloading.
   */
  async finishProcessing(): Promise<void> {
    for (let i = 0; i < 100 && [...this.sessions.values()].some((s) => s.source === 'PULL_FROM_URL' && !s.received && s.status !== 'FAILED'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const session of this.sessions.values()) {
      if (session.received && session.status !== 'FAILED' && session.status !== 'PUBLISH_COMPLETE') this.complete(session);
      session.moderationPollsLeft = 0;
    }
  }

  calledTimes(endpoint: TikTokEndpoint): number {
    return this.received.filter((r) => r.endpoint === endpoint).length;
  }

  // ── Routing ───────────────────────────────────────────────────────────────────────────────────

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const route = routeOf(req.method ?? 'GET', url.pathname);
    if (!route) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    const raw = await readBody(req, route === 'upload' ? (n) => (this.uploadBytesArrived += n) : undefined);
    const contentType = String(req.headers['content-type'] ?? '');
    let body: unknown = route === 'upload' ? raw.length : undefined;
    if (contentType.startsWith('application/json') && raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = Symbol.for('invalid-json');
      }
    } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
      body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    }
    this.received.push({ endpoint: route, method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body });

    const answer = (status: number, payload: string, headers: Record<string, string> = {}) => {
      if (this.drops.delete(route)) return void res.socket?.destroy();
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(payload);
    };
    const injected = this.failures.get(route)?.shift();
    if (injected) {
      const payload = route === 'token' ? { error: injected.code, error_description: injected.message ?? injected.code, log_id: logId() } : envelopeError(injected.code, injected.message ?? '');
      return answer(injected.status, JSON.stringify(payload), injected.headers);
    }
    if (route === 'authorize') return this.authorize(url, res);
    if (route === 'token') return answer(...this.token(contentType, body));
    if (route === 'upload') return answer(...this.upload(url, req.headers, raw));

    // Everything else is the v2 API: Bearer token, scopes, per-token limits.
    const auth = this.authenticate(req.headers.authorization);
    if ('error' in auth) return answer(401, JSON.stringify(envelopeError(auth.error, auth.message)));
    const limit = PER_MINUTE[route];
    if (limit !== undefined && !this.withinLimit(`${route}:${auth.token}`, limit)) {
      return answer(429, JSON.stringify(envelopeError('rate_limit_exceeded', 'The API rate limit was exceeded. Please try again later.')));
    }
    if (req.method === 'POST' && !contentType.startsWith('application/json')) return answer(400, JSON.stringify(envelopeError('invalid_params', 'Content-Type must be application/json')));
    if (body === Symbol.for('invalid-json')) return answer(400, JSON.stringify(envelopeError('invalid_params', 'The request body is not valid JSON')));
    const json = (body ?? {}) as Record<string, unknown>;
    const [status, payload] = await this.api(route, auth.grant, url, json);
    return answer(status, payload);
  }

  private async api(route: TikTokEndpoint, grant: TokenGrant, url: URL, json: Record<string, unknown>): Promise<[number, string]> {
    const need = (scope: string) => (grant.scopes.includes(scope) ? null : fail(401, 'scope_not_authorized', `The user did not authorize the scope required for completing this request (${scope}).`));
    switch (route) {
      case 'user_info':
        return this.userInfo(grant, url);
      case 'creator_info':
        return need('video.publish') ?? ok(this.creatorInfo());
      case 'video_init':
        return need('video.publish') ?? this.videoInit(grant, json);
      case 'content_init':
        return need(json.post_mode === 'MEDIA_UPLOAD' ? 'video.upload' : 'video.publish') ?? this.contentInit(grant, json);
      case 'status':
        return grant.scopes.includes('video.publish') || grant.scopes.includes('video.upload') ? this.status(grant, json) : fail(401, 'scope_not_authorized', 'video.publish or video.upload is required');
      case 'video_list':
        return need('video.list') ?? this.videoList(grant, url, json);
      case 'video_query':
        return need('video.list') ?? this.videoQuery(grant, url, json);
      default:
        return fail(404, 'invalid_params', 'Unknown endpoint');
    }
  }

  private authenticate(header: string | undefined): { token: string; grant: TokenGrant } | { error: string; message: string } {
    const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    const grant = token ? this.accessTokens.get(token) : undefined;
    if (!token || !grant || grant.expiresAt <= Date.now()) {
      return { error: 'access_token_invalid', message: 'The access token is invalid or not found in the request.' };
    }
    return { token, grant };
  }

  private withinLimit(key: string, perMinute: number): boolean {
    const now = Date.now();
    const recent = (this.calls.get(key) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= perMinute) return false;
    recent.push(now);
    this.calls.set(key, recent);
    return true;
  }

  // ── OAuth ─────────────────────────────────────────────────────────────────────────────────────

  private authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    if (q.get('client_key') !== this.client.clientKey) return page(res, 400, 'client_key is invalid');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!this.client.redirectUris.includes(redirectUri)) return page(res, 400, 'redirect_uri is not registered for this app');
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const fail = (error: string, description: string) => {
      back.searchParams.set('error', error);
      back.searchParams.set('error_description', description);
      res.writeHead(302, { location: back.toString() }).end();
    };
    const scopes = (q.get('scope') ?? '').split(',').filter((s) => s !== '');
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
    if (scopes.length === 0 || scopes.some((s) => !KNOWN_SCOPES.has(s))) return fail('invalid_scope', 'The requested scope is invalid, unknown, or malformed.');
    // PKCE, as TikTok documents it (Login Kit for Desktop, https://developers.tiktok.com/doc/login-kit-desktop):
    // "code_challenge = SHA256(code_verifier) ... hex-encoded", not RFC 7636's base64url. The challenge is only
    // remembered here; a wrong encoding surfaces at the token exchange, as on TikTok.
    const challenge = q.get('code_challenge') ?? undefined;
    if (challenge !== undefined && q.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
    if (this.denyConsent) {
      this.denyConsent = false;
      return fail('access_denied', 'The user denied the request.');
    }
    const granted = this.grantedScopes ? scopes.filter((s) => this.grantedScopes?.includes(s)) : scopes;
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, { openId: this.creator.openId, scopes: granted, expiresAt: Date.now() + 10 * 60_000, redirectUri, challenge });
    back.searchParams.set('code', code);
    back.searchParams.set('scopes', granted.join(','));
    res.writeHead(302, { location: back.toString() }).end();
  }

  private token(contentType: string, body: unknown): [number, string] {
    const oauthFail = (status: number, error: string, description: string): [number, string] => [status, JSON.stringify({ error, error_description: description, log_id: logId() })];
    if (!contentType.startsWith('application/x-www-form-urlencoded')) return oauthFail(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    const form = body as Record<string, string>;
    if (form.client_key !== this.client.clientKey || form.client_secret !== this.client.clientSecret) return oauthFail(401, 'invalid_client', 'Client key or secret is incorrect.');
    let grant: TokenGrant;
    if (form.grant_type === 'authorization_code') {
      const pending = form.code ? this.codes.get(form.code) : undefined;
      if (form.code) this.codes.delete(form.code); // single-use, whatever happens next
      if (!pending || pending.expiresAt < Date.now()) return oauthFail(400, 'invalid_grant', 'Authorization code is expired.');
      if (pending.redirectUri !== form.redirect_uri) return oauthFail(400, 'invalid_grant', 'redirect_uri does not match the authorization request.');
      // TikTok compares the hex SHA-256 of code_verifier with the challenge and answers this otherwise
      // (the error body TikTok documents and clients report for a base64url challenge).
      if (pending.challenge !== undefined && createHash('sha256').update(form.code_verifier ?? '').digest('hex') !== pending.challenge) {
        return oauthFail(400, 'invalid_request', 'Code verifier or code challenge is invalid.');
      }
      grant = pending;
    } else if (form.grant_type === 'refresh_token') {
      const held = form.refresh_token ? this.refreshTokens.get(form.refresh_token) : undefined;
      if (!held || held.rotated || held.expiresAt <= Date.now()) return oauthFail(400, 'invalid_grant', 'Refresh token is invalid or expired.');
      held.rotated = true; // rotation: the refresh token sent stops working
      grant = held;
    } else {
      return oauthFail(400, 'unsupported_grant_type', 'The authorization grant type is not supported.');
    }
    const accessToken = `act.${randomBytes(24).toString('base64url')}`;
    const refreshToken = `rft.${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(accessToken, { openId: grant.openId, scopes: grant.scopes, expiresAt: Date.now() + this.accessTokenSeconds * 1000 });
    this.refreshTokens.set(refreshToken, { openId: grant.openId, scopes: grant.scopes, expiresAt: Date.now() + this.refreshTokenSeconds * 1000, rotated: false });
    return [
      200,
      JSON.stringify({
        access_token: accessToken,
        expires_in: this.accessTokenSeconds,
        open_id: grant.openId,
        refresh_expires_in: this.refreshTokenSeconds,
        refresh_token: refreshToken,
        scope: grant.scopes.join(','),
        token_type: 'Bearer',
      }),
    ];
  }

  // ── Profile ───────────────────────────────────────────────────────────────────────────────────

  private userInfo(grant: TokenGrant, url: URL): [number, string] {
    const fields = (url.searchParams.get('fields') ?? '').split(',').filter((f) => f !== '');
    if (fields.length === 0) return fail(400, 'invalid_params', 'fields is required');
    const unknown = fields.find((f) => !(f in USER_FIELDS));
    if (unknown) return fail(400, 'invalid_params', `Invalid field: ${unknown}`);
    const missing = fields.find((f) => !grant.scopes.includes(USER_FIELDS[f] ?? ''));
    if (missing) return fail(401, 'scope_permission_missed', `The field ${missing} needs the ${USER_FIELDS[missing]} scope.`);
    const c = this.creator;
    const all: Record<string, unknown> = { open_id: c.openId, union_id: c.unionId, avatar_url: c.avatarUrl, display_name: c.displayName, username: c.username, is_verified: false };
    return ok({ user: Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]])) });
  }

  private creatorInfo(): Record<string, unknown> {
    const c = this.creator;
    return {
      creator_avatar_url: c.avatarUrl,
      creator_username: c.username,
      creator_nickname: c.displayName,
      privacy_level_options: c.privacyLevelOptions,
      comment_disabled: c.commentDisabled,
      duet_disabled: c.duetDisabled,
      stitch_disabled: c.stitchDisabled,
      max_video_post_duration_sec: c.maxVideoPostDurationSec,
    };
  }

  // ── Publishing ────────────────────────────────────────────────────────────────────────────────

  /** The post_info checks shared by video and photo posts. */
  private checkPostInfo(info: unknown, kind: 'video' | 'photo'): [number, string] | { privacy: string; info: Record<string, unknown> } {
    if (!info || typeof info !== 'object') return fail(400, 'invalid_params', 'post_info is required');
    const p = info as Record<string, unknown>;
    if (typeof p.privacy_level !== 'string') return fail(400, 'invalid_params', 'post_info.privacy_level is required');
    if (!this.creator.privacyLevelOptions.includes(p.privacy_level)) {
      return fail(403, 'privacy_level_option_mismatch', 'privacy_level is not one of the privacy_level_options of the creator.');
    }
    const title = p.title ?? '';
    const titleMax = kind === 'video' ? 2200 : 90;
    if (typeof title !== 'string' || title.length > titleMax) return fail(400, 'invalid_params', `post_info.title must be a string of at most ${titleMax} UTF-16 runes`);
    const description = p.description ?? '';
    if (kind === 'photo' && (typeof description !== 'string' || description.length > 4000)) {
      return fail(400, 'invalid_params', 'post_info.description must be a string of at most 4000 characters');
    }
    const disabled: [string, boolean][] = [['disable_comment', this.creator.commentDisabled]];
    if (kind === 'video') disabled.push(['disable_duet', this.creator.duetDisabled], ['disable_stitch', this.creator.stitchDisabled]);
    for (const [field, off] of disabled) {
      if (p[field] !== undefined && typeof p[field] !== 'boolean') return fail(400, 'invalid_params', `post_info.${field} must be a boolean`);
      if (off && p[field] !== true) return fail(400, 'invalid_params', `The creator turned this interaction off: post_info.${field} must be true`);
    }
    return { privacy: p.privacy_level, info: p };
  }

  private checkPullUrl(url: unknown): [number, string] | null {
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return fail(400, 'invalid_params', 'A media URL is invalid');
    if (!this.verifiedUrlPrefixes.some((prefix) => url.startsWith(prefix))) {
      return fail(403, 'url_ownership_unverified', 'The domain or URL prefix of the media URL is not verified for this app.');
    }
    return null;
  }

  private videoInit(grant: TokenGrant, json: Record<string, unknown>): [number, string] {
    const checked = this.checkPostInfo(json.post_info, 'video');
    if (Array.isArray(checked)) return checked;
    const source = (json.source_info ?? {}) as Record<string, unknown>;
    const session = this.newSession(grant, 'video', checked.privacy, checked.info);
    if (source.source === 'PULL_FROM_URL') {
      const bad = this.checkPullUrl(source.video_url);
      if (bad) return bad;
      session.source = 'PULL_FROM_URL';
      session.publishId = session.publishId.replace('v_pub_file', 'v_pub_url');
      session.mediaUrls = [source.video_url as string];
      this.sessions.set(session.publishId, session);
      this.pull(session);
      return ok({ publish_id: session.publishId });
    }
    if (source.source !== 'FILE_UPLOAD') return fail(400, 'invalid_params', 'source_info.source must be FILE_UPLOAD or PULL_FROM_URL');
    const problem = chunkRuleProblem(source.video_size, source.chunk_size, source.total_chunk_count);
    if (problem) return fail(400, 'invalid_params', problem);
    session.videoSize = source.video_size as number;
    session.chunkSize = source.chunk_size as number;
    session.totalChunks = source.total_chunk_count as number;
    this.sessions.set(session.publishId, session);
    const uploadUrl = `${this.baseUrl}/upload/?upload_id=${session.uploadId}&upload_token=${session.uploadToken}`;
    return ok({ publish_id: session.publishId, upload_url: uploadUrl });
  }

  private contentInit(grant: TokenGrant, json: Record<string, unknown>): [number, string] {
    if (json.media_type !== 'PHOTO') return fail(400, 'invalid_params', 'media_type must be PHOTO');
    if (json.post_mode !== 'DIRECT_POST' && json.post_mode !== 'MEDIA_UPLOAD') return fail(400, 'invalid_params', 'post_mode must be DIRECT_POST or MEDIA_UPLOAD');
    const checked = this.checkPostInfo(json.post_info, 'photo');
    if (Array.isArray(checked)) return checked;
    const source = (json.source_info ?? {}) as Record<string, unknown>;
    if (source.source !== 'PULL_FROM_URL') return fail(400, 'invalid_params', 'Photos support only source PULL_FROM_URL');
    const images = source.photo_images;
    if (!Array.isArray(images) || images.length < 1 || images.length > 35) return fail(400, 'invalid_params', 'photo_images must hold 1 to 35 URLs');
    for (const image of images) {
      const bad = this.checkPullUrl(image);
      if (bad) return bad;
    }
    const cover = source.photo_cover_index;
    if (!Number.isInteger(cover) || (cover as number) < 0 || (cover as number) >= images.length) return fail(400, 'invalid_params', 'photo_cover_index is out of range');
    const session = this.newSession(grant, 'photo', checked.privacy, checked.info);
    session.source = 'PULL_FROM_URL';
    session.mediaUrls = images as string[];
    this.sessions.set(session.publishId, session);
    this.pull(session);
    return ok({ publish_id: session.publishId });
  }

  private newSession(grant: TokenGrant, kind: 'video' | 'photo', privacy: string, postInfo: Record<string, unknown>): PublishSession {
    const prefix = kind === 'photo' ? 'p_pub_url' : 'v_pub_file';
    return {
      publishId: `${prefix}~v2-1.${randomInt(1e9, 1e10)}${randomInt(1e8, 1e9)}`,
      openId: grant.openId,
      kind,
      source: 'FILE_UPLOAD',
      postInfo,
      privacy,
      videoSize: 0,
      chunkSize: 0,
      totalChunks: 0,
      uploadId: randomBytes(8).toString('hex'),
      uploadToken: randomBytes(16).toString('hex'),
      chunks: [],
      uploadedBytes: 0,
      mediaUrls: [],
      received: false,
      status: kind === 'photo' ? 'PROCESSING_DOWNLOAD' : 'PROCESSING_UPLOAD',
      pollsLeft: this.processingPolls,
      moderationPollsLeft: this.moderationPolls,
    };
  }

  /** TikTok downloads the media itself; an unreachable URL or a wrong format fails the post. */
  private pull(session: PublishSession): void {
    session.status = 'PROCESSING_DOWNLOAD';
    void (async () => {
      for (const url of session.mediaUrls) {
        let bytes: Buffer;
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          bytes = Buffer.from(await res.arrayBuffer());
        } catch {
          return this.finishFailed(session, session.kind === 'photo' ? 'photo_pull_failed' : 'video_pull_failed');
        }
        const fits = session.kind === 'photo' ? isJpeg(bytes) || isWebp(bytes) : isVideo(bytes);
        if (!fits) return this.finishFailed(session, 'file_format_check_failed');
        session.uploadedBytes += bytes.length;
      }
      session.received = true;
    })();
  }

  private finishFailed(session: PublishSession, reason: string): void {
    session.status = 'FAILED';
    session.failReason = reason;
  }

  private upload(url: URL, headers: IncomingHttpHeaders, bytes: Buffer): [number, string] {
    const session = [...this.sessions.values()].find((s) => s.uploadId === url.searchParams.get('upload_id'));
    if (!session || session.uploadToken !== url.searchParams.get('upload_token') || session.source !== 'FILE_UPLOAD') {
      return fail(404, 'invalid_params', 'The upload URL is invalid or expired');
    }
    if (session.received || session.status === 'FAILED') return fail(400, 'invalid_file_upload', 'The upload is already complete');
    if (!/^video\/(mp4|quicktime|webm)$/.test(String(headers['content-type'] ?? ''))) return fail(400, 'invalid_file_upload', 'Content-Type must be video/mp4, video/quicktime or video/webm');
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(headers['content-range'] ?? ''));
    if (!range) return fail(400, 'invalid_file_upload', 'Content-Range must be "bytes first-last/total"');
    const [first, last, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    const index = session.chunks.length;
    const isFinal = index === session.totalChunks - 1;
    const expectedLength = isFinal ? session.videoSize - index * session.chunkSize : session.chunkSize;
    if (total !== session.videoSize) return fail(400, 'invalid_file_upload', 'Content-Range total differs from video_size');
    if (first !== session.uploadedBytes) return fail(400, 'invalid_file_upload', `Chunks must be sent in order: expected first byte ${session.uploadedBytes}`);
    if (last - first + 1 !== bytes.length || Number(headers['content-length']) !== bytes.length) return fail(400, 'invalid_file_upload', 'Content-Range, Content-Length and the body disagree');
    if (bytes.length !== expectedLength) return fail(400, 'invalid_file_upload', `Chunk ${index + 1} must be ${expectedLength} bytes`);
    session.chunks.push(bytes);
    session.uploadedBytes += bytes.length;
    if (!isFinal) return [206, ''];
    session.received = true;
    if (!isVideo(Buffer.concat(session.chunks))) this.finishFailed(session, 'file_format_check_failed');
    return [201, ''];
  }

  private status(grant: TokenGrant, json: Record<string, unknown>): [number, string] {
    const session = typeof json.publish_id === 'string' ? this.sessions.get(json.publish_id) : undefined;
    if (!session || session.openId !== grant.openId) return fail(400, 'invalid_params', 'publish_id is invalid');
    if (session.received && session.status !== 'FAILED' && session.status !== 'PUBLISH_COMPLETE') {
      if (session.pollsLeft > 0) session.pollsLeft -= 1;
      else this.complete(session);
    }
    const ids = session.post && session.privacy !== 'SELF_ONLY' && session.moderationPollsLeft-- <= 0 ? [session.post.id] : [];
    // Built by hand: the ids are int64 numbers, which JSON.stringify of a JS number would round.
    const data = [
      `"status":${JSON.stringify(session.status)}`,
      ...(session.failReason ? [`"fail_reason":${JSON.stringify(session.failReason)}`] : []),
      `"publicaly_available_post_id":[${ids.join(',')}]`,
      `"uploaded_bytes":${session.source === 'FILE_UPLOAD' ? session.uploadedBytes : 0}`,
      ...(session.source === 'PULL_FROM_URL' ? [`"downloaded_bytes":${session.uploadedBytes}`] : []),
    ];
    return [200, `{"data":{${data.join(',')}},"error":${JSON.stringify({ code: 'ok', message: '', log_id: logId() })}}`];
  }

  private complete(session: PublishSession): void {
    const reason = this.failReasons.get(session.publishId) ?? this.nextFailReason;
    if (reason) {
      this.finishFailed(session, reason);
      if (!this.failReasons.delete(session.publishId)) this.nextFailReason = undefined;
      return;
    }
    session.status = 'PUBLISH_COMPLETE';
    const info = session.postInfo;
    const title = typeof info.title === 'string' ? info.title : '';
    const description = session.kind === 'photo' && typeof info.description === 'string' ? info.description : title;
    session.post = this.seedPost({ openId: session.openId, kind: session.kind, title, description, privacy: session.privacy });
  }

  // ── Display API ───────────────────────────────────────────────────────────────────────────────

  private videoFields(url: URL): string[] | [number, string] {
    const fields = (url.searchParams.get('fields') ?? '').split(',').filter((f) => f !== '');
    if (fields.length === 0) return fail(400, 'invalid_params', 'fields is required');
    const unknown = fields.find((f) => !VIDEO_FIELDS.has(f));
    return unknown ? fail(400, 'invalid_params', `Invalid field: ${unknown}`) : fields;
  }

  /** video.list reads public posts only. */
  private publicPosts(openId: string): TikTokPost[] {
    return this.posts.filter((p) => p.openId === openId && p.privacy === 'PUBLIC_TO_EVERYONE').sort((a, b) => b.createTime - a.createTime);
  }

  private videoList(grant: TokenGrant, url: URL, json: Record<string, unknown>): [number, string] {
    const fields = this.videoFields(url);
    if (typeof fields[0] === 'number') return fields as [number, string];
    const max = json.max_count ?? 10;
    if (!Number.isInteger(max) || (max as number) < 1 || (max as number) > 20) return fail(400, 'invalid_params', 'max_count must be between 1 and 20');
    const cursor = json.cursor;
    if (cursor !== undefined && !Number.isInteger(cursor)) return fail(400, 'invalid_params', 'cursor must be an int64 timestamp in milliseconds');
    const eligible = this.publicPosts(grant.openId).filter((p) => cursor === undefined || p.createTime * 1000 < (cursor as number));
    const page = eligible.slice(0, max as number);
    const last = page[page.length - 1];
    return ok({ videos: page.map((p) => this.videoJson(p, fields as string[])), cursor: last ? last.createTime * 1000 : (cursor ?? 0), has_more: eligible.length > page.length });
  }

  private videoQuery(grant: TokenGrant, url: URL, json: Record<string, unknown>): [number, string] {
    const fields = this.videoFields(url);
    if (typeof fields[0] === 'number') return fields as [number, string];
    const ids = (json.filters as { video_ids?: unknown } | undefined)?.video_ids;
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > 20 || ids.some((id) => typeof id !== 'string')) {
      return fail(400, 'invalid_params', 'filters.video_ids must hold 1 to 20 id strings');
    }
    const mine = this.publicPosts(grant.openId).filter((p) => ids.includes(p.id));
    return ok({ videos: mine.map((p) => this.videoJson(p, fields as string[])), cursor: 0, has_more: false });
  }

  private videoJson(p: TikTokPost, fields: string[]): Record<string, unknown> {
    const all: Record<string, unknown> = {
      id: p.id,
      create_time: p.createTime,
      title: p.title,
      video_description: p.description,
      share_url: `https://www.tiktok.com/@${this.creator.username}/video/${p.id}?utm_campaign=tt4d_open_api`,
      view_count: p.viewCount,
      like_count: p.likeCount,
      comment_count: p.commentCount,
      share_count: p.shareCount,
      duration: 12,
    };
    return Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]]));
  }
}

/** The documented chunk rules (Media Transfer Guide); a message for the first one broken. */
function chunkRuleProblem(videoSize: unknown, chunkSize: unknown, total: unknown): string | null {
  if (![videoSize, chunkSize, total].every((v) => Number.isInteger(v) && (v as number) > 0)) return 'video_size, chunk_size and total_chunk_count are required positive integers';
  const [size, chunk, count] = [videoSize as number, chunkSize as number, total as number];
  if (count !== Math.floor(size / chunk)) return 'total_chunk_count must be video_size / chunk_size, rounded down';
  if (count > 1000) return 'At most 1000 chunks';
  if (size < 5 * MB) return chunk === size ? null : 'A video under 5 MB is uploaded whole (chunk_size = video_size)';
  if (size > 64 * MB && count < 2) return 'A video over 64 MB must be uploaded in chunks';
  if (chunk < 5 * MB || chunk > 64 * MB) return 'chunk_size must be between 5 MB and 64 MB';
  if (size - (count - 1) * chunk > 128 * MB) return 'The final chunk may hold at most 128 MB';
  return null;
}

function routeOf(method: string, path: string): TikTokEndpoint | null {
  const v2 = /^\/v\d+(\/.*)$/.exec(path)?.[1];
  if (method === 'PUT' && path === '/upload/') return 'upload';
  if (!v2) return null;
  const routes: Record<string, [string, TikTokEndpoint]> = {
    '/auth/authorize/': ['GET', 'authorize'],
    '/oauth/token/': ['POST', 'token'],
    '/user/info/': ['GET', 'user_info'],
    '/post/publish/creator_info/query/': ['POST', 'creator_info'],
    '/post/publish/video/init/': ['POST', 'video_init'],
    '/post/publish/content/init/': ['POST', 'content_init'],
    '/post/publish/status/fetch/': ['POST', 'status'],
    '/video/list/': ['POST', 'video_list'],
    '/video/query/': ['POST', 'video_query'],
  };
  const route = routes[v2];
  return route && route[0] === method ? route[1] : null;
}

function ok(data: Record<string, unknown>): [number, string] {
  return [200, JSON.stringify({ data, error: { code: 'ok', message: '', log_id: logId() } })];
}

function fail(status: number, code: string, message: string): [number, string] {
  return [status, JSON.stringify(envelopeError(code, message))];
}

function envelopeError(code: string, message: string): Record<string, unknown> {
  return { data: {}, error: { code, message, log_id: logId() } };
}

function logId(): string {
  return `2026${randomBytes(14).toString('hex').toUpperCase()}`;
}

/** A 19-digit post id: beyond Number.MAX_SAFE_INTEGER, like TikTok's. */
function postId(): string {
  return `7${String(randomInt(1e8, 1e9))}${String(randomInt(1e8, 1e9))}`;
}

const isJpeg = (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isWebp = (b: Buffer) => b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP';
const isVideo = (b: Buffer) => (b.length > 8 && b.toString('latin1', 4, 8) === 'ftyp') || (b.length > 4 && b.readUInt32BE(0) === 0x1a45dfa3);

function page(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>TikTok</title><p>${text}</p>`);
}

async function readBody(req: IncomingMessage, onBytes?: (n: number) => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
    onBytes?.((chunk as Buffer).length);
  }
  return Buffer.concat(chunks);
}
