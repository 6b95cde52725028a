import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A contract fake of LinkedIn's OAuth endpoints and versioned `/rest` API, served by a real HTTP
 * server on 127.0.0.1. It answers the way LinkedIn documents (see platform-contracts.md §5):
 *   GET  /oauth/v2/authorization   consent; redirects with code+state (or error=…)
 *   POST /oauth/v2/accessToken     authorization_code and refresh_token grants (form-encoded)
 *   GET  /v2/userinfo              OpenID member profile
 *   GET  /rest/organizationAcls    q=roleAssignee; GET /rest/organizations?ids=List(…)
 *   POST /rest/images?action=initializeUpload, PUT upload URL
 *   POST /rest/videos?action=initializeUpload|finalizeUpload, PUT part URLs (ETags), GET /rest/videos/{urn}
 *   POST /rest/posts (201 + x-restli-id), GET /rest/posts?q=author, DELETE /rest/posts/{urn}
 *   GET  /rest/organizationalEntityShareStatistics, GET /rest/memberCreatorPostAnalytics
 * Every /rest call must carry a Bearer token, `LinkedIn-Version: YYYYMM` (any version not retired)
 * and `X-Restli-Protocol-Version: 2.0.0`. Scopes granted to the token decide what it may do.
 * Commentary is parsed as "little text": an unescaped reserved character cuts the stored post there,
 * as LinkedIn does silently. Tests can inject failures per route and inspect what was received.
 */
export interface FakeMember {
  sub: string;
  name: string;
  picture?: string;
}

export interface FakeOrganization {
  id: string;
  name: string;
  vanityName: string;
}

/**
 * Company-page roles (Organization Access Control by Role,
 * https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/organization-access-control-by-role):
 * ADMINISTRATOR ("Super admin") and CONTENT_ADMINISTRATOR ("Content admin") may post as the page; the
 * Posts API restricts w_organization_social to ADMINISTRATOR, DIRECT_SPONSORED_CONTENT_POSTER and content
 * admins (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api).
 * ANALYST may only read analytics.
 */
export type OrgRole = 'ADMINISTRATOR' | 'CONTENT_ADMINISTRATOR' | 'DIRECT_SPONSORED_CONTENT_POSTER' | 'ANALYST' | 'CURATOR';
const POSTING_ROLES: ReadonlySet<OrgRole> = new Set(['ADMINISTRATOR', 'CONTENT_ADMINISTRATOR', 'DIRECT_SPONSORED_CONTENT_POSTER']);
const ANALYTICS_ROLES: ReadonlySet<OrgRole> = new Set(['ADMINISTRATOR', 'CONTENT_ADMINISTRATOR', 'ANALYST']);

export interface Stats {
  impressionCount: number;
  uniqueImpressionsCount: number;
  likeCount: number;
  commentCount: number;
  shareCount: number;
  clickCount: number;
}

export type Route =
  | 'token' | 'userinfo' | 'organizationAcls' | 'organizations' | 'images.initializeUpload' | 'images.upload' | 'videos.initializeUpload'
  | 'videos.upload' | 'videos.finalizeUpload' | 'videos.get' | 'posts.create' | 'posts.list' | 'posts.delete' | 'shareStatistics' | 'memberAnalytics';

/** An answer to give instead of the normal one; `drop` closes the connection without answering. */
export type Failure = { status: number; body?: unknown; headers?: Record<string, string> } | { drop: 'before' | 'after' };

export interface StoredPost {
  urn: string;
  author: string;
  /** The commentary as received (little text). */
  commentary: string;
  /** What readers see: escapes resolved, cut at the first unescaped reserved character. */
  shown: string;
  body: Record<string, unknown>;
  createdAt: number;
  deleted: boolean;
}

interface TokenRecord { sub: string; scopes: string[]; expiresAt: number; revoked: boolean }
interface RefreshRecord { sub: string; scopes: string[]; expiresAt: number }
interface PendingCode { redirectUri: string; scopes: string[]; sub: string; expiresAt: number }
interface Image { urn: string; owner: string; uploaded: boolean }
interface VideoPart { first: number; last: number; etag?: string; bytes?: Buffer }
interface Video { urn: string; owner: string; size: number; uploadToken: string; parts: VideoPart[]; status: 'WAITING_UPLOAD' | 'PROCESSING' | 'AVAILABLE' | 'PROCESSING_FAILED'; pollsLeft: number; failure?: string }

export const APPROVED_SCOPES = ['openid', 'profile', 'email', 'w_member_social', 'r_organization_social', 'w_organization_social', 'rw_organization_admin'];
const DAY = 86_400_000;
const RESERVED = new Set(['\\', '|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '*', '_', '~']);

export class FakeLinkedIn {
  readonly tokenRequests: Record<string, string>[] = [];
  /** Every API call (not OAuth): method, path, raw query and the headers that matter. */
  readonly requests: { method: string; path: string; query: string; version?: string; restli?: string; authorized: boolean }[] = [];
  readonly posts: StoredPost[] = [];
  readonly uploads: { kind: 'image' | 'video-part'; bytes: number }[] = [];
  member: FakeMember = { sub: 'aBc123XyZ', name: 'Ada Lovelace', picture: 'https://media.licdn.com/dms/image/ada.jpg' };
  /** Scopes the app may request (LinkedIn products enabled for it). */
  approvedScopes = [...APPROVED_SCOPES];
  /** Programmatic refresh tokens are for approved partners only. */
  issueRefreshTokens = true;
  videoPartBytes = 4 * 1024 * 1024;
  videoProcessingPolls = 2;
  private readonly orgs = new Map<string, FakeOrganization & { roles: Map<string, OrgRole> }>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  private readonly codes = new Map<string, PendingCode>();
  private readonly images = new Map<string, Image>();
  private readonly imageUploads = new Map<string, string>();
  private readonly videos = new Map<string, Video>();
  private readonly stats = new Map<string, Stats>();
  private readonly failures = new Map<Route, Failure[]>();
  private readonly retired = new Set<string>();
  private deny = false;
  private nextVideoFailure: string | undefined;
  private port = 0;
  private readonly server: Server;

  private constructor(private readonly client: { clientId: string; clientSecret: string; redirectUris: string[] }) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)));
    });
  }

  static async start(client: { clientId: string; clientSecret: string; redirectUris: string[] }): Promise<FakeLinkedIn> {
    const fake = new FakeLinkedIn(client);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get oauthUrl(): string {
    return `${this.baseUrl}/oauth/v2`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  // ── Test controls ────────────────────────────────────────────────────────────────────────────

  /** An organization where the current member holds `role` (true: ADMINISTRATOR; false: no role at all). */
  addOrganization(org: FakeOrganization, role: OrgRole | boolean = true): void {
    const held = role === true ? 'ADMINISTRATOR' : role === false ? undefined : role;
    this.orgs.set(org.id, { ...org, roles: new Map(held ? [[this.member.sub, held]] : []) });
  }
  denyNext(): void {
    this.deny = true;
  }
  /** A token for the current member, as if issued by the OAuth flow. */
  issueToken(scopes: string[] = APPROVED_SCOPES, lifetimeMs = 60 * DAY): string {
    const token = `AQV${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { sub: this.member.sub, scopes, expiresAt: Date.now() + lifetimeMs, revoked: false });
    return token;
  }
  /** Every byte uploaded for the newest video, parts in order (parts not yet uploaded are missing). */
  newestVideoBytes(): Buffer {
    const video = [...this.videos.values()].at(-1);
    return Buffer.concat((video?.parts ?? []).flatMap((p) => (p.bytes ? [p.bytes] : [])));
  }
  expireToken(token: string): void {
    const t = this.tokens.get(token);
    if (t) t.expiresAt = Date.now() - 1000;
  }
  revokeToken(token: string): void {
    const t = this.tokens.get(token);
    if (t) t.revoked = true;
  }
  /** Moves a refresh token's issue time back by `days` (its 365-day end comes closer). */
  ageRefreshToken(token: string, days: number): void {
    const r = this.refreshTokens.get(token);
    if (r) r.expiresAt -= days * DAY;
  }
  /** Calls with this LinkedIn-Version answer 426 NONEXISTENT_VERSION. */
  retireVersion(version: string): void {
    this.retired.add(version);
  }
  /** The next call to `route` answers `failure` instead (queued: several calls fail in turn). */
  failNext(route: Route, failure: Failure): void {
    this.failures.set(route, [...(this.failures.get(route) ?? []), failure]);
  }
  /** The next finalized video ends in PROCESSING_FAILED with this reason. */
  failNextVideoProcessing(reason: string): void {
    this.nextVideoFailure = reason;
  }
  setStats(urn: string, stats: Stats): void {
    this.stats.set(urn, stats);
  }
  backdate(urn: string, ms: number): void {
    const post = this.posts.find((p) => p.urn === urn);
    if (post) post.createdAt -= ms;
  }
  livePosts(): StoredPost[] {
    return this.posts.filter((p) => !p.deleted);
  }

  // ── Routing ──────────────────────────────────────────────────────────────────────────────────

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const rawQuery = (req.url ?? '').split('?')[1] ?? '';
    const body = await readBody(req);
    const p = url.pathname;
    if (req.method === 'GET' && p === '/oauth/v2/authorization') return this.authorize(url, res);
    if (req.method === 'POST' && p === '/oauth/v2/accessToken') {
      if (this.injected('token', res)) return;
      return this.token(req, body, res);
    }
    const auth = this.authenticate(req);
    this.requests.push({ method: req.method ?? '', path: p, query: rawQuery, version: header(req, 'linkedin-version'), restli: header(req, 'x-restli-protocol-version'), authorized: typeof auth !== 'string' });
    if (req.method === 'PUT' && p.startsWith('/dms-uploads/')) return this.upload(p, auth, body, res);
    if (req.method === 'GET' && p === '/v2/userinfo') {
      if (this.injected('userinfo', res)) return;
      if (typeof auth === 'string') return unauthorized(res, auth);
      if (!auth.scopes.includes('openid')) return denied(res, 'userinfo.GET');
      return json(res, 200, { sub: auth.sub, name: this.member.name, given_name: this.member.name.split(' ')[0], family_name: this.member.name.split(' ').slice(1).join(' '), picture: this.member.picture, locale: { country: 'US', language: 'en' } });
    }
    if (!p.startsWith('/rest/')) return json(res, 404, { status: 404, message: `No resource at ${p}` });
    const route = routeOf(req.method ?? '', p, url.searchParams.get('action'));
    if (!route) return json(res, 404, { status: 404, message: `No resource at ${p}` });
    const version = header(req, 'linkedin-version');
    if (!version) return json(res, 400, { status: 400, code: 'VERSION_MISSING', message: 'A version must be present. Please specify a version by adding the LinkedIn-Version header.' });
    if (!/^\d{6}$/.test(version)) return json(res, 400, { status: 400, code: 'INVALID_VERSION', message: `Invalid version ${version}, expected YYYYMM` });
    if (this.retired.has(version)) return json(res, 426, { status: 426, code: 'NONEXISTENT_VERSION', message: `Requested version ${version} is not active` });
    if (header(req, 'x-restli-protocol-version') !== '2.0.0') return json(res, 400, { status: 400, message: 'This endpoint requires X-Restli-Protocol-Version: 2.0.0' });
    if (typeof auth === 'string') return unauthorized(res, auth);
    if (this.injected(route, res)) return;
    const q = parseQuery(rawQuery);
    const ctx: Ctx = { req, res, body, q, auth, path: p };
    switch (route) {
      case 'organizationAcls': return this.acls(ctx);
      case 'organizations': return this.organizations(ctx);
      case 'images.initializeUpload': return this.initImage(ctx);
      case 'videos.initializeUpload': return this.initVideo(ctx);
      case 'videos.finalizeUpload': return this.finalizeVideo(ctx);
      case 'videos.get': return this.getVideo(ctx);
      case 'posts.create': return this.createPost(ctx);
      case 'posts.list': return this.listPosts(ctx);
      case 'posts.delete': return this.deletePost(ctx);
      case 'shareStatistics': return this.shareStatistics(ctx);
      case 'memberAnalytics': return this.memberAnalytics(ctx);
      default: return json(res, 404, { status: 404, message: 'Not Found' });
    }
  }

  /** Applies the next injected failure for `route`, if any; true when it answered. */
  private injected(route: Route, res: ServerResponse, applied = false): boolean {
    const queue = this.failures.get(route);
    const failure = queue?.[0];
    if (!failure) return false;
    // `after` failures strike once the call took effect (posts.create only).
    if ('drop' in failure && failure.drop === 'after' && !applied) return false;
    queue.shift();
    if ('drop' in failure) {
      res.socket?.destroy();
      return true;
    }
    res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers }).end(failure.body === undefined ? '' : JSON.stringify(failure.body));
    return true;
  }

  private authenticate(req: IncomingMessage): TokenRecord | string {
    const m = /^Bearer (.+)$/.exec(header(req, 'authorization') ?? '');
    if (!m) return 'empty';
    const t = this.tokens.get(m[1]!);
    if (!t) return 'invalid';
    if (t.revoked) return 'revoked';
    if (t.expiresAt < Date.now()) return 'expired';
    return t;
  }

  /** Whether the token's member may act as `author` with the member/organization scope given. */
  private mayActAs(auth: TokenRecord, author: string, memberScope: string, orgScope: string, roles: ReadonlySet<OrgRole> = POSTING_ROLES): boolean {
    if (author === `urn:li:person:${auth.sub}`) return auth.scopes.includes(memberScope);
    const org = /^urn:li:organization:(\d+)$/.exec(author)?.[1];
    const role = org ? this.orgs.get(org)?.roles.get(auth.sub) : undefined;
    return !!role && roles.has(role) && auth.scopes.includes(orgScope);
  }

  // ── OAuth ────────────────────────────────────────────────────────────────────────────────────

  private authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    if (q.get('client_id') !== this.client.clientId) return page(res, 400, 'Invalid client_id');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!this.client.redirectUris.includes(redirectUri)) return page(res, 400, 'The redirect_uri does not match the registered value');
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const fail = (error: string, description: string) => {
      back.searchParams.set('error', error);
      back.searchParams.set('error_description', description);
      res.writeHead(302, { location: back.toString() }).end();
    };
    if (q.get('response_type') !== 'code') return fail('invalid_request', 'response_type must be code');
    const scopes = (q.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0) return fail('invalid_request', 'scope is required');
    const unapproved = scopes.find((s) => !this.approvedScopes.includes(s));
    if (unapproved) return fail('unauthorized_scope_error', `Scope "${unapproved}" is not authorized for your application`);
    if (this.deny) {
      this.deny = false;
      return fail('user_cancelled_authorize', 'The user cancelled the authorization');
    }
    const code = `AQT${randomBytes(30).toString('base64url')}`;
    this.codes.set(code, { redirectUri, scopes, sub: this.member.sub, expiresAt: Date.now() + 30 * 60_000 });
    back.searchParams.set('code', code);
    res.writeHead(302, { location: back.toString() }).end();
  }

  private token(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    if (!(header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) return json(res, 400, { error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded' });
    const form = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    this.tokenRequests.push(form);
    if (form.client_id !== this.client.clientId || form.client_secret !== this.client.clientSecret) return json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    if (form.grant_type === 'authorization_code') {
      const pending = form.code ? this.codes.get(form.code) : undefined;
      if (form.code) this.codes.delete(form.code); // single use
      if (!pending || pending.expiresAt < Date.now() || pending.redirectUri !== form.redirect_uri) {
        return json(res, 400, { error: 'invalid_request', error_description: 'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists' });
      }
      return json(res, 200, this.grant(pending.sub, pending.scopes, undefined));
    }
    if (form.grant_type === 'refresh_token') {
      const record = form.refresh_token ? this.refreshTokens.get(form.refresh_token) : undefined;
      if (!record || record.expiresAt < Date.now()) return json(res, 400, { error: 'invalid_request', error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked.' });
      return json(res, 200, this.grant(record.sub, record.scopes, form.refresh_token));
    }
    return json(res, 400, { error: 'unsupported_grant_type', error_description: 'grant_type is not supported' });
  }

  private grant(sub: string, scopes: string[], refreshToken: string | undefined): Record<string, unknown> {
    const access = `AQV${randomBytes(24).toString('base64url')}`;
    this.tokens.set(access, { sub, scopes, expiresAt: Date.now() + 60 * DAY, revoked: false });
    const out: Record<string, unknown> = { access_token: access, expires_in: 60 * 86_400, scope: scopes.join(','), token_type: 'Bearer' };
    if (!this.issueRefreshTokens) return out;
    let refresh = refreshToken;
    if (!refresh) {
      refresh = `AQX${randomBytes(24).toString('base64url')}`;
      this.refreshTokens.set(refresh, { sub, scopes, expiresAt: Date.now() + 365 * DAY });
    }
    // The refresh token keeps its first end: what is left is what is reported.
    out.refresh_token = refresh;
    out.refresh_token_expires_in = Math.floor((this.refreshTokens.get(refresh)!.expiresAt - Date.now()) / 1000);
    return out;
  }

  // ── Organizations ────────────────────────────────────────────────────────────────────────────

  private acls({ q, auth, res }: Ctx): void {
    if (q.get('q') !== 'roleAssignee') return badRequest(res, 'q must be roleAssignee');
    if (!['rw_organization_admin', 'r_organization_social', 'w_organization_social'].some((s) => auth.scopes.includes(s))) return denied(res, 'organizationAcls.FINDER-roleAssignee');
    // The finder's optional `role` and `state` narrow the member's ACLs to one role / one state.
    const role = q.get('role') ?? undefined;
    const state = q.get('state') ?? undefined;
    const all = [...this.orgs.values()]
      .flatMap((o) => {
        const held = o.roles.get(auth.sub);
        return held ? [{ roleAssignee: `urn:li:person:${auth.sub}`, state: 'APPROVED', role: held, organization: `urn:li:organization:${o.id}` }] : [];
      })
      .filter((acl) => (role === undefined || acl.role === role) && (state === undefined || acl.state === state));
    const start = Number(q.get('start') ?? 0);
    const count = Math.min(Number(q.get('count') ?? 10), 100);
    json(res, 200, { paging: { start, count, total: all.length, links: [] }, elements: all.slice(start, start + count) });
  }

  private organizations({ q, auth, res }: Ctx): void {
    const ids = q.list('ids');
    if (!ids) return badRequest(res, 'ids must be a Rest.li List(…)');
    if (!auth.scopes.includes('rw_organization_admin')) return denied(res, 'organizations.BATCH_GET');
    const results: Record<string, unknown> = {};
    const errors: Record<string, unknown> = {};
    for (const id of ids) {
      const org = this.orgs.get(id);
      if (org) results[id] = { id: Number(id), localizedName: org.name, vanityName: org.vanityName, name: { localized: { en_US: org.name } } };
      else errors[id] = { status: 404, message: 'Not Found' };
    }
    json(res, 200, { results, statuses: Object.fromEntries(ids.map((id) => [id, results[id] ? 200 : 404])), errors });
  }

  // ── Images and videos ────────────────────────────────────────────────────────────────────────

  private initImage({ body, auth, res }: Ctx): void {
    const owner = (parseJson(body) as { initializeUploadRequest?: { owner?: unknown } } | null)?.initializeUploadRequest?.owner;
    if (typeof owner !== 'string') return unprocessable(res, '/initializeUploadRequest/owner :: field is required');
    if (!this.mayActAs(auth, owner, 'w_member_social', 'w_organization_social')) return denied(res, 'images.ACTION-initializeUpload');
    const urn = `urn:li:image:C4E10AQ${randomBytes(9).toString('base64url')}`;
    const key = randomBytes(12).toString('hex');
    this.images.set(urn, { urn, owner, uploaded: false });
    this.imageUploads.set(key, urn);
    json(res, 200, { value: { uploadUrlExpiresAt: Date.now() + 86_400_000, uploadUrl: `${this.baseUrl}/dms-uploads/image/${key}`, image: urn } });
  }

  private initVideo({ body, auth, res }: Ctx): void {
    const request = (parseJson(body) as { initializeUploadRequest?: { owner?: unknown; fileSizeBytes?: unknown } } | null)?.initializeUploadRequest;
    if (typeof request?.owner !== 'string') return unprocessable(res, '/initializeUploadRequest/owner :: field is required');
    const size = request.fileSizeBytes;
    if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) return unprocessable(res, '/initializeUploadRequest/fileSizeBytes :: must be a positive integer');
    if (!this.mayActAs(auth, request.owner, 'w_member_social', 'w_organization_social')) return denied(res, 'videos.ACTION-initializeUpload');
    const urn = `urn:li:video:D5605AQ${randomBytes(9).toString('base64url')}`;
    const parts: VideoPart[] = [];
    for (let first = 0; first < size; first += this.videoPartBytes) parts.push({ first, last: Math.min(size, first + this.videoPartBytes) - 1 });
    const video: Video = { urn, owner: request.owner, size, uploadToken: parts.length > 1 ? randomBytes(16).toString('hex') : '', parts, status: 'WAITING_UPLOAD', pollsLeft: this.videoProcessingPolls };
    this.videos.set(urn, video);
    const key = randomBytes(12).toString('hex');
    json(res, 200, {
      value: {
        uploadUrlsExpireAt: Date.now() + 86_400_000,
        video: urn,
        uploadInstructions: parts.map((part, i) => ({ uploadUrl: `${this.baseUrl}/dms-uploads/video/${key}/${encodeURIComponent(urn)}/${i}`, firstByte: part.first, lastByte: part.last })),
        uploadToken: video.uploadToken,
        thumbnailUploadUrl: '',
        captionsUploadUrl: '',
      },
    });
  }

  private upload(path: string, auth: TokenRecord | string, body: Buffer, res: ServerResponse): void {
    if (typeof auth === 'string') return unauthorized(res, auth);
    const image = /^\/dms-uploads\/image\/([0-9a-f]+)$/.exec(path);
    if (image) {
      if (this.injected('images.upload', res)) return;
      const urn = this.imageUploads.get(image[1]!);
      const record = urn ? this.images.get(urn) : undefined;
      if (!record) return json(res, 404, { status: 404, message: 'Upload URL not found' });
      if (!isImage(body)) return badRequest(res, 'The uploaded file is not a supported image (JPG, PNG, GIF)');
      record.uploaded = true;
      this.imageUploads.delete(image[1]!); // upload URLs are single use
      this.uploads.push({ kind: 'image', bytes: body.length });
      return void res.writeHead(201).end();
    }
    const part = /^\/dms-uploads\/video\/[0-9a-f]+\/([^/]+)\/(\d+)$/.exec(path);
    if (part) {
      if (this.injected('videos.upload', res)) return;
      const video = this.videos.get(decodeURIComponent(part[1]!));
      const slot = video?.parts[Number(part[2])];
      if (!video || !slot) return json(res, 404, { status: 404, message: 'Upload URL not found' });
      if (body.length !== slot.last - slot.first + 1) return badRequest(res, `Part must be bytes ${slot.first}-${slot.last} (${slot.last - slot.first + 1} bytes), got ${body.length}`);
      slot.bytes = body;
      slot.etag = `/ETag${randomBytes(10).toString('hex')}`;
      this.uploads.push({ kind: 'video-part', bytes: body.length });
      return void res.writeHead(200, { etag: slot.etag }).end();
    }
    json(res, 404, { status: 404, message: 'Not Found' });
  }

  private finalizeVideo({ body, auth, res }: Ctx): void {
    const request = (parseJson(body) as { finalizeUploadRequest?: { video?: unknown; uploadToken?: unknown; uploadedPartIds?: unknown } } | null)?.finalizeUploadRequest;
    const video = typeof request?.video === 'string' ? this.videos.get(request.video) : undefined;
    if (!request || !video) return unprocessable(res, '/finalizeUploadRequest/video :: unknown video');
    if (!this.mayActAs(auth, video.owner, 'w_member_social', 'w_organization_social')) return denied(res, 'videos.ACTION-finalizeUpload');
    if (video.status !== 'WAITING_UPLOAD') return badRequest(res, 'The video upload was already finalized');
    if (request.uploadToken !== video.uploadToken) return badRequest(res, 'uploadToken does not match');
    const etags = video.parts.map((p) => p.etag);
    if (etags.some((e) => e === undefined)) return badRequest(res, 'Not every part was uploaded');
    if (JSON.stringify(request.uploadedPartIds) !== JSON.stringify(etags)) return badRequest(res, 'uploadedPartIds must list every part ETag in order');
    const bytes = Buffer.concat(video.parts.map((p) => p.bytes!));
    const failure = this.nextVideoFailure ?? (bytes.subarray(4, 8).toString('latin1') === 'ftyp' ? undefined : 'VIDEO_FORMAT_UNSUPPORTED');
    this.nextVideoFailure = undefined;
    video.status = failure ? 'PROCESSING_FAILED' : 'PROCESSING';
    if (failure) video.failure = failure;
    res.writeHead(200).end();
  }

  private getVideo({ path, auth, res }: Ctx): void {
    const raw = path.slice('/rest/videos/'.length);
    if (raw.includes(':')) return badRequest(res, 'The video URN in the path must be URL-encoded');
    const video = this.videos.get(decodeURIComponent(raw));
    if (!video) return json(res, 404, { status: 404, message: 'Not Found' });
    if (!this.mayActAs(auth, video.owner, 'w_member_social', 'w_organization_social')) return denied(res, 'videos.GET');
    if (video.status === 'PROCESSING' && video.pollsLeft-- <= 0) video.status = 'AVAILABLE';
    json(res, 200, { id: video.urn, owner: video.owner, status: video.status, ...(video.failure ? { processingFailureReason: video.failure } : {}) });
  }

  // ── Posts ────────────────────────────────────────────────────────────────────────────────────

  private createPost({ req, body, auth, res }: Ctx): void {
    if (!(header(req, 'content-type') ?? '').startsWith('application/json')) return badRequest(res, 'Content-Type must be application/json');
    const post = parseJson(body) as Record<string, unknown> | null;
    if (!post) return badRequest(res, 'Body is not JSON');
    const { author, commentary, visibility, distribution, lifecycleState, isReshareDisabledByAuthor, content } = post;
    if (typeof author !== 'string') return unprocessable(res, '/author :: field is required');
    if (typeof commentary !== 'string') return unprocessable(res, '/commentary :: field is required');
    if (!['PUBLIC', 'CONNECTIONS', 'LOGGED_IN'].includes(String(visibility))) return unprocessable(res, '/visibility :: invalid value');
    const feed = (distribution as { feedDistribution?: unknown } | undefined)?.feedDistribution;
    if (feed !== 'MAIN_FEED' && feed !== 'NONE') return unprocessable(res, '/distribution/feedDistribution :: field is required');
    if (lifecycleState !== 'PUBLISHED' && lifecycleState !== 'DRAFT') return unprocessable(res, '/lifecycleState :: invalid value');
    if (typeof isReshareDisabledByAuthor !== 'boolean') return unprocessable(res, '/isReshareDisabledByAuthor :: field is required');
    if (!this.mayActAs(auth, author, 'w_member_social', 'w_organization_social')) return denied(res, 'partnerApiPostsExternal.CREATE');
    const shown = renderLittle(commentary);
    if ([...shown].length > 3000) return unprocessable(res, '/commentary :: length of 3000 exceeded');
    const media = this.checkContent(author, content);
    if ('error' in media) return unprocessable(res, media.error);
    const duplicate = this.posts.find((p) => !p.deleted && p.author === author && p.commentary === commentary);
    if (duplicate) return json(res, 422, { status: 422, message: `Content is a duplicate of ${duplicate.urn}` });
    const id = `${7_300_000_000_000_000_000n + BigInt(this.posts.length + 1) * 7919n}`;
    const urn = media.kind === 'ugcPost' ? `urn:li:ugcPost:${id}` : `urn:li:share:${id}`;
    this.posts.push({ urn, author, commentary, shown, body: post, createdAt: Date.now(), deleted: false });
    if (this.injected('posts.create', res, true)) return;
    res.writeHead(201, { 'x-restli-id': urn }).end();
  }

  /** Validates `content`; answers the URN kind the post gets, or an error message. */
  private checkContent(author: string, content: unknown): { kind: 'share' | 'ugcPost' } | { error: string } {
    if (content === undefined) return { kind: 'share' };
    const c = content as { media?: { id?: unknown }; multiImage?: { images?: { id?: unknown }[] } };
    const ready = (id: unknown): string | null => {
      if (typeof id !== 'string') return 'media id is required';
      const image = this.images.get(id);
      const video = this.videos.get(id);
      if (!image && !video) return `${id} does not exist`;
      if ((image ?? video)!.owner !== author) return `${id} is not owned by ${author}`;
      if (image && !image.uploaded) return `${id} has not been uploaded`;
      if (video && video.status !== 'AVAILABLE') return `${id} is not AVAILABLE (${video.status})`;
      return null;
    };
    if (c.media) {
      const problem = ready(c.media.id);
      return problem ? { error: `/content/media/id :: ${problem}` } : { kind: String(c.media.id).startsWith('urn:li:video:') ? 'ugcPost' : 'share' };
    }
    const images = c.multiImage?.images;
    if (!Array.isArray(images)) return { error: '/content :: unknown content type' };
    if (images.length < 2 || images.length > 20) return { error: '/content/multiImage/images :: must hold 2 to 20 images' };
    for (const img of images) {
      if (!String(img.id).startsWith('urn:li:image:')) return { error: '/content/multiImage/images :: only images' };
      const problem = ready(img.id);
      if (problem) return { error: `/content/multiImage/images :: ${problem}` };
    }
    return { kind: 'ugcPost' };
  }

  private listPosts({ q, auth, res }: Ctx): void {
    if (q.get('q') !== 'author') return badRequest(res, 'q must be author');
    const author = q.get('author');
    if (!author || q.raw('author')?.includes(':')) return badRequest(res, 'author must be a URL-encoded URN');
    if (!this.mayActAs(auth, author, 'r_member_social', 'r_organization_social')) return denied(res, 'partnerApiPostsExternal.FINDER-author');
    const start = Number(q.get('start') ?? 0);
    const count = Math.min(Number(q.get('count') ?? 10), 100);
    const mine = this.livePosts().filter((p) => p.author === author).sort((a, b) => b.createdAt - a.createdAt);
    const elements = mine.slice(start, start + count).map((p) => ({ ...p.body, id: p.urn, createdAt: p.createdAt, publishedAt: p.createdAt, lastModifiedAt: p.createdAt }));
    json(res, 200, { paging: { start, count, total: mine.length, links: [] }, elements });
  }

  private deletePost({ path, auth, res }: Ctx): void {
    const raw = path.slice('/rest/posts/'.length);
    if (raw.includes(':')) return badRequest(res, 'The post URN in the path must be URL-encoded');
    const post = this.posts.find((p) => p.urn === decodeURIComponent(raw));
    if (!post) return json(res, 404, { status: 404, message: 'Not Found' });
    if (!this.mayActAs(auth, post.author, 'w_member_social', 'w_organization_social')) return denied(res, 'partnerApiPostsExternal.DELETE');
    post.deleted = true; // deleting twice is fine: 204 again
    res.writeHead(204).end();
  }

  // ── Statistics ───────────────────────────────────────────────────────────────────────────────

  private shareStatistics({ q, auth, res }: Ctx): void {
    if (q.get('q') !== 'organizationalEntity') return badRequest(res, 'q must be organizationalEntity');
    const org = q.get('organizationalEntity') ?? '';
    if (!auth.scopes.includes('rw_organization_admin') || !this.mayActAs(auth, org, '-', 'rw_organization_admin', ANALYTICS_ROLES)) return denied(res, 'organizationalEntityShareStatistics.FINDER-organizationalEntity');
    const shares = q.has('shares') ? q.list('shares') : [];
    const ugcPosts = q.has('ugcPosts') ? q.list('ugcPosts') : [];
    if (!shares || !ugcPosts) return badRequest(res, 'shares/ugcPosts must be a Rest.li List(…) of URL-encoded URNs');
    if (shares.some((u) => !u.startsWith('urn:li:share:')) || ugcPosts.some((u) => !u.startsWith('urn:li:ugcPost:'))) return badRequest(res, 'shares takes share URNs and ugcPosts takes ugcPost URNs');
    const elements = [...shares, ...ugcPosts]
      .map((urn) => this.livePosts().find((p) => p.urn === urn && p.author === org))
      .filter((p): p is StoredPost => !!p)
      .map((p) => {
        const s = this.stats.get(p.urn) ?? zeroStats();
        const engagement = s.impressionCount ? (s.likeCount + s.commentCount + s.shareCount + s.clickCount) / s.impressionCount : 0;
        return { organizationalEntity: org, [p.urn.startsWith('urn:li:share:') ? 'share' : 'ugcPost']: p.urn, totalShareStatistics: { ...s, engagement } };
      });
    json(res, 200, { paging: { start: 0, count: 10, links: [] }, elements });
  }

  private memberAnalytics({ q, auth, res }: Ctx): void {
    if (q.get('q') !== 'entity') return badRequest(res, 'q must be entity');
    const entity = /^\((share|ugcPost):([^)]+)\)$/.exec(q.raw('entity') ?? '');
    if (!entity || entity[2]!.includes(':')) return badRequest(res, 'entity must be (share:{encoded urn}) or (ugcPost:{encoded urn})');
    const urn = decodeURIComponent(entity[2]!);
    const queryType = q.get('queryType') ?? '';
    const field = ({ IMPRESSION: 'impressionCount', MEMBERS_REACHED: 'uniqueImpressionsCount', REACTION: 'likeCount', COMMENT: 'commentCount', RESHARE: 'shareCount' } as const)[queryType as 'IMPRESSION'];
    if (!field) return badRequest(res, `Unknown queryType ${queryType}`);
    if (q.get('aggregation') !== 'TOTAL' && q.get('aggregation') !== 'DAILY') return badRequest(res, 'aggregation must be TOTAL or DAILY');
    if (!auth.scopes.includes('r_member_postAnalytics')) return denied(res, 'memberCreatorPostAnalytics.FINDER-entity');
    const post = this.livePosts().find((p) => p.urn === urn);
    if (!post || post.author !== `urn:li:person:${auth.sub}`) return json(res, 404, { status: 404, message: 'Not Found' });
    const count = (this.stats.get(urn) ?? zeroStats())[field];
    json(res, 200, { paging: { start: 0, count: 10, links: [] }, elements: [{ count, metricType: { 'com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1': queryType } }] });
  }
}

interface Ctx { req: IncomingMessage; res: ServerResponse; body: Buffer; q: RawQuery; auth: TokenRecord; path: string }

function routeOf(method: string, path: string, action: string | null): Route | undefined {
  if (method === 'GET' && path === '/rest/organizationAcls') return 'organizationAcls';
  if (method === 'GET' && path === '/rest/organizations') return 'organizations';
  if (method === 'POST' && path === '/rest/images' && action === 'initializeUpload') return 'images.initializeUpload';
  if (method === 'POST' && path === '/rest/videos' && action === 'initializeUpload') return 'videos.initializeUpload';
  if (method === 'POST' && path === '/rest/videos' && action === 'finalizeUpload') return 'videos.finalizeUpload';
  if (method === 'GET' && path.startsWith('/rest/videos/')) return 'videos.get';
  if (method === 'POST' && path === '/rest/posts') return 'posts.create';
  if (method === 'GET' && path === '/rest/posts') return 'posts.list';
  if (method === 'DELETE' && path.startsWith('/rest/posts/')) return 'posts.delete';
  if (method === 'GET' && path === '/rest/organizationalEntityShareStatistics') return 'shareStatistics';
  if (method === 'GET' && path === '/rest/memberCreatorPostAnalytics') return 'memberAnalytics';
  return undefined;
}

/** A query string read the Rest.li way: values kept raw so `List(…)` and `(k:v)` can be checked. */
interface RawQuery {
  raw(key: string): string | undefined;
  get(key: string): string | undefined;
  has(key: string): boolean;
  /** Members of `List(a,b)` (each URL-decoded); null when the value is not a literal List(…). */
  list(key: string): string[] | null;
}

function parseQuery(raw: string): RawQuery {
  const map = new Map<string, string>();
  for (const pair of raw.split('&').filter(Boolean)) {
    const i = pair.indexOf('=');
    map.set(decodeURIComponent(i < 0 ? pair : pair.slice(0, i)), i < 0 ? '' : pair.slice(i + 1));
  }
  return {
    raw: (k) => map.get(k),
    get: (k) => (map.has(k) ? decodeURIComponent(map.get(k)!.replace(/\+/g, ' ')) : undefined),
    has: (k) => map.has(k),
    list: (k) => {
      const m = /^List\((.*)\)$/.exec(map.get(k) ?? '');
      if (!m) return null;
      const items = m[1] ? m[1].split(',') : [];
      return items.some((item) => item.includes(':')) ? null : items.map((item) => decodeURIComponent(item));
    },
  };
}

/** Plain text of little-format commentary, cut at the first unescaped reserved character. */
export function renderLittle(text: string): string {
  const chars = [...text];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && i + 1 < chars.length) {
      out += chars[++i];
      continue;
    }
    const hashtag = c === '#' && /^[\p{L}\p{N}]$/u.test(chars[i + 1] ?? '') && (i === 0 || /\s/u.test(chars[i - 1]!));
    if (hashtag) {
      out += c;
      continue;
    }
    if (RESERVED.has(c)) break;
    out += c;
  }
  return out;
}

function isImage(b: Buffer): boolean {
  const jpeg = b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
  const png = b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const gif = b.subarray(0, 4).toString('latin1') === 'GIF8';
  return jpeg || png || gif;
}

function zeroStats(): Stats {
  return { impressionCount: 0, uniqueImpressionsCount: 0, likeCount: 0, commentCount: 0, shareCount: 0, clickCount: 0 };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-restli-protocol-version': '2.0.0' }).end(JSON.stringify(body));
}

function unauthorized(res: ServerResponse, why: string): void {
  const bodies: Record<string, unknown> = {
    empty: { status: 401, serviceErrorCode: 65604, code: 'EMPTY_ACCESS_TOKEN', message: 'Empty oauth2_access_token' },
    invalid: { status: 401, serviceErrorCode: 65600, code: 'INVALID_ACCESS_TOKEN', message: 'Invalid access token' },
    revoked: { status: 401, serviceErrorCode: 65601, code: 'REVOKED_ACCESS_TOKEN', message: 'The token used in the request has been revoked by the user' },
    expired: { status: 401, serviceErrorCode: 65602, code: 'EXPIRED_ACCESS_TOKEN', message: 'The token used in the request has expired' },
  };
  json(res, 401, bodies[why]);
}

function denied(res: ServerResponse, permission: string): void {
  json(res, 403, { status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED', message: `Not enough permissions to access: ${permission}` });
}

function badRequest(res: ServerResponse, message: string): void {
  json(res, 400, { status: 400, message });
}

function unprocessable(res: ServerResponse, message: string): void {
  json(res, 422, { status: 422, message: `ERROR :: ${message}` });
}

function page(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>LinkedIn</title><p>${text}</p>`);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
