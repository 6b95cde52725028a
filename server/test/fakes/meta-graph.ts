import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A contract fake of Meta's Facebook Login dialog and the Graph API endpoints Herald uses for
 * Facebook Pages and Instagram professional accounts, on a real HTTP server at 127.0.0.1:
 *   GET  /{v}/dialog/oauth                 consent; redirects with code+state (or error=access_denied)
 *   GET  /{v}/oauth/access_token           code → short-lived user token; fb_exchange_token → long-lived
 *   GET  /{v}/me, /me/permissions, /me/accounts (pages with page tokens and linked IG accounts)
 *   POST /{v}/{page}/feed | /photos | /videos, GET /{page}/posts | /videos, GET|DELETE /{id}
 *   GET  /{v}/{post}/insights, /{video}/video_insights
 *   POST /{v}/{ig}/media, GET /{container}?fields=status_code, POST /{ig}/media_publish,
 *   GET  /{v}/{ig}/media, /{ig}/content_publishing_limit, /{media}/insights
 * The version segment is a wildcard (any v{N}.{M}). Tokens are accepted as `Authorization: Bearer` or
 * `access_token`, checked (unknown, expired, invalidated, wrong page, missing permission) and errors
 * use the Graph envelope `{"error":{message,type,code,error_subcode,fbtrace_id}}`. Media URLs are
 * really fetched and their bytes checked. Tests inject errors with `failNext` and read `requests`.
 */
export interface GraphErrorSpec {
  status: number;
  error?: { message: string; type?: string; code: number; error_subcode?: number; error_user_msg?: string; is_transient?: boolean };
  /** A raw (non-JSON) body instead of the envelope. */
  raw?: string;
  /** Drop the connection without answering (after the request was received). */
  drop?: boolean;
  headers?: Record<string, string>;
}

export const graphErrors = {
  expiredToken: (): GraphErrorSpec => ({ status: 400, error: { message: 'Error validating access token: Session has expired on Tuesday, 01-Sep-26 10:00:00 PDT.', type: 'OAuthException', code: 190, error_subcode: 463 } }),
  /** Page throttle with the Business-Use-Case header giving minutes until access returns. */
  pageRateLimit: (pageId: string, minutes: number): GraphErrorSpec => ({
    status: 400,
    error: { message: '(#32) Page request limit reached', type: 'OAuthException', code: 32 },
    headers: { 'x-business-use-case-usage': JSON.stringify({ [pageId]: [{ type: 'pages', call_count: 100, total_cputime: 12, total_time: 40, estimated_time_to_regain_access: minutes }] }) },
  }),
  appRateLimit: (): GraphErrorSpec => ({ status: 400, error: { message: '(#4) Application request limit reached', type: 'OAuthException', code: 4, is_transient: true } }),
  bucRateLimit: (code: number, minutes: number): GraphErrorSpec => ({
    status: 400,
    error: { message: `(#${code}) There have been too many calls to this account. Wait a bit and try again.`, type: 'OAuthException', code },
    headers: { 'x-business-use-case-usage': JSON.stringify({ '1790000000': [{ type: 'instagram', call_count: 101, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: minutes }] }) },
  }),
  unknown: (): GraphErrorSpec => ({ status: 500, error: { message: 'An unknown error has occurred.', type: 'OAuthException', code: 1, is_transient: true } }),
  service: (): GraphErrorSpec => ({ status: 503, error: { message: 'Service temporarily unavailable', type: 'FacebookApiException', code: 2, is_transient: true } }),
  gateway: (): GraphErrorSpec => ({ status: 502, raw: '<html><body>502 Bad Gateway</body></html>', headers: { 'content-type': 'text/html' } }),
  dropped: (): GraphErrorSpec => ({ status: 0, drop: true }),
  tooManyRequests: (seconds: number): GraphErrorSpec => ({ status: 429, raw: 'Too Many Requests', headers: { 'retry-after': String(seconds) } }),
  rejected: (message: string, code = 100, subcode?: number): GraphErrorSpec => ({ status: 400, error: { message, type: 'OAuthException', code, ...(subcode ? { error_subcode: subcode } : {}) } }),
  policyBlock: (): GraphErrorSpec => ({ status: 400, error: { message: 'The action attempted has been deemed abusive or is otherwise disallowed', type: 'OAuthException', code: 368 } }),
  postingTooFast: (): GraphErrorSpec => ({ status: 400, error: { message: "You're posting too fast. Slow down to avoid being blocked.", type: 'OAuthException', code: 368, error_subcode: 1390008 } }),
  igSpam: (): GraphErrorSpec => ({ status: 400, error: { message: 'We restrict certain activity to protect our community.', type: 'OAuthException', code: 4, error_subcode: 2207051, error_user_msg: 'We restrict certain activity to protect our community.' } }),
};

export interface FakeRequest {
  method: string;
  /** The path without the version segment, e.g. `123/feed`. */
  path: string;
  version: string | undefined;
  params: Record<string, string>;
  token: string | undefined;
  tokenIn: 'header' | 'param' | undefined;
  contentType: string | undefined;
}

interface TokenInfo {
  kind: 'user' | 'page';
  userId: string;
  pageId?: string;
  expiresAt: number | null;
  invalid?: 'revoked';
}

interface UserState {
  id: string;
  name: string;
  requested: Set<string>;
  granted: Set<string>;
}

export interface IgAccountSpec {
  id: string;
  username: string;
  name?: string;
  pictureUrl?: string;
}

export interface PageState {
  id: string;
  name: string;
  managers: Set<string>;
  tasks: string[];
  token: string;
  ig?: IgAccountSpec;
}

export interface FbPost {
  id: string;
  pageId: string;
  message: string | undefined;
  createdAt: number;
  kind: 'status' | 'photo' | 'album' | 'video';
  photoIds: string[];
  deleted: boolean;
}

export interface FbPhoto {
  id: string;
  pageId: string;
  url: string;
  published: boolean;
  attachedTo?: string;
  bytes: number;
}

export interface FbVideo {
  id: string;
  pageId: string;
  description: string | undefined;
  createdAt: number;
  deleted: boolean;
}

export interface IgContainer {
  id: string;
  igId: string;
  mediaType: 'IMAGE' | 'REELS' | 'VIDEO' | 'CAROUSEL';
  carouselItem: boolean;
  url: string | undefined;
  caption: string | undefined;
  children: string[];
  pollsLeft: number;
  status: 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';
  errorStatus?: string;
}

export interface IgMedia {
  id: string;
  igId: string;
  caption: string | undefined;
  mediaType: 'IMAGE' | 'VIDEO' | 'CAROUSEL_ALBUM';
  createdAt: number;
  permalink: string;
  children: string[];
  deleted: boolean;
}

export const KNOWN_SCOPES = new Set([
  'public_profile', 'email', 'pages_show_list', 'pages_read_engagement', 'pages_manage_posts', 'pages_manage_metadata', 'pages_read_user_engagement',
  'pages_manage_engagement', 'read_insights', 'business_management', 'instagram_basic', 'instagram_content_publish', 'instagram_manage_insights',
  'instagram_manage_comments', 'instagram_manage_contents', 'publish_video', 'ads_read', 'ads_management',
]);
export const FB_POST_METRICS = new Set(['post_media_view', 'post_total_media_view_unique', 'post_clicks', 'post_reactions_by_type_total', 'post_clicks_by_type']);
export const FB_VIDEO_METRICS = new Set(['total_video_impressions', 'total_video_impressions_unique', 'total_video_views']);
export const IG_MEDIA_METRICS = new Set(['reach', 'views', 'likes', 'comments', 'shares', 'saved', 'total_interactions']);

export class GraphFail extends Error {
  constructor(readonly spec: GraphErrorSpec) {
    super(spec.error?.message ?? 'graph error');
  }
}

export const fail = (status: number, code: number, message: string, subcode?: number, userMsg?: string): GraphFail =>
  new GraphFail({ status, error: { message, type: 'OAuthException', code, ...(subcode !== undefined ? { error_subcode: subcode } : {}), ...(userMsg ? { error_user_msg: userMsg } : {}) } });

/** The fake's state, test controls and plumbing; the routes are the functions further below. */
export class FakeMetaGraph {
  readonly requests: FakeRequest[] = [];
  readonly users = new Map<string, UserState>();
  readonly pages = new Map<string, PageState>();
  readonly tokens = new Map<string, TokenInfo>();
  readonly codes = new Map<string, { userId: string; redirectUri: string; expiresAt: number }>();
  readonly posts = new Map<string, FbPost>();
  readonly photos = new Map<string, FbPhoto>();
  readonly videos = new Map<string, FbVideo>();
  readonly containers = new Map<string, IgContainer>();
  readonly media = new Map<string, IgMedia>();
  /** Insight values by object id (FB post, FB video, IG media). */
  readonly insights = new Map<string, Record<string, number | Record<string, number>>>();
  readonly engagement = new Map<string, { reactions: number; comments: number; shares: number }>();
  /** Media ids for which Instagram refuses insights ("(#10) Not enough viewers"). */
  readonly insightsRefused = new Set<string>();
  quota = { total: 50, durationSeconds: 86_400 };
  /** Instagram media deletion (Meta documents none for most apps): off unless a test turns it on. */
  igDeleteEnabled = false;
  /** Status polls a new container answers IN_PROGRESS before it is FINISHED. */
  processingPolls = { image: 1, video: 2, carousel: 1 };
  signedInAs = 'u-1';
  private deny = false;
  private declineNextScopes: string[] = [];
  private nextContainerOutcome: { status: 'ERROR' | 'EXPIRED'; text?: string } | undefined;
  private readonly injected: { method: string | undefined; path: string | RegExp; spec: GraphErrorSpec; times: number }[] = [];
  private seq = 1000;
  private server: Server;
  private port = 0;

  private constructor(readonly app: { appId: string; appSecret: string; redirectUris: string[] }) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (err instanceof GraphFail) return this.sendError(res, err.spec);
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
      });
    });
    this.addUser('u-1', 'Pat Example');
  }

  static async start(app: { appId: string; appSecret: string; redirectUris: string[] }): Promise<FakeMetaGraph> {
    const fake = new FakeMetaGraph(app);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  // ── Test controls ──────────────────────────────────────────────────────────────────────────────

  addUser(id: string, name: string): void {
    this.users.set(id, { id, name, requested: new Set(), granted: new Set() });
  }

  addPage(spec: { id: string; name: string; managers?: string[]; tasks?: string[]; ig?: IgAccountSpec }): PageState {
    const page: PageState = {
      id: spec.id,
      name: spec.name,
      managers: new Set(spec.managers ?? ['u-1']),
      tasks: spec.tasks ?? ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MESSAGING', 'MODERATE', 'MANAGE'],
      token: '',
      ...(spec.ig ? { ig: spec.ig } : {}),
    };
    this.pages.set(page.id, page);
    this.rotatePageToken(page.id);
    return page;
  }

  /** Issues a new page token and invalidates the old one (what a password change does). */
  rotatePageToken(pageId: string): string {
    const page = this.pages.get(pageId)!;
    if (page.token) this.tokens.set(page.token, { ...this.tokens.get(page.token)!, invalid: 'revoked' });
    page.token = `EAAP${randomBytes(18).toString('hex')}`;
    this.tokens.set(page.token, { kind: 'page', userId: [...page.managers][0] ?? 'u-1', pageId, expiresAt: null });
    return page.token;
  }

  /** Makes a token expire now (the next call with it answers 190/463). */
  expireToken(token: string): void {
    const info = this.tokens.get(token);
    if (info) info.expiresAt = Date.now() - 1000;
  }

  signInAs(userId: string): void {
    this.signedInAs = userId;
  }

  denyNext(): void {
    this.deny = true;
  }

  /** The next consent grants everything asked except these permissions. */
  declineNext(scopes: string[]): void {
    this.declineNextScopes = scopes;
  }

  /** The next `times` requests matching method and path (version stripped) answer with `spec`. */
  failNext(match: { method?: string; path: string | RegExp }, spec: GraphErrorSpec, times = 1): void {
    this.injected.push({ method: match.method, path: match.path, spec, times });
  }

  /** The next container created ends in this state instead of FINISHED. */
  nextContainer(outcome: { status: 'ERROR' | 'EXPIRED'; text?: string }): void {
    this.nextContainerOutcome = outcome;
  }

  /** Records `count` media published `ageSeconds` ago on an Instagram account (quota usage). */
  seedIgMedia(igId: string, count: number, ageSeconds: number, caption = 'older post'): void {
    for (let i = 0; i < count; i++) this.insertIgMedia(igId, caption, 'IMAGE', Date.now() - ageSeconds * 1000, []);
  }

  quotaUsage(igId: string): number {
    const since = Date.now() - this.quota.durationSeconds * 1000;
    return [...this.media.values()].filter((m) => m.igId === igId && m.createdAt >= since).length;
  }

  requestsTo(method: string, path: string | RegExp): FakeRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  // ── Plumbing ───────────────────────────────────────────────────────────────────────────────────

  nextId(prefix = ''): string {
    this.seq += 1;
    return `${prefix}${this.seq}${randomBytes(2).readUInt16BE(0)}`;
  }

  insertIgMedia(igId: string, caption: string | undefined, mediaType: IgMedia['mediaType'], createdAt: number, children: string[]): IgMedia {
    const id = `1790${this.nextId()}`;
    const m: IgMedia = { id, igId, caption, mediaType, createdAt, permalink: `https://www.instagram.com/p/${randomBytes(8).toString('base64url')}/`, children, deleted: false };
    this.media.set(id, m);
    return m;
  }

  takeContainerOutcome(): { status: 'ERROR' | 'EXPIRED'; text?: string } | undefined {
    const o = this.nextContainerOutcome;
    this.nextContainerOutcome = undefined;
    return o;
  }

  takeConsent(): { deny: boolean; decline: string[] } {
    const out = { deny: this.deny, decline: this.declineNextScopes };
    this.deny = false;
    this.declineNextScopes = [];
    return out;
  }

  /** Resolves the caller's token, or throws the Graph error the platform would answer. */
  auth(req: FakeRequest): TokenInfo & { token: string } {
    if (!req.token) throw fail(400, 104, 'An access token is required to request this resource.');
    const info = this.tokens.get(req.token);
    if (!info) throw fail(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (info.invalid) throw fail(400, 190, 'Error validating access token: The session has been invalidated because the user changed their password.', 460);
    if (info.expiresAt !== null && info.expiresAt < Date.now()) {
      throw fail(400, 190, 'Error validating access token: Session has expired.', 463);
    }
    return { ...info, token: req.token };
  }

  requireScope(info: TokenInfo, scope: string): void {
    const user = this.users.get(info.userId);
    if (!user?.granted.has(scope)) throw fail(403, 200, `(#200) Requires ${scope} permission to manage the object`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const m = /^\/(v\d+\.\d+)\/(.*)$/.exec(url.pathname);
    const version = m?.[1];
    const path = (m?.[2] ?? url.pathname.slice(1)).replace(/\/+$/, '');
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    const contentType = req.headers['content-type'];
    const body = await readBody(req);
    if (body.length > 0) {
      if ((contentType ?? '').startsWith('application/x-www-form-urlencoded')) Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
      else if ((contentType ?? '').startsWith('application/json')) {
        for (const [k, v] of Object.entries(JSON.parse(body) as Record<string, unknown>)) params[k] = typeof v === 'string' ? v : JSON.stringify(v);
      } else throw fail(400, 100, `(#100) Unsupported content type: ${contentType ?? 'none'}`);
    }
    const auth = req.headers.authorization;
    const headerToken = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const token = headerToken ?? params.access_token;
    delete params.access_token;
    const request: FakeRequest = { method: req.method ?? 'GET', path, version, params, token, tokenIn: headerToken ? 'header' : token ? 'param' : undefined, contentType };
    this.requests.push(request);

    const i = this.injected.findIndex((f) => (!f.method || f.method === request.method) && (typeof f.path === 'string' ? f.path === path : f.path.test(path)));
    if (i >= 0) {
      const f = this.injected[i]!;
      f.times -= 1;
      if (f.times <= 0) this.injected.splice(i, 1);
      if (f.spec.drop) return void req.socket.destroy();
      return this.sendError(res, f.spec);
    }
    if (!version) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    const answer = await routeRequest(this, request);
    if (answer.redirect) return void res.writeHead(302, { location: answer.redirect }).end();
    if (answer.html) return void res.writeHead(answer.status ?? 200, { 'content-type': 'text/html; charset=utf-8' }).end(answer.html);
    this.sendJson(res, answer.status ?? 200, answer.json);
  }

  private sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res
      .writeHead(status, {
        'content-type': 'application/json; charset=UTF-8',
        'x-app-usage': JSON.stringify({ call_count: 1, total_cputime: 1, total_time: 1 }),
        'x-fb-trace-id': randomBytes(6).toString('base64url'),
        ...headers,
      })
      .end(JSON.stringify(body));
  }

  sendError(res: ServerResponse, spec: GraphErrorSpec): void {
    if (spec.raw !== undefined) return void res.writeHead(spec.status, { 'content-type': 'text/plain', ...spec.headers }).end(spec.raw);
    this.sendJson(res, spec.status, { error: { type: 'OAuthException', ...spec.error, fbtrace_id: randomBytes(8).toString('base64url') } }, spec.headers);
  }
}

export interface RouteAnswer {
  status?: number;
  json?: unknown;
  redirect?: string;
  html?: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// ── Routes ─────────────────────────────────────────────────────────────────────────────────────────

async function routeRequest(f: FakeMetaGraph, r: FakeRequest): Promise<RouteAnswer> {
  if (r.method === 'GET' && r.path === 'dialog/oauth') return dialog(f, r);
  if (r.method === 'GET' && r.path === 'oauth/access_token') return accessToken(f, r);
  const [id = '', edge, ...rest] = r.path.split('/');
  if (rest.length > 0) throw fail(400, 2500, `Unknown path components: /${rest.join('/')}`);
  if (id === 'me') return meRoute(f, r, edge);
  const key = `${r.method} ${edge ?? ''}`;
  const page = f.pages.get(id);
  const igPage = [...f.pages.values()].find((p) => p.ig?.id === id);
  if (page) {
    if (key === 'POST feed') return createFeedPost(f, r, page);
    if (key === 'POST photos') return uploadPhoto(f, r, page);
    if (key === 'POST videos') return uploadVideo(f, r, page);
    if (key === 'GET posts') return listPosts(f, r, page);
    if (key === 'GET videos') return listVideos(f, r, page);
  }
  if (igPage?.ig) {
    if (key === 'POST media') return createContainer(f, r, igPage);
    if (key === 'POST media_publish') return publishContainer(f, r, igPage);
    if (key === 'GET media') return listIgMedia(f, r, igPage);
    if (key === 'GET content_publishing_limit') return publishingLimit(f, r, igPage);
  }
  if (key === 'GET insights') return insights(f, r, id);
  if (key === 'GET video_insights') return videoInsights(f, r, id);
  if (key === 'GET ') return readNode(f, r, id);
  if (key === 'DELETE ') return deleteNode(f, r, id);
  if (edge) throw fail(400, 100, `(#100) Tried accessing nonexisting field (${edge}) on node type (${page ? 'Page' : 'Object'})`);
  throw missing(r.method, id);
}

function missing(method: string, id: string): GraphFail {
  const verb = method === 'DELETE' ? 'delete' : method === 'POST' ? 'post' : 'get';
  return fail(400, 100, `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 33);
}

// ── OAuth ──────────────────────────────────────────────────────────────────────────────────────────

function dialog(f: FakeMetaGraph, r: FakeRequest): RouteAnswer {
  const q = r.params;
  if (q.client_id !== f.app.appId) return { status: 400, html: '<p>Invalid App ID: The provided app ID does not look like a valid app ID.</p>' };
  const redirectUri = q.redirect_uri ?? '';
  if (!f.app.redirectUris.includes(redirectUri)) {
    return { status: 400, html: "<p>URL Blocked: This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings.</p>" };
  }
  const scopes = (q.scope ?? '').split(',').filter((s) => s !== '');
  const bad = scopes.filter((s) => !KNOWN_SCOPES.has(s));
  if (bad.length > 0) return { status: 400, html: `<p>Invalid Scopes: ${bad.join(', ')}. This message is only shown to developers.</p>` };
  const back = new URL(redirectUri);
  if (q.state !== undefined) back.searchParams.set('state', q.state);
  const consent = f.takeConsent();
  if (consent.deny) {
    back.searchParams.set('error', 'access_denied');
    back.searchParams.set('error_code', '200');
    back.searchParams.set('error_description', 'Permissions error');
    back.searchParams.set('error_reason', 'user_denied');
    return { redirect: `${back.toString()}#_=_` };
  }
  const user = f.users.get(f.signedInAs)!;
  for (const s of scopes) {
    user.requested.add(s);
    if (consent.decline.includes(s)) user.granted.delete(s);
    else user.granted.add(s);
  }
  const code = `AQ${randomBytes(24).toString('base64url')}`;
  f.codes.set(code, { userId: user.id, redirectUri, expiresAt: Date.now() + 10 * 60_000 });
  back.searchParams.set('code', code);
  // Facebook appends this fragment to the redirect; clients ignore it.
  return { redirect: `${back.toString()}#_=_` };
}

function accessToken(f: FakeMetaGraph, r: FakeRequest): RouteAnswer {
  const q = r.params;
  if (q.client_id !== f.app.appId) throw fail(400, 101, 'Error validating application. Invalid application ID.');
  if (q.client_secret !== f.app.appSecret) throw fail(400, 1, 'Error validating client secret.');
  if (q.grant_type === 'fb_exchange_token') {
    const info = f.tokens.get(q.fb_exchange_token ?? '');
    if (!info || info.kind !== 'user' || info.invalid) throw fail(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (info.expiresAt !== null && info.expiresAt < Date.now()) throw fail(400, 190, 'Error validating access token: Session has expired.', 463);
    return { json: issueUserToken(f, info.userId, 5_183_944) };
  }
  if (q.grant_type !== undefined) throw fail(400, 100, `Unsupported grant_type: ${q.grant_type}`);
  if (!q.redirect_uri) throw fail(400, 100, 'Missing redirect_uri parameter.', 36010);
  if (!q.code) throw fail(400, 100, 'Missing authorization code');
  const pending = f.codes.get(q.code);
  f.codes.delete(q.code); // single use, whatever happens next
  if (!pending) throw fail(400, 100, 'This authorization code has been used.', 36009);
  if (pending.expiresAt < Date.now()) throw fail(400, 100, 'Code was invalid or expired.', 36007);
  if (pending.redirectUri !== q.redirect_uri) {
    throw fail(400, 100, 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request', 36008);
  }
  return { json: issueUserToken(f, pending.userId, 2 * 3600) };
}

function issueUserToken(f: FakeMetaGraph, userId: string, seconds: number) {
  const token = `EAAG${randomBytes(24).toString('hex')}`;
  f.tokens.set(token, { kind: 'user', userId, expiresAt: Date.now() + seconds * 1000 });
  return { access_token: token, token_type: 'bearer', expires_in: seconds };
}

// ── /me ────────────────────────────────────────────────────────────────────────────────────────────

function meRoute(f: FakeMetaGraph, r: FakeRequest, edge: string | undefined): RouteAnswer {
  const info = f.auth(r);
  if (r.method !== 'GET') throw missing(r.method, 'me');
  if (info.kind === 'page') {
    if (edge) throw fail(400, 100, `(#100) Tried accessing nonexisting field (${edge}) on node type (Page)`);
    const page = f.pages.get(info.pageId!)!;
    return { json: { id: page.id, name: page.name } };
  }
  const user = f.users.get(info.userId)!;
  if (!edge) return { json: pick({ id: user.id, name: user.name }, r.params.fields ?? 'id,name') };
  if (edge === 'permissions') {
    const data = [...user.requested].map((permission) => ({ permission, status: user.granted.has(permission) ? 'granted' : 'declined' }));
    return { json: paginate(f, r, data, (x) => x) };
  }
  if (edge === 'accounts') {
    // Without pages_show_list Facebook lists no pages at all.
    const pages = user.granted.has('pages_show_list') ? [...f.pages.values()].filter((p) => p.managers.has(user.id)) : [];
    const fields = parseFields(r.params.fields ?? 'id,name,access_token,category,tasks');
    return { json: paginate(f, r, pages, (p) => renderPage(f, user, p, fields)) };
  }
  throw fail(400, 100, `(#100) Tried accessing nonexisting field (${edge}) on node type (User)`);
}

function renderPage(f: FakeMetaGraph, user: UserState, p: PageState, fields: Map<string, string[] | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, sub] of fields) {
    if (name === 'id') out.id = p.id;
    else if (name === 'name') out.name = p.name;
    else if (name === 'access_token') out.access_token = p.token;
    else if (name === 'category') out.category = 'Local business';
    else if (name === 'tasks') out.tasks = p.tasks;
    else if (name === 'picture') out.picture = { data: { height: 50, width: 50, is_silhouette: false, url: `https://scontent.example/page-${p.id}.jpg` } };
    else if (name === 'instagram_business_account') {
      if (p.ig && user.granted.has('instagram_basic')) out.instagram_business_account = renderIgUser(p.ig, sub ?? ['id']);
    } else throw fail(400, 100, `(#100) Tried accessing nonexisting field (${name}) on node type (Page)`);
  }
  return out;
}

function renderIgUser(ig: IgAccountSpec, fields: string[]): Record<string, unknown> {
  const all: Record<string, unknown> = { id: ig.id, username: ig.username, name: ig.name, profile_picture_url: ig.pictureUrl };
  return Object.fromEntries(fields.filter((k) => all[k] !== undefined).map((k) => [k, all[k]]));
}

// ── Facebook page publishing ───────────────────────────────────────────────────────────────────────

/** Writes to a page need that page's token and pages_manage_posts (Meta: "requires both
 * pages_read_engagement and pages_manage_posts as an admin"). */
function pageWriter(f: FakeMetaGraph, r: FakeRequest, page: PageState) {
  const info = f.auth(r);
  if (info.kind !== 'page' || info.pageId !== page.id) {
    throw fail(403, 200, '(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission');
  }
  f.requireScope(info, 'pages_manage_posts');
  f.requireScope(info, 'pages_read_engagement');
  return info;
}

function pageReader(f: FakeMetaGraph, r: FakeRequest, pageId: string, scope = 'pages_read_engagement') {
  const info = f.auth(r);
  const page = f.pages.get(pageId);
  const ok = info.kind === 'page' ? info.pageId === pageId : !!page?.managers.has(info.userId);
  if (!ok) throw missing(r.method, pageId);
  f.requireScope(info, scope);
  return info;
}

function attachedMedia(r: FakeRequest): string[] | undefined {
  const ids: string[] = [];
  const parse = (raw: string) => {
    const v = JSON.parse(raw) as unknown;
    for (const item of Array.isArray(v) ? v : [v]) {
      const id = (item as { media_fbid?: unknown } | null)?.media_fbid;
      if (typeof id !== 'string' && typeof id !== 'number') throw fail(400, 100, '(#100) param attached_media must be an array of objects with media_fbid');
      ids.push(String(id));
    }
  };
  try {
    if (r.params.attached_media !== undefined) parse(r.params.attached_media);
    for (const [k, v] of Object.entries(r.params)) if (/^attached_media\[\d+\]$/.test(k)) parse(v);
  } catch (err) {
    if (err instanceof GraphFail) throw err;
    throw fail(400, 100, '(#100) param attached_media must be valid JSON');
  }
  return ids.length > 0 ? ids : undefined;
}

function createFeedPost(f: FakeMetaGraph, r: FakeRequest, page: PageState): RouteAnswer {
  pageWriter(f, r, page);
  const message = r.params.message;
  const media = attachedMedia(r);
  if (!message && !media && !r.params.link) throw fail(400, 100, '(#100) Missing message or attachment');
  for (const [i, id] of (media ?? []).entries()) {
    const photo = f.photos.get(id);
    if (!photo || photo.pageId !== page.id || photo.published || photo.attachedTo) {
      throw fail(400, 100, `(#100) param attached_media[${i}] has invalid media_fbid ${id}`);
    }
  }
  if (message && !media) {
    const recent = [...f.posts.values()].find((p) => p.pageId === page.id && !p.deleted && p.message === message && Date.now() - p.createdAt < 10 * 60_000);
    if (recent) throw fail(400, 506, '(#506) Duplicate status message');
  }
  const post: FbPost = { id: `${page.id}_${f.nextId()}`, pageId: page.id, message, createdAt: Date.now(), kind: media ? 'album' : 'status', photoIds: media ?? [], deleted: false };
  for (const id of media ?? []) f.photos.get(id)!.attachedTo = post.id;
  f.posts.set(post.id, post);
  return { json: { id: post.id } };
}

async function uploadPhoto(f: FakeMetaGraph, r: FakeRequest, page: PageState): Promise<RouteAnswer> {
  pageWriter(f, r, page);
  const url = r.params.url;
  if (!url) throw fail(400, 324, '(#324) Requires upload file');
  const fetched = await fetchMedia(url);
  if (!fetched.ok) throw fail(400, 100, 'Invalid parameter', 2061006, `The URL you entered couldn't be loaded (${fetched.reason}).`);
  if (!isJpeg(fetched.bytes) && !isPng(fetched.bytes)) throw fail(400, 324, '(#324) Missing or invalid image file');
  const published = r.params.published !== 'false';
  const photo: FbPhoto = { id: f.nextId(), pageId: page.id, url, published, bytes: fetched.bytes.length };
  f.photos.set(photo.id, photo);
  if (!published) return { json: { id: photo.id } };
  const post: FbPost = { id: `${page.id}_${f.nextId()}`, pageId: page.id, message: r.params.message ?? r.params.caption, createdAt: Date.now(), kind: 'photo', photoIds: [photo.id], deleted: false };
  photo.attachedTo = post.id;
  f.posts.set(post.id, post);
  return { json: { id: photo.id, post_id: post.id } };
}

/**
 * Page videos need publish_video on top of the page-writing permissions: "pages_manage_engagement,
 * pages_manage_posts, pages_read_engagement, pages_read_user_engagement, plus publish_video for video"
 * (https://developers.facebook.com/docs/pages-api/posts; Video API publishing guide,
 * https://developers.facebook.com/docs/video-api/guides/publishing). Without it Graph answers (#200).
 */
async function uploadVideo(f: FakeMetaGraph, r: FakeRequest, page: PageState): Promise<RouteAnswer> {
  const info = pageWriter(f, r, page);
  f.requireScope(info, 'publish_video');
  const url = r.params.file_url;
  if (!url) throw fail(400, 100, '(#100) No file_url or source was provided');
  const fetched = await fetchMedia(url);
  if (!fetched.ok) throw fail(400, 389, `(#389) Unable to fetch video file from URL (${fetched.reason}).`);
  if (!isVideo(fetched.bytes)) throw fail(400, 352, "(#352) Sorry, the video file you selected is in a format that we don't support.");
  const video: FbVideo = { id: f.nextId(), pageId: page.id, description: r.params.description, createdAt: Date.now(), deleted: false };
  f.videos.set(video.id, video);
  return { json: { id: video.id } };
}

function listPosts(f: FakeMetaGraph, r: FakeRequest, page: PageState): RouteAnswer {
  pageReader(f, r, page.id);
  const posts = inWindow([...f.posts.values()].filter((p) => p.pageId === page.id && !p.deleted), r, (p) => p.createdAt);
  const fields = parseFields(r.params.fields ?? 'id,message,created_time');
  return { json: paginate(f, r, posts, (p) => renderPost(f, p, fields)) };
}

function listVideos(f: FakeMetaGraph, r: FakeRequest, page: PageState): RouteAnswer {
  pageReader(f, r, page.id);
  const videos = inWindow([...f.videos.values()].filter((v) => v.pageId === page.id && !v.deleted), r, (v) => v.createdAt);
  const fields = parseFields(r.params.fields ?? 'id,description,updated_time');
  return { json: paginate(f, r, videos, (v) => renderVideo(v, fields)) };
}

function renderPost(f: FakeMetaGraph, p: FbPost, fields: Map<string, string[] | undefined>): Record<string, unknown> {
  const e = f.engagement.get(p.id) ?? { reactions: 0, comments: 0, shares: 0 };
  const out: Record<string, unknown> = {};
  for (const name of fields.keys()) {
    if (name === 'id') out.id = p.id;
    else if (name === 'message') {
      if (p.message !== undefined) out.message = p.message.trim();
    } else if (name === 'created_time') out.created_time = fbTime(p.createdAt);
    else if (name === 'permalink_url') out.permalink_url = `https://www.facebook.com/${p.pageId}/posts/pfbid0${p.id.split('_')[1]}`;
    else if (name === 'shares') {
      if (e.shares > 0) out.shares = { count: e.shares };
    } else if (name === 'comments') out.comments = { data: [], summary: { order: 'ranked', total_count: e.comments, can_comment: true } };
    else if (name === 'reactions') out.reactions = { data: [], summary: { total_count: e.reactions, viewer_reaction: 'NONE' } };
    else throw fail(400, 100, `(#100) Tried accessing nonexisting field (${name}) on node type (PagePost)`);
  }
  return out;
}

function renderVideo(v: FbVideo, fields: Map<string, string[] | undefined>): Record<string, unknown> {
  const all: Record<string, unknown> = { id: v.id, description: v.description, created_time: fbTime(v.createdAt), updated_time: fbTime(v.createdAt), permalink_url: `/${v.pageId}/videos/${v.id}/` };
  return Object.fromEntries([...fields.keys()].filter((k) => all[k] !== undefined).map((k) => [k, all[k]]));
}

// ── Instagram content publishing ───────────────────────────────────────────────────────────────────

function igCaller(f: FakeMetaGraph, r: FakeRequest, page: PageState, scopes: string[]) {
  const info = f.auth(r);
  const ok = info.kind === 'page' ? info.pageId === page.id : page.managers.has(info.userId);
  if (!ok) throw missing(r.method, page.ig!.id);
  for (const s of scopes) f.requireScope(info, s);
  return info;
}

async function createContainer(f: FakeMetaGraph, r: FakeRequest, page: PageState): Promise<RouteAnswer> {
  igCaller(f, r, page, ['instagram_basic', 'instagram_content_publish']);
  const q = r.params;
  const igId = page.ig!.id;
  const carouselItem = q.is_carousel_item === 'true';
  const type = q.media_type ?? 'IMAGE';
  if (!['IMAGE', 'REELS', 'VIDEO', 'CAROUSEL', 'STORIES'].includes(type)) throw fail(400, 100, '(#100) Param media_type must be one of {CAROUSEL, REELS, STORIES, VIDEO}');
  if (type === 'STORIES') throw fail(400, 100, '(#100) Stories are not supported by this fake');
  if ((q.caption ?? '').length > 2200) throw fail(400, 100, 'The caption is too long.', 2207010);
  if (carouselItem && q.caption) throw fail(400, 100, '(#100) Carousel items cannot have a caption');
  const container: IgContainer = { id: `1800${f.nextId()}`, igId, mediaType: type as IgContainer['mediaType'], carouselItem, url: undefined, caption: q.caption, children: [], pollsLeft: f.processingPolls.image, status: 'IN_PROGRESS' };
  if (type === 'CAROUSEL') {
    if (q.image_url || q.video_url) throw fail(400, 100, '(#100) A carousel container takes children, not media URLs');
    const children = (q.children ?? '').split(',').filter((c) => c !== '');
    if (children.length < 2 || children.length > 10) throw fail(400, 100, 'The carousel must have between 2 and 10 items.', 2207028);
    for (const id of children) {
      const child = f.containers.get(id);
      if (!child || child.igId !== igId || !child.carouselItem) throw fail(400, 100, `(#100) Param children contains an invalid container id ${id}`, 2207028);
      if (child.status !== 'FINISHED') throw fail(400, 9007, 'Media ID is not available', 2207027, 'The media is not ready for publishing, please wait for a moment');
    }
    container.children = children;
    container.pollsLeft = f.processingPolls.carousel;
  } else if (type === 'IMAGE') {
    if (!q.image_url) throw fail(400, 100, q.video_url ? '(#100) media_type REELS is required for video_url' : '(#100) The parameter image_url is required');
    const fetched = await fetchMedia(q.image_url);
    if (!fetched.ok) throw fail(400, 9004, 'Only photo or video can be accepted as media type.', 2207052, "Media download has failed. The media URI doesn't meet our requirements.");
    if (!isJpeg(fetched.bytes)) throw fail(400, 9004, 'The image format is not supported. Only JPEG images are supported.', 2207005);
    container.url = q.image_url;
  } else {
    if (type === 'VIDEO' && !carouselItem) throw fail(400, 100, '(#100) The VIDEO media type is only for carousel items; use REELS for a single video');
    if (type === 'REELS' && carouselItem) throw fail(400, 100, '(#100) Reels cannot be carousel items');
    if (!q.video_url) throw fail(400, 100, '(#100) The parameter video_url is required');
    container.url = q.video_url;
    container.pollsLeft = f.processingPolls.video;
    // Instagram downloads and transcodes videos after answering: a bad video shows up as ERROR.
    const fetched = await fetchMedia(q.video_url);
    if (!fetched.ok) container.errorStatus = 'Error: Media download has failed with error code 2207052';
    else if (!isVideo(fetched.bytes)) container.errorStatus = 'Error: Media upload has failed with error code 2207026';
  }
  const outcome = f.takeContainerOutcome();
  if (outcome?.status === 'ERROR') container.errorStatus = outcome.text ?? 'Error: Media upload has failed with error code 2207001';
  if (outcome?.status === 'EXPIRED') container.errorStatus = 'EXPIRED';
  f.containers.set(container.id, container);
  return { json: { id: container.id } };
}

/** One status read: IN_PROGRESS for `pollsLeft` reads, then the container's final state. */
function containerStatus(c: IgContainer): Record<string, string> {
  if (c.status === 'IN_PROGRESS') {
    if (c.pollsLeft > 0) c.pollsLeft -= 1;
    else c.status = c.errorStatus === 'EXPIRED' ? 'EXPIRED' : c.errorStatus ? 'ERROR' : 'FINISHED';
  }
  const text: Record<IgContainer['status'], string> = {
    IN_PROGRESS: 'In Progress: Media is still being processed.',
    FINISHED: 'Finished: Media has been uploaded and it is ready to be published.',
    ERROR: c.errorStatus ?? 'Error',
    EXPIRED: 'Expired: The container was not published within 24 hours.',
    PUBLISHED: 'Published: Media has been published.',
  };
  return { status_code: c.status, status: text[c.status], id: c.id };
}

function publishContainer(f: FakeMetaGraph, r: FakeRequest, page: PageState): RouteAnswer {
  igCaller(f, r, page, ['instagram_basic', 'instagram_content_publish']);
  const igId = page.ig!.id;
  const c = f.containers.get(r.params.creation_id ?? '');
  if (!c || c.igId !== igId) throw fail(400, 24, 'The requested resource does not exist', 2207006, 'The media with the given id cannot be found.');
  if (c.carouselItem) throw fail(400, 100, '(#100) Carousel items cannot be published on their own');
  if (c.status === 'IN_PROGRESS') throw fail(400, 9007, 'Media ID is not available', 2207027, 'The media is not ready for publishing, please wait for a moment');
  if (c.status === 'EXPIRED') throw fail(400, -2, 'The media you are trying to access has expired. Please try to upload again.', 2207020);
  if (c.status === 'ERROR') throw fail(400, -1, 'Create media fail, please try to re-create media', 2207032);
  if (c.status === 'PUBLISHED') throw fail(400, 100, '(#100) The media has already been published');
  if (f.quotaUsage(igId) >= f.quota.total) {
    throw fail(400, 9, 'Application request limit reached', 2207042, 'You reached maximum number of posts that is allowed to be published by Content Publish API.');
  }
  const mediaType = c.mediaType === 'CAROUSEL' ? 'CAROUSEL_ALBUM' : c.mediaType === 'IMAGE' ? 'IMAGE' : 'VIDEO';
  const m = f.insertIgMedia(igId, c.caption, mediaType, Date.now(), c.children);
  c.status = 'PUBLISHED';
  return { json: { id: m.id } };
}

function listIgMedia(f: FakeMetaGraph, r: FakeRequest, page: PageState): RouteAnswer {
  igCaller(f, r, page, ['instagram_basic']);
  const items = inWindow([...f.media.values()].filter((m) => m.igId === page.ig!.id && !m.deleted), r, (m) => m.createdAt);
  const fields = parseFields(r.params.fields ?? 'id');
  return { json: paginate(f, r, items, (m) => renderMedia(f, m, fields)) };
}

function publishingLimit(f: FakeMetaGraph, r: FakeRequest, page: PageState): RouteAnswer {
  igCaller(f, r, page, ['instagram_basic', 'instagram_content_publish']);
  if (r.params.since !== undefined && Number(r.params.since) < Date.now() / 1000 - 86_400 - 5) throw fail(400, 100, '(#100) since must be a Unix timestamp no older than 24 hours');
  const fields = parseFields(r.params.fields ?? 'quota_usage');
  const row: Record<string, unknown> = {};
  if (fields.has('quota_usage')) row.quota_usage = f.quotaUsage(page.ig!.id);
  if (fields.has('config')) row.config = { quota_total: f.quota.total, quota_duration: f.quota.durationSeconds };
  return { json: { data: [row] } };
}

function renderMedia(f: FakeMetaGraph, m: IgMedia, fields: Map<string, string[] | undefined>): Record<string, unknown> {
  const e = f.engagement.get(m.id) ?? { reactions: 0, comments: 0, shares: 0 };
  const all: Record<string, unknown> = {
    id: m.id, caption: m.caption, media_type: m.mediaType, media_product_type: m.mediaType === 'VIDEO' ? 'REELS' : 'FEED',
    timestamp: fbTime(m.createdAt), permalink: m.permalink, like_count: e.reactions, comments_count: e.comments,
  };
  for (const k of fields.keys()) if (!(k in all)) throw fail(400, 100, `(#100) Tried accessing nonexisting field (${k}) on node type (IGMedia)`);
  return Object.fromEntries([...fields.keys()].filter((k) => all[k] !== undefined).map((k) => [k, all[k]]));
}

// ── Nodes, deletes, insights ───────────────────────────────────────────────────────────────────────

function readNode(f: FakeMetaGraph, r: FakeRequest, id: string): RouteAnswer {
  const fields = parseFields(r.params.fields ?? 'id');
  const page = f.pages.get(id);
  if (page) {
    const info = f.auth(r);
    const manager = info.kind === 'user' && page.managers.has(info.userId);
    if (!manager && !(info.kind === 'page' && info.pageId === id)) throw missing('GET', id);
    // A page token is only handed out to a person who manages the page.
    if (fields.has('access_token') && !manager) throw fail(400, 190, '(#190) This method must be called with a User access token.');
    return { json: renderPage(f, f.users.get(info.userId)!, page, fields) };
  }
  const post = f.posts.get(id);
  if (post && !post.deleted) {
    pageReader(f, r, post.pageId);
    return { json: renderPost(f, post, fields) };
  }
  const video = f.videos.get(id);
  if (video && !video.deleted) {
    pageReader(f, r, video.pageId);
    return { json: renderVideo(video, fields) };
  }
  const container = f.containers.get(id);
  if (container) {
    igCaller(f, r, igPageOf(f, container.igId), ['instagram_basic']);
    const status = containerStatus(container);
    return { json: Object.fromEntries([...fields.keys(), 'id'].map((k) => [k, status[k]])) };
  }
  const media = f.media.get(id);
  if (media && !media.deleted) {
    igCaller(f, r, igPageOf(f, media.igId), ['instagram_basic']);
    return { json: renderMedia(f, media, fields) };
  }
  const igPage = [...f.pages.values()].find((p) => p.ig?.id === id);
  if (igPage?.ig) {
    igCaller(f, r, igPage, ['instagram_basic']);
    return { json: renderIgUser(igPage.ig, [...fields.keys()]) };
  }
  throw missing('GET', id);
}

function igPageOf(f: FakeMetaGraph, igId: string): PageState {
  return [...f.pages.values()].find((p) => p.ig?.id === igId)!;
}

function deleteNode(f: FakeMetaGraph, r: FakeRequest, id: string): RouteAnswer {
  const post = f.posts.get(id);
  const video = f.videos.get(id);
  const target = post && !post.deleted ? post : video && !video.deleted ? video : undefined;
  if (target) {
    pageWriter(f, r, f.pages.get(target.pageId)!);
    target.deleted = true;
    return { json: { success: true } };
  }
  const media = f.media.get(id);
  if (media && !media.deleted) {
    igCaller(f, r, igPageOf(f, media.igId), ['instagram_basic']);
    if (!f.igDeleteEnabled) throw fail(400, 3, '(#3) Application does not have the capability to make this API call.');
    media.deleted = true;
    return { json: { success: true } };
  }
  throw missing('DELETE', id);
}

function insights(f: FakeMetaGraph, r: FakeRequest, id: string): RouteAnswer {
  const metrics = (r.params.metric ?? '').split(',').filter((m) => m !== '');
  const post = f.posts.get(id);
  const media = f.media.get(id);
  if (post && !post.deleted) {
    pageReader(f, r, post.pageId, 'read_insights');
    if (metrics.length === 0) throw fail(400, 3001, 'No metric was specified to be fetched. Please specify one or more metrics to be fetched and try again.', 1504028);
    for (const m of metrics) if (!FB_POST_METRICS.has(m)) throw fail(400, 100, '(#100) The value must be a valid insights metric');
    return { json: insightData(id, metrics, f.insights.get(id) ?? {}) };
  }
  if (media && !media.deleted) {
    igCaller(f, r, igPageOf(f, media.igId), ['instagram_basic', 'instagram_manage_insights']);
    for (const [i, m] of metrics.entries()) {
      if (!IG_MEDIA_METRICS.has(m)) throw fail(400, 100, `(#100) metric[${i}] must be one of the following values: ${[...IG_MEDIA_METRICS].join(', ')}`);
    }
    if (f.insightsRefused.has(id)) throw fail(400, 10, '(#10) Not enough viewers for the media to show insights', 2108006);
    return { json: insightData(id, metrics, f.insights.get(id) ?? {}) };
  }
  throw missing('GET', `${id}/insights`);
}

function videoInsights(f: FakeMetaGraph, r: FakeRequest, id: string): RouteAnswer {
  const video = f.videos.get(id);
  if (!video || video.deleted) throw missing('GET', `${id}/video_insights`);
  pageReader(f, r, video.pageId, 'read_insights');
  const metrics = (r.params.metric ?? '').split(',').filter((m) => m !== '');
  for (const m of metrics) if (!FB_VIDEO_METRICS.has(m)) throw fail(400, 100, '(#100) The value must be a valid insights metric');
  return { json: insightData(id, metrics, f.insights.get(id) ?? {}) };
}

function insightData(id: string, metrics: string[], values: Record<string, number | Record<string, number>>) {
  return {
    data: metrics.map((name) => ({
      name,
      period: 'lifetime',
      values: [{ value: values[name] ?? (name.endsWith('_by_type_total') ? {} : 0) }],
      title: name,
      description: `Lifetime: ${name}`,
      id: `${id}/insights/${name}/lifetime`,
    })),
    paging: { previous: 'https://graph.example/prev', next: 'https://graph.example/next' },
  };
}

// ── Helpers ────────────────────────────────────────────────────────────────────────────────────────

/** `fields=a,b{c,d},e.limit(0).summary(true)` → {a, b:[c,d], e}. */
export function parseFields(fields: string): Map<string, string[] | undefined> {
  const out = new Map<string, string[] | undefined>();
  for (const part of splitTop(fields)) {
    const name = /^[a-z_]+/.exec(part)?.[0];
    if (!name) continue;
    const brace = part.indexOf('{');
    out.set(name, brace >= 0 ? splitTop(part.slice(brace + 1, part.lastIndexOf('}'))).map((s) => /^[a-z_]+/.exec(s)?.[0] ?? s) : undefined);
  }
  return out;
}

function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '{' || ch === '(') depth += 1;
    if (ch === '}' || ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

function pick(obj: Record<string, unknown>, fields: string): Record<string, unknown> {
  const wanted = parseFields(fields);
  return Object.fromEntries(Object.entries(obj).filter(([k]) => wanted.has(k)));
}

/** Newest first, within `since`/`until` (Unix seconds) when given. */
function inWindow<T>(items: T[], r: FakeRequest, at: (t: T) => number): T[] {
  const since = r.params.since !== undefined ? Number(r.params.since) * 1000 : -Infinity;
  const until = r.params.until !== undefined ? Number(r.params.until) * 1000 : Infinity;
  return items.filter((t) => at(t) >= since && at(t) <= until).sort((a, b) => at(b) - at(a));
}

function paginate<T>(f: FakeMetaGraph, r: FakeRequest, items: T[], render: (t: T) => unknown) {
  const limit = Math.min(100, Math.max(1, Number(r.params.limit ?? 25)));
  const start = r.params.after ? Number(Buffer.from(r.params.after, 'base64url').toString()) : 0;
  const slice = items.slice(start, start + limit);
  const data = slice.map(render);
  if (items.length === 0) return { data };
  const cursor = (n: number) => Buffer.from(String(n)).toString('base64url');
  const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + slice.length) } };
  if (start + slice.length < items.length) {
    const next = new URL(`${f.url}/${r.version ?? 'v25.0'}/${r.path}`);
    for (const [k, v] of Object.entries(r.params)) if (k !== 'after') next.searchParams.set(k, v);
    next.searchParams.set('after', cursor(start + slice.length));
    paging.next = next.toString();
  }
  return { data, paging };
}

/** Graph timestamps: `2026-01-02T08:00:00+0000`. */
function fbTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

type Fetched = { ok: true; bytes: Buffer } | { ok: false; reason: string };

/** Meta downloads the media itself ("we cURL media used in publishing attempts"). */
async function fetchMedia(url: string): Promise<Fetched> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return { ok: false, reason: `HTTP ${res.status}` };
    return { ok: true, bytes: Buffer.from(await res.arrayBuffer()) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : 'fetch failed' };
  }
}

const isJpeg = (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const isPng = (b: Buffer) => b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
const isVideo = (b: Buffer) => b.length > 12 && b.subarray(4, 8).toString('latin1') === 'ftyp';

/** A tiny public media host for tests: the URLs Herald would sign, which the fake then fetches. */
export async function serveMedia(files: Record<string, { type: string; body: Buffer }>): Promise<{ url: (name: string) => string; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1);
    hits.push(name);
    const file = files[name];
    if (!file) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': file.type, 'content-length': String(file.body.length) }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    hits,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
