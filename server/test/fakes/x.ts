import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import twitterText from 'twitter-text';

/**
 * A contract fake of the X API v2 as Herald uses it (platform-contracts.md §4), on a real HTTP
 * server at 127.0.0.1. It checks what it receives and answers with X's documented bodies:
 *   GET  /i/oauth2/authorize               consent; 302 to redirect_uri with code+state (or error)
 *   POST /2/oauth2/token                   Basic client auth; code+PKCE exchange; rotating refresh tokens
 *   GET  /2/users/me                       the consenting user
 *   POST /2/media/upload                   simple image upload (multipart or JSON base64), or the
 *                                          command style INIT/APPEND/FINALIZE (multipart `command`)
 *   POST /2/media/upload/initialize        chunked session for video/GIF (JSON)
 *   POST /2/media/upload/:id/append        one segment (multipart segment_index + media)
 *   POST /2/media/upload/:id/finalize      checks segments add up; starts processing
 *   GET  /2/media/upload?command=STATUS    processing pending → in_progress → succeeded | failed
 *   POST /2/media/metadata                 alt text
 *   POST /2/tweets                         text / media_ids; refuses unprocessed media and duplicates
 *   DELETE /2/tweets/:id                   {data:{deleted:true}}
 *   GET  /2/tweets?ids=                    lookup with public / non-public / organic metrics
 *   GET  /2/users/:id/tweets               the user's timeline, newest first, paginated
 * The version segment (`/2/`) is matched as any number. Stored posts look as X returns them: URLs
 * become t.co links, `& < >` are HTML-escaped, media adds a trailing t.co link.
 * Tests inject failures per route (`failNext`), expire tokens, steer media processing, set metrics,
 * and read everything received in `requests`.
 */

export type XRoute =
  | 'POST /2/oauth2/token'
  | 'GET /2/users/me'
  | 'POST /2/media/upload'
  | 'POST /2/media/upload/initialize'
  | 'POST /2/media/upload/:id/append'
  | 'POST /2/media/upload/:id/finalize'
  | 'GET /2/media/upload'
  | 'POST /2/media/metadata'
  | 'POST /2/tweets'
  | 'DELETE /2/tweets/:id'
  | 'GET /2/tweets'
  | 'GET /2/users/:id/tweets';

export type XFailure =
  /** 401 as for an expired or revoked token. */
  | { kind: 'unauthorized' }
  /** 429 with rate-limit headers; `window` says which limit ran out. */
  | { kind: 'rate_limited'; resetAt: number; style?: 'problem' | 'v1'; window?: '15min' | 'user24h' | 'app24h' }
  /** 429 usage cap (monthly/daily post cap of the app's plan). */
  | { kind: 'usage_capped'; resetAt?: number }
  /** 5xx. */
  | { kind: 'unavailable'; status?: number }
  /** Any error answer, e.g. a 403 problem with X's detail. */
  | { kind: 'answer'; status: number; body: unknown }
  /** Handle the request normally, then drop the connection instead of answering. */
  | { kind: 'lose_answer' };

export interface XUserRecord {
  id: string;
  name: string;
  username: string;
  profile_image_url: string;
}

export interface StoredTweet {
  id: string;
  authorId: string;
  /** What the client sent. */
  sentText: string;
  /** What X answers with (t.co links, escaped). */
  text: string;
  urls: { url: string; expanded_url: string; display_url: string; media_key?: string }[];
  mediaKeys: string[];
  createdAt: Date;
  publicMetrics: Record<string, number>;
  nonPublicMetrics: Record<string, number>;
  organicMetrics: Record<string, number>;
  /** X refuses non-public fields on this post (e.g. older than 30 days). */
  nonPublicRefused: boolean;
}

interface Upload {
  id: string;
  ownerId: string;
  mime: string;
  category: string;
  totalBytes: number;
  segments: Map<number, Buffer>;
  /** null: no processing needed; otherwise the states still to go through. */
  states: ('pending' | 'in_progress' | 'succeeded' | 'failed')[];
  state: 'uploading' | 'pending' | 'in_progress' | 'succeeded' | 'failed';
  nextCheckAt: number;
  altText?: string;
  kind: 'image' | 'gif' | 'video';
}

interface Token {
  userId: string;
  scopes: string[];
  expiresAt: number;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ReceivedRequest {
  route: string;
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string;
  /** JSON bodies, form fields, or multipart fields (files as `<n bytes>`). */
  body: Record<string, unknown> | null;
  authorization: 'bearer' | 'basic' | 'none';
}

const REQUIRED_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'offline.access', 'media.write'];
const KNOWN_SCOPES = new Set([...REQUIRED_SCOPES, 'follows.read', 'like.read', 'like.write', 'bookmark.read']);
const LIMITS = { image: 5 * 1024 * 1024, gif: 15 * 1024 * 1024, video: 512 * 1024 * 1024, segment: 5 * 1024 * 1024 };
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/tiff', 'image/pjpeg']);
const DAY = 86_400_000;

export class FakeX {
  readonly requests: ReceivedRequest[] = [];
  readonly tweets = new Map<string, StoredTweet>();
  readonly uploads = new Map<string, Upload>();
  readonly users = new Map<string, XUserRecord>();
  /** Who consents on the next authorize. */
  consentingUser = '1500000000000000001';
  /** States a video/GIF goes through after FINALIZE, one per STATUS poll. */
  processing: { steps: ('pending' | 'in_progress' | 'succeeded' | 'failed')[]; checkAfterSecs: number; failure: string } = {
    steps: ['pending', 'in_progress', 'succeeded'],
    checkAfterSecs: 1,
    failure: 'Unsupported video format',
  };
  /** Posts per timeline page, whatever max_results asks (X may return fewer). */
  timelinePageSize = 100;
  maxWeightedLength = 280;
  /** Video and GIF view counts by media key. */
  readonly mediaViews = new Map<string, number>();

  private readonly codes = new Map<string, { userId: string; redirectUri: string; challenge: string; scopes: string[]; used: boolean; expiresAt: number }>();
  private readonly accessTokens = new Map<string, Token>();
  private readonly refreshTokens = new Map<string, Omit<Token, 'expiresAt'>>();
  private readonly failures: { route: XRoute; failure: XFailure }[] = [];
  private denyNextConsent = false;
  private idCounter = 1_900_000_000_000_000_000n;
  private readonly server: Server;
  private port = 0;

  private constructor(private readonly client: { clientId: string; clientSecret: string; redirectUris: string[] }) {
    this.users.set('1500000000000000001', { id: '1500000000000000001', name: 'Acme Coffee', username: 'acmecoffee', profile_image_url: 'https://pbs.twimg.com/profile_images/1/acme_normal.jpg' });
    this.server = createServer((req, res) => {
      this.serve(req, res).catch((err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)));
    });
  }

  static async start(client: { clientId: string; clientSecret: string; redirectUris: string[] }): Promise<FakeX> {
    const fake = new FakeX(client);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get authorizeUrl(): string {
    return `${this.url}/i/oauth2/authorize`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  /** The next request on `route` fails as given (queued: several may be lined up). */
  failNext(route: XRoute, failure: XFailure): void {
    this.failures.push({ route, failure });
  }

  denyNext(): void {
    this.denyNextConsent = true;
  }

  /** Every access token issued so far stops working (as two hours later). */
  expireAccessTokens(): void {
    for (const t of this.accessTokens.values()) t.expiresAt = 0;
  }

  /** Issues a token directly (for tests that do not go through consent). */
  issueToken(userId = this.consentingUser, scopes = REQUIRED_SCOPES): { accessToken: string; refreshToken: string } {
    return this.mint(userId, scopes);
  }

  /** A post made outside Herald (e.g. by hand, earlier). */
  seedTweet(authorId: string, text: string, createdAt: Date, mediaCount = 0): StoredTweet {
    const mediaKeys = Array.from({ length: mediaCount }, () => `3_${this.nextId()}`);
    return this.store(authorId, text, mediaKeys, createdAt);
  }

  routeCount(route: string): number {
    return this.requests.filter((r) => r.route === route).length;
  }

  // ── plumbing ──────────────────────────────────────────────────────────────────────────────────

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    // Any API version number: /2/…, /3/….
    const path = url.pathname.replace(/^\/\d+\//, '/2/');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    const route = routeOf(method, path);
    const body = await parseBody(contentType, raw);
    const auth = String(req.headers.authorization ?? '');
    this.requests.push({
      route,
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      contentType,
      body: body ? summarise(body) : null,
      authorization: auth.startsWith('Bearer ') ? 'bearer' : auth.startsWith('Basic ') ? 'basic' : 'none',
    });
    const injected = this.takeFailure(route);
    let reply: Reply;
    if (injected && injected.kind !== 'lose_answer') reply = failureReply(injected);
    else reply = this.route(route, method, path, url, contentType, body, auth);
    if (injected?.kind === 'lose_answer') {
      req.socket.destroy();
      return;
    }
    const headers: Record<string, string> = { 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '99', 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 900), ...reply.headers };
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers).end();
      return;
    }
    const problem = reply.status >= 400 && typeof reply.body === 'object' && reply.body !== null && 'title' in reply.body;
    headers['content-type'] = problem ? 'application/problem+json' : 'application/json; charset=utf-8';
    res.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
  }

  private takeFailure(route: string): XFailure | undefined {
    const i = this.failures.findIndex((f) => f.route === route);
    if (i === -1) return undefined;
    return this.failures.splice(i, 1)[0]!.failure;
  }

  private route(route: string, method: string, path: string, url: URL, contentType: string, body: Body | null, auth: string): Reply {
    if (method === 'GET' && url.pathname === '/i/oauth2/authorize') return this.authorize(url.searchParams);
    if (route === 'POST /2/oauth2/token') return this.token(contentType, body, auth);
    const user = this.bearer(auth);
    if ('status' in user) return user;
    const need = (scope: string): Reply | null => (user.scopes.includes(scope) ? null : problem(403, 'Forbidden', 'Forbidden'));
    const q = url.searchParams;
    const id = path.split('/')[path.startsWith('/2/media/upload/') ? 4 : 3] ?? '';
    switch (route) {
      case 'GET /2/users/me':
        return need('users.read') ?? this.me(user.userId, q);
      case 'POST /2/media/upload':
        return need('media.write') ?? this.uploadSimpleOrCommand(user.userId, contentType, body);
      case 'POST /2/media/upload/initialize':
        return need('media.write') ?? this.initialize(user.userId, contentType, body);
      case 'POST /2/media/upload/:id/append':
        return need('media.write') ?? this.append(user.userId, id, contentType, body);
      case 'POST /2/media/upload/:id/finalize':
        return need('media.write') ?? this.finalize(user.userId, id);
      case 'GET /2/media/upload':
        return need('media.write') ?? this.status(user.userId, q);
      case 'POST /2/media/metadata':
        return need('media.write') ?? this.metadata(user.userId, contentType, body);
      case 'POST /2/tweets':
        return need('tweet.write') ?? this.createTweet(user.userId, contentType, body);
      case 'DELETE /2/tweets/:id':
        return need('tweet.write') ?? this.deleteTweet(user.userId, id);
      case 'GET /2/tweets':
        return need('tweet.read') ?? this.lookup(user.userId, q);
      case 'GET /2/users/:id/tweets':
        return need('tweet.read') ?? this.timeline(id, q);
      default:
        return problem(404, 'Not Found Error', `Sorry, that page does not exist: ${method} ${path}`);
    }
  }

  private bearer(auth: string): Token | Reply {
    const token = auth.startsWith('Bearer ') ? this.accessTokens.get(auth.slice(7)) : undefined;
    if (!token || token.expiresAt < Date.now()) return { status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } };
    return token;
  }

  private nextId(): string {
    this.idCounter += BigInt(1 + Math.floor(Math.random() * 1000));
    return this.idCounter.toString();
  }

  private mint(userId: string, scopes: string[]): { accessToken: string; refreshToken: string } {
    const accessToken = randomBytes(30).toString('base64url');
    const refreshToken = randomBytes(30).toString('base64url');
    this.accessTokens.set(accessToken, { userId, scopes, expiresAt: Date.now() + 7_200_000 });
    if (scopes.includes('offline.access')) this.refreshTokens.set(refreshToken, { userId, scopes });
    return { accessToken, refreshToken };
  }

  // ── OAuth ─────────────────────────────────────────────────────────────────────────────────────

  private authorize(q: URLSearchParams): Reply {
    if (q.get('client_id') !== this.client.clientId) return { status: 400, body: { error: 'invalid_request', error_description: 'Something went wrong: unknown client' } };
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!this.client.redirectUris.includes(redirectUri)) return { status: 400, body: { error: 'invalid_request', error_description: 'redirect_uri does not match the registered callback' } };
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state) back.searchParams.set('state', state);
    const fail = (error: string): Reply => {
      back.searchParams.set('error', error);
      return { status: 302, headers: { location: back.toString() } };
    };
    const scopes = (q.get('scope') ?? '').split(' ').filter(Boolean);
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type');
    if (!state) return fail('invalid_request');
    if (scopes.length === 0 || scopes.some((s) => !KNOWN_SCOPES.has(s))) return fail('invalid_scope');
    const challenge = q.get('code_challenge') ?? '';
    if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return fail('invalid_request');
    if (this.denyNextConsent) {
      this.denyNextConsent = false;
      return fail('access_denied');
    }
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, { userId: this.consentingUser, redirectUri, challenge, scopes, used: false, expiresAt: Date.now() + 30_000 });
    back.searchParams.set('code', code);
    return { status: 302, headers: { location: back.toString() } };
  }

  private token(contentType: string, body: Body | null, auth: string): Reply {
    const invalid = (what: string): Reply => ({ status: 400, body: { error: 'invalid_request', error_description: `Value passed for the ${what} was invalid.` } });
    if (!contentType.startsWith('application/x-www-form-urlencoded') || body?.kind !== 'form') return invalid('content type');
    const form = body.fields;
    const expected = `Basic ${Buffer.from(`${this.client.clientId}:${this.client.clientSecret}`).toString('base64')}`;
    if (auth !== expected) return { status: 401, body: { error: 'unauthorized_client', error_description: 'Missing valid authorization header' } };
    if (form.client_id !== undefined && form.client_id !== this.client.clientId) return { status: 401, body: { error: 'unauthorized_client', error_description: 'Client id mismatch' } };
    let grant: { userId: string; scopes: string[] };
    if (form.grant_type === 'authorization_code') {
      const pending = this.codes.get(form.code ?? '');
      if (!pending || pending.used || pending.expiresAt < Date.now()) return invalid('authorization code');
      pending.used = true; // single-use, whatever happens next
      if (pending.redirectUri !== form.redirect_uri) return invalid('redirect_uri');
      if (createHash('sha256').update(form.code_verifier ?? '').digest('base64url') !== pending.challenge) return invalid('code_verifier');
      grant = pending;
    } else if (form.grant_type === 'refresh_token') {
      const previous = this.refreshTokens.get(form.refresh_token ?? '');
      if (!previous) return invalid('token');
      this.refreshTokens.delete(form.refresh_token!); // rotation: a refresh token works once
      grant = previous;
    } else {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant_type not supported' } };
    }
    const { accessToken, refreshToken } = this.mint(grant.userId, grant.scopes);
    return {
      status: 200,
      body: {
        token_type: 'bearer',
        expires_in: 7200,
        access_token: accessToken,
        scope: grant.scopes.join(' '),
        ...(grant.scopes.includes('offline.access') ? { refresh_token: refreshToken } : {}),
      },
    };
  }

  private me(userId: string, q: URLSearchParams): Reply {
    const user = this.users.get(userId)!;
    const fields = (q.get('user.fields') ?? '').split(',');
    return { status: 200, body: { data: { id: user.id, name: user.name, username: user.username, ...(fields.includes('profile_image_url') ? { profile_image_url: user.profile_image_url } : {}) } } };
  }

  // ── media ─────────────────────────────────────────────────────────────────────────────────────

  private uploadSimpleOrCommand(userId: string, contentType: string, body: Body | null): Reply {
    if (body?.kind === 'multipart' && typeof body.fields.command === 'string') {
      const f = body.fields;
      if (f.command === 'INIT') return this.initialize(userId, 'application/json', { kind: 'json', value: { media_type: f.media_type, total_bytes: Number(f.total_bytes), media_category: f.media_category } });
      if (f.command === 'APPEND') return this.append(userId, String(f.media_id), contentType, body);
      if (f.command === 'FINALIZE') return this.finalize(userId, String(f.media_id));
      return invalidRequest('command', 'command must be INIT, APPEND or FINALIZE');
    }
    let bytes: Buffer | undefined;
    let category: unknown;
    let mediaType: unknown;
    if (body?.kind === 'multipart') {
      const media = body.fields.media;
      bytes = Buffer.isBuffer(media) ? media : undefined;
      category = body.fields.media_category;
      mediaType = body.fields.media_type;
    } else if (body?.kind === 'json') {
      const v = body.value as Record<string, unknown>;
      bytes = typeof v.media === 'string' ? Buffer.from(v.media, 'base64') : undefined;
      category = v.media_category;
      mediaType = v.media_type;
    } else {
      return invalidRequest('media', 'Expected multipart/form-data or application/json');
    }
    if (!bytes || bytes.length === 0) return invalidRequest('media', 'The `media` field is required');
    if (category !== 'tweet_image') return invalidRequest('media_category', `media_category must be tweet_image for a simple upload (got ${String(category)})`);
    const sniffed = sniff(bytes);
    if (!sniffed || !IMAGE_TYPES.has(sniffed)) return invalidRequest('media', 'media type unrecognized.');
    if (mediaType !== undefined && mediaType !== sniffed) return invalidRequest('media_type', `media_type ${JSON.stringify(mediaType)} does not match the file (${sniffed})`);
    if (bytes.length > LIMITS.image) return invalidRequest('media', 'File size exceeds 5242880 bytes.');
    const id = this.nextId();
    this.uploads.set(id, { id, ownerId: userId, mime: sniffed, category: 'tweet_image', totalBytes: bytes.length, segments: new Map([[0, bytes]]), states: [], state: 'succeeded', nextCheckAt: 0, kind: 'image' });
    return { status: 200, body: { data: { id, media_key: `3_${id}`, size: bytes.length, expires_after_secs: 86400, processing_info: { state: 'succeeded', progress_percent: 100 } } } };
  }

  private initialize(userId: string, contentType: string, body: Body | null): Reply {
    if (!contentType.startsWith('application/json') || body?.kind !== 'json') return invalidRequest('body', 'Expected a JSON body');
    const v = body.value as { media_type?: unknown; total_bytes?: unknown; media_category?: unknown };
    const mime = typeof v.media_type === 'string' ? v.media_type : '';
    const total = Number(v.total_bytes);
    const kind = mime.startsWith('video/') ? 'video' : mime === 'image/gif' ? 'gif' : IMAGE_TYPES.has(mime) ? 'image' : undefined;
    if (!kind) return invalidRequest('media_type', `media_type ${mime} is not supported`);
    if (!Number.isInteger(total) || total <= 0) return invalidRequest('total_bytes', 'total_bytes must be a positive integer');
    const categoryFor = { video: 'tweet_video', gif: 'tweet_gif', image: 'tweet_image' }[kind];
    if (v.media_category !== categoryFor && !(kind === 'video' && v.media_category === 'amplify_video')) {
      return invalidRequest('media_category', `media_category ${String(v.media_category)} does not fit ${mime}`);
    }
    if (total > LIMITS[kind]) return invalidRequest('total_bytes', `File size exceeds ${LIMITS[kind]} bytes.`);
    const id = this.nextId();
    this.uploads.set(id, { id, ownerId: userId, mime, category: categoryFor, totalBytes: total, segments: new Map(), states: [], state: 'uploading', nextCheckAt: 0, kind });
    return { status: 200, body: { data: { id, media_key: `${kind === 'image' ? 3 : kind === 'gif' ? 16 : 7}_${id}`, expires_after_secs: 86399 } } };
  }

  private append(userId: string, id: string, contentType: string, body: Body | null): Reply {
    const upload = this.uploads.get(id);
    if (!upload || upload.ownerId !== userId) return invalidRequest('media_id', `Media id ${id} does not exist`);
    if (upload.state !== 'uploading') return invalidRequest('media_id', 'The upload is already finalized');
    if (!contentType.startsWith('multipart/form-data') || body?.kind !== 'multipart') return invalidRequest('media', 'APPEND must be multipart/form-data');
    const index = Number(body.fields.segment_index);
    const chunk = body.fields.media;
    if (!Number.isInteger(index) || index < 0 || index > 999) return invalidRequest('segment_index', 'segment_index must be 0..999');
    if (!Buffer.isBuffer(chunk) || chunk.length === 0) return invalidRequest('media', 'The `media` field is required');
    if (chunk.length > LIMITS.segment) return invalidRequest('media', 'Segment exceeds 5 MB');
    upload.segments.set(index, chunk);
    return { status: 200, body: { data: { expires_at: Math.floor(Date.now() / 1000) + 86399 } } };
  }

  private finalize(userId: string, id: string): Reply {
    const upload = this.uploads.get(id);
    if (!upload || upload.ownerId !== userId) return invalidRequest('media_id', `Media id ${id} does not exist`);
    if (upload.state !== 'uploading') return invalidRequest('media_id', 'The upload is already finalized');
    const indexes = [...upload.segments.keys()].sort((a, b) => a - b);
    if (indexes.length === 0 || indexes.some((n, i) => n !== i)) return invalidRequest('segment_index', 'Segments are missing');
    const bytes = Buffer.concat(indexes.map((i) => upload.segments.get(i)!));
    if (bytes.length !== upload.totalBytes) return invalidRequest('total_bytes', 'Segments do not add up to provided total file size.');
    const sniffed = sniff(bytes);
    const fits = upload.kind === 'video' ? sniffed === 'video/mp4' : upload.kind === 'gif' ? sniffed === 'image/gif' : sniffed === upload.mime;
    if (!fits) return invalidRequest('media', 'media type unrecognized.');
    const data: Record<string, unknown> = { id, media_key: `${upload.kind === 'gif' ? 16 : upload.kind === 'video' ? 7 : 3}_${id}`, size: bytes.length, expires_after_secs: 86400 };
    if (upload.kind === 'image') {
      upload.state = 'succeeded';
    } else {
      upload.states = [...this.processing.steps];
      upload.state = upload.states.shift() ?? 'succeeded';
      upload.nextCheckAt = Date.now() + this.processing.checkAfterSecs * 1000;
      data.processing_info = this.processingInfo(upload);
    }
    return { status: 200, body: { data } };
  }

  private status(userId: string, q: URLSearchParams): Reply {
    if (q.get('command') !== 'STATUS') return invalidRequest('command', 'command must be STATUS');
    const upload = this.uploads.get(q.get('media_id') ?? '');
    if (!upload || upload.ownerId !== userId) return invalidRequest('media_id', 'Media id does not exist');
    // Processing moves on one step per poll, but only once the client waited check_after_secs.
    if (upload.states.length > 0 && Date.now() >= upload.nextCheckAt - 50) {
      upload.state = upload.states.shift()!;
      upload.nextCheckAt = Date.now() + this.processing.checkAfterSecs * 1000;
    }
    return { status: 200, body: { data: { id: upload.id, media_key: `7_${upload.id}`, expires_after_secs: 86000, processing_info: this.processingInfo(upload) } } };
  }

  private processingInfo(upload: Upload): Record<string, unknown> {
    if (upload.state === 'failed') return { state: 'failed', progress_percent: 12, error: { code: 1, name: 'InvalidMedia', message: this.processing.failure } };
    if (upload.state === 'succeeded') return { state: 'succeeded', progress_percent: 100 };
    return { state: upload.state, check_after_secs: this.processing.checkAfterSecs, progress_percent: upload.state === 'pending' ? 0 : 50 };
  }

  private metadata(userId: string, contentType: string, body: Body | null): Reply {
    if (!contentType.startsWith('application/json') || body?.kind !== 'json') return invalidRequest('body', 'Expected a JSON body');
    const v = body.value as { id?: unknown; metadata?: { alt_text?: { text?: unknown } } };
    const upload = this.uploads.get(String(v.id));
    if (!upload || upload.ownerId !== userId) return invalidRequest('id', 'Media id does not exist');
    const text = v.metadata?.alt_text?.text;
    if (typeof text !== 'string' || text.length === 0 || text.length > 1000) return invalidRequest('metadata.alt_text.text', 'alt text must be 1..1000 characters');
    upload.altText = text;
    return { status: 200, body: { data: { id: upload.id, associated_metadata: { alt_text: { text } } } } };
  }

  // ── posts ─────────────────────────────────────────────────────────────────────────────────────

  private createTweet(userId: string, contentType: string, body: Body | null): Reply {
    if (!contentType.startsWith('application/json') || body?.kind !== 'json') return invalidRequest('body', 'Expected a JSON body');
    const v = body.value as { text?: unknown; media?: { media_ids?: unknown } };
    const text = typeof v.text === 'string' ? v.text : '';
    const ids = v.media?.media_ids;
    if (ids !== undefined && (!Array.isArray(ids) || ids.length === 0 || ids.some((i) => typeof i !== 'string'))) return invalidRequest('media.media_ids', 'media_ids must be a non-empty array of strings');
    const mediaIds = (ids ?? []) as string[];
    if (text.trim() === '' && mediaIds.length === 0) return invalidRequest('text', 'Post text or media is required');
    if (twitterText.parseTweet(text).weightedLength > this.maxWeightedLength) return problem(403, 'Forbidden', 'You are not permitted to perform this action.');
    const uploads = mediaIds.map((id) => this.uploads.get(id));
    if (uploads.some((u) => !u || u.ownerId !== userId || u.state !== 'succeeded')) {
      return { status: 400, body: { errors: [{ parameters: { 'media.media_ids': mediaIds }, message: 'Your media IDs are invalid.' }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.twitter.com/2/problems/invalid-request' } };
    }
    const kinds = uploads.map((u) => u!.kind);
    if (mediaIds.length > 4 || ((kinds.includes('video') || kinds.includes('gif')) && mediaIds.length > 1)) {
      return { status: 400, body: { errors: [{ parameters: { 'media.media_ids': mediaIds }, message: 'Your media IDs are invalid: up to 4 photos, or 1 GIF or 1 video.' }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.twitter.com/2/problems/invalid-request' } };
    }
    const recent = [...this.tweets.values()].some((t) => t.authorId === userId && text.trim() !== '' && t.sentText === text && t.createdAt.getTime() > Date.now() - DAY);
    if (recent) return problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.');
    const tweet = this.store(userId, text, uploads.map((u) => `${u!.kind === 'image' ? 3 : u!.kind === 'gif' ? 16 : 7}_${u!.id}`), new Date());
    return { status: 201, body: { data: { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] } } };
  }

  /** Stores a post the way X renders it: t.co links, escaped text, a trailing media link. */
  private store(authorId: string, sentText: string, mediaKeys: string[], createdAt: Date): StoredTweet {
    const urls: StoredTweet['urls'] = [];
    let text = '';
    let at = 0;
    for (const { url, indices } of twitterText.extractUrlsWithIndices(sentText, { extractUrlsWithoutProtocol: true })) {
      const short = `https://t.co/${randomBytes(5).toString('hex')}`;
      text += escapeHtml(sentText.slice(at, indices[0])) + short;
      urls.push({ url: short, expanded_url: /^https?:\/\//i.test(url) ? url : `http://${url}`, display_url: url.replace(/^https?:\/\//i, '') });
      at = indices[1];
    }
    text += escapeHtml(sentText.slice(at));
    if (mediaKeys.length > 0) {
      const short = `https://t.co/${randomBytes(5).toString('hex')}`;
      text = `${text.trimEnd()} ${short}`.trimStart();
      urls.push({ url: short, expanded_url: `https://x.com/i/web/status/0/photo/1`, display_url: 'pic.x.com/abc', media_key: mediaKeys[0]! });
    }
    const id = this.nextId();
    const tweet: StoredTweet = {
      id,
      authorId,
      sentText,
      text: text.trim(),
      urls,
      mediaKeys,
      createdAt,
      publicMetrics: { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0, bookmark_count: 0, impression_count: 0 },
      nonPublicMetrics: { impression_count: 0, url_link_clicks: 0, user_profile_clicks: 0 },
      organicMetrics: { impression_count: 0, like_count: 0, reply_count: 0, retweet_count: 0, url_link_clicks: 0, user_profile_clicks: 0 },
      nonPublicRefused: createdAt.getTime() < Date.now() - 30 * DAY,
    };
    this.tweets.set(id, tweet);
    return tweet;
  }

  private deleteTweet(userId: string, id: string): Reply {
    const tweet = this.tweets.get(id);
    if (!tweet) return problem(404, 'Not Found Error', `Could not find tweet with id: [${id}].`, 'https://api.twitter.com/2/problems/resource-not-found');
    if (tweet.authorId !== userId) return problem(403, 'Forbidden', 'You are not authorized to delete this Tweet.');
    this.tweets.delete(id);
    return { status: 200, body: { data: { deleted: true } } };
  }

  private lookup(userId: string, q: URLSearchParams): Reply {
    const ids = (q.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length === 0 || ids.length > 100 || ids.some((i) => !/^\d{1,19}$/.test(i))) return invalidRequest('ids', 'ids must be 1 to 100 numeric post ids');
    const fields = new Set((q.get('tweet.fields') ?? '').split(',').filter(Boolean));
    const wantsPrivate = fields.has('non_public_metrics') || fields.has('organic_metrics');
    const data: Record<string, unknown>[] = [];
    const errors: Record<string, unknown>[] = [];
    const mediaKeys = new Set<string>();
    for (const id of ids) {
      const tweet = this.tweets.get(id);
      if (!tweet) {
        errors.push({ value: id, detail: `Could not find tweet with ids: [${id}].`, title: 'Not Found Error', resource_type: 'tweet', parameter: 'ids', resource_id: id, type: 'https://api.twitter.com/2/problems/resource-not-found' });
        continue;
      }
      if (wantsPrivate && (tweet.nonPublicRefused || tweet.authorId !== userId)) {
        const field = fields.has('non_public_metrics') ? 'non_public_metrics' : 'organic_metrics';
        errors.push({ value: id, detail: `Sorry, you are not authorized to access '${field}' on the Tweet with ids: [${id}].`, title: 'Field Authorization Error', resource_type: 'tweet', field, parameter: 'ids', resource_id: id, section: 'data', type: 'https://api.twitter.com/2/problems/not-authorized-for-field' });
        continue;
      }
      const out: Record<string, unknown> = { id, text: tweet.text, edit_history_tweet_ids: [id] };
      if (fields.has('public_metrics')) out.public_metrics = tweet.publicMetrics;
      if (fields.has('non_public_metrics')) out.non_public_metrics = tweet.nonPublicMetrics;
      if (fields.has('organic_metrics')) out.organic_metrics = tweet.organicMetrics;
      if (tweet.mediaKeys.length > 0) {
        out.attachments = { media_keys: tweet.mediaKeys };
        tweet.mediaKeys.forEach((k) => mediaKeys.add(k));
      }
      data.push(out);
    }
    const body: Record<string, unknown> = {};
    if (data.length > 0) body.data = data;
    if (errors.length > 0) body.errors = errors;
    if ((q.get('expansions') ?? '').includes('attachments.media_keys') && mediaKeys.size > 0) {
      const withMetrics = (q.get('media.fields') ?? '').includes('public_metrics');
      body.includes = {
        media: [...mediaKeys].map((key) => {
          const type = key.startsWith('7_') ? 'video' : key.startsWith('16_') ? 'animated_gif' : 'photo';
          const views = this.mediaViews.get(key);
          return { media_key: key, type, ...(withMetrics && type !== 'photo' ? { public_metrics: { view_count: views ?? 0 } } : {}) };
        }),
      };
    }
    return { status: 200, body };
  }

  private timeline(userId: string, q: URLSearchParams): Reply {
    const author = this.users.get(userId);
    if (!author) return problem(404, 'Not Found Error', `Could not find user with id: [${userId}].`, 'https://api.twitter.com/2/problems/resource-not-found');
    const start = q.get('start_time');
    if (start !== null && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(start)) return invalidRequest('start_time', `Invalid 'start_time':'${start}'. 'start_time' must be a timestamp in ISO 8601 format.`);
    const max = Number(q.get('max_results') ?? 10);
    if (!Number.isInteger(max) || max < 5 || max > 100) return invalidRequest('max_results', `The 'max_results' query parameter value [${max}] is not between 5 and 100`);
    const from = start ? Date.parse(start) : 0;
    const all = [...this.tweets.values()].filter((t) => t.authorId === userId && t.createdAt.getTime() >= from).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    const offset = Number(q.get('pagination_token') ? Buffer.from(q.get('pagination_token')!, 'base64url').toString() : 0);
    const size = Math.min(max, this.timelinePageSize);
    const page = all.slice(offset, offset + size);
    const fields = new Set((q.get('tweet.fields') ?? '').split(','));
    const data = page.map((t) => ({
      id: t.id,
      text: t.text,
      edit_history_tweet_ids: [t.id],
      ...(fields.has('created_at') ? { created_at: t.createdAt.toISOString() } : {}),
      ...(fields.has('author_id') ? { author_id: t.authorId } : {}),
      ...(fields.has('entities') && t.urls.length > 0 ? { entities: { urls: t.urls.map((u) => ({ start: 0, end: 23, ...u })) } } : {}),
      ...(fields.has('attachments') && t.mediaKeys.length > 0 ? { attachments: { media_keys: t.mediaKeys } } : {}),
    }));
    const meta: Record<string, unknown> = { result_count: data.length };
    if (data.length > 0) Object.assign(meta, { newest_id: data[0]!.id, oldest_id: data[data.length - 1]!.id });
    if (offset + size < all.length) meta.next_token = Buffer.from(String(offset + size)).toString('base64url');
    const body: Record<string, unknown> = { meta };
    if (data.length > 0) body.data = data;
    if ((q.get('expansions') ?? '').includes('author_id') && data.length > 0) body.includes = { users: [{ id: author.id, name: author.name, username: author.username }] };
    return { status: 200, body };
  }
}

// ── helpers ───────────────────────────────────────────────────────────────────────────────────────

type Body = { kind: 'json'; value: unknown } | { kind: 'form'; fields: Record<string, string> } | { kind: 'multipart'; fields: Record<string, string | Buffer> };

function routeOf(method: string, path: string): string {
  const shaped = path
    .replace(/^\/2\/media\/upload\/\d+\/(append|finalize)$/, '/2/media/upload/:id/$1')
    .replace(/^\/2\/tweets\/[^/]+$/, '/2/tweets/:id')
    .replace(/^\/2\/users\/(?!me$)[^/]+\/tweets$/, '/2/users/:id/tweets');
  return `${method} ${shaped}`;
}

async function parseBody(contentType: string, raw: Buffer): Promise<Body | null> {
  if (raw.length === 0) return null;
  if (contentType.startsWith('application/json')) {
    try {
      return { kind: 'json', value: JSON.parse(raw.toString('utf8')) as unknown };
    } catch {
      return null;
    }
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) return { kind: 'form', fields: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))) };
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const fields: Record<string, string | Buffer> = {};
    for (const [name, value] of form.entries()) fields[name] = typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer());
    return { kind: 'multipart', fields };
  }
  return null;
}

function summarise(body: Body): Record<string, unknown> {
  if (body.kind === 'json') return (typeof body.value === 'object' && body.value !== null ? body.value : { value: body.value }) as Record<string, unknown>;
  if (body.kind === 'form') return body.fields;
  return Object.fromEntries(Object.entries(body.fields).map(([k, v]) => [k, Buffer.isBuffer(v) ? `<${v.length} bytes>` : v]));
}

function failureReply(f: Exclude<XFailure, { kind: 'lose_answer' }>): Reply {
  switch (f.kind) {
    case 'unauthorized':
      return { status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } };
    case 'rate_limited': {
      const reset = String(f.resetAt);
      const later = String(f.resetAt + 3600);
      const headers: Record<string, string> = { 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': f.window && f.window !== '15min' ? '42' : '0', 'x-rate-limit-reset': f.window && f.window !== '15min' ? String(Math.floor(Date.now() / 1000) + 60) : reset };
      headers['x-user-limit-24hour-limit'] = '17';
      headers['x-user-limit-24hour-remaining'] = f.window === 'user24h' ? '0' : '5';
      headers['x-user-limit-24hour-reset'] = f.window === 'user24h' ? reset : later;
      headers['x-app-limit-24hour-limit'] = '1000';
      headers['x-app-limit-24hour-remaining'] = f.window === 'app24h' ? '0' : '500';
      headers['x-app-limit-24hour-reset'] = f.window === 'app24h' ? reset : later;
      const body = f.style === 'v1' ? { errors: [{ code: 88, message: 'Rate limit exceeded' }] } : { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 };
      return { status: 429, headers, body };
    }
    case 'usage_capped': {
      const headers: Record<string, string> = {};
      if (f.resetAt) Object.assign(headers, { 'x-app-limit-24hour-limit': '17', 'x-app-limit-24hour-remaining': '0', 'x-app-limit-24hour-reset': String(f.resetAt) });
      return { status: 429, headers, body: { title: 'UsageCapExceeded', detail: 'Usage cap exceeded: Monthly product cap', type: 'https://api.twitter.com/2/problems/usage-capped', period: 'Monthly', scope: 'Product' } };
    }
    case 'unavailable': {
      const status = f.status ?? 503;
      return { status, body: { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status } };
    }
    case 'answer':
      return { status: f.status, body: f.body };
  }
}

function problem(status: number, title: string, detail: string, type = 'about:blank'): Reply {
  return { status, body: { title, detail, type, status } };
}

function invalidRequest(parameter: string, message: string): Reply {
  return { status: 400, body: { errors: [{ parameters: { [parameter]: [] }, message }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.twitter.com/2/problems/invalid-request' } };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The media type from the bytes, as X checks it (not the name or the declared type). */
function sniff(b: Buffer): string | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.toString('latin1', 0, 6))) return 'image/gif';
  if (b.length >= 12 && b.toString('latin1', 4, 8) === 'ftyp') return 'video/mp4';
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
