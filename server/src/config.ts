import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads the environment. Everything else receives a `Config`.
 * Tests build their own with `loadConfig({...})`.
 */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HERALD_PUBLIC_URL: optionalString.pipe(z.url().optional()),
  HERALD_DATA_DIR: z.string().default('./.herald'),
  DATABASE_URL: optionalString.pipe(z.url().optional()),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: optionalString.pipe(z.url().optional()),
  /** Comma-separated `keyId:base64key` pairs, newest first. Overrides the generated key file. */
  HERALD_SECRET_KEYS: optionalString,
  /** Prometheus metrics: on their own port (only there), and/or behind this bearer token; neither: not served. */
  HERALD_METRICS_PORT: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).max(65535).optional()),
  HERALD_METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  /** How long a process trusts what it read about a session or a membership (0: read it on every request). */
  HERALD_AUTH_CACHE_SECONDS: z.coerce.number().min(0).max(60).default(5),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  INVITATION_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  PASSWORD_RESET_TTL_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
  EMAIL_VERIFICATION_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(48),
  /** Requests allowed per window for login/register/refresh, per IP and per account. */
  AUTH_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(10),
  AUTH_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Which proxies' X-Forwarded-For to believe: false, true (all), a hop count, or a list of IPs/CIDRs. */
  TRUST_PROXY: optionalString,
  /** Every API route: requests per window per signed-in user, else per client IP. */
  HERALD_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
  HERALD_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  SMTP_URL: optionalString,
  MAIL_FROM: z.string().default('Herald <no-reply@herald.local>'),
  GOOGLE_CLIENT_ID: optionalString,
  GOOGLE_CLIENT_SECRET: optionalString,
  HERALD_GOOGLE_AUTH_URL: z.url().default('https://accounts.google.com/o/oauth2/v2/auth'),
  HERALD_GOOGLE_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
  HERALD_GOOGLE_JWKS_URL: z.url().default('https://www.googleapis.com/oauth2/v3/certs'),
  /** Where the built dashboard lives; served by every API process. */
  HERALD_WEB_DIST: optionalString,
  HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Media uploads: size limits per kind; S3-compatible storage when all four S3_* are set. */
  HERALD_MEDIA_MAX_IMAGE_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  HERALD_MEDIA_MAX_VIDEO_BYTES: z.coerce.number().int().min(1024).default(100 * 1024 * 1024),
  /** Largest image accepted, in pixels per frame (width × height): decoding is bounded by it. */
  HERALD_MEDIA_MAX_IMAGE_PIXELS: z.coerce.number().int().min(10_000).default(50_000_000),
  /** Images processed at once by this process (thumbnails, platform variants). */
  HERALD_IMAGE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  S3_ENDPOINT: optionalString.pipe(z.url().optional()),
  S3_BUCKET: optionalString,
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_REGION: z.string().default('us-east-1'),
  /** Sandbox channel simulation, for tests and benchmarks of retries. */
  HERALD_SANDBOX_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  HERALD_SANDBOX_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  /** Sandbox publish calls in flight at once per worker (a real platform's cap is far lower). */
  HERALD_SANDBOX_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(50),
  /** Publishing: attempts before a target fails, first retry delay (doubles, with jitter), lease of an attempt. */
  HERALD_PUBLISH_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
  HERALD_PUBLISH_RETRY_BASE_MS: z.coerce.number().int().min(10).default(30_000),
  HERALD_PUBLISH_LEASE_SECONDS: z.coerce.number().int().min(1).default(600),
  HERALD_PUBLISH_SWEEP_SECONDS: z.coerce.number().int().min(1).default(60),

  // Social platforms: an app's credentials enable its "Connect" button; base URLs point tests at fakes.
  FACEBOOK_APP_ID: optionalString,
  FACEBOOK_APP_SECRET: optionalString,
  HERALD_FACEBOOK_DIALOG_URL: z.url().default('https://www.facebook.com'),
  HERALD_FACEBOOK_GRAPH_URL: z.url().default('https://graph.facebook.com'),
  HERALD_FACEBOOK_GRAPH_VERSION: z.string().regex(/^v\d+\.\d+$/).default('v25.0'),
  TIKTOK_CLIENT_KEY: optionalString,
  TIKTOK_CLIENT_SECRET: optionalString,
  HERALD_TIKTOK_AUTH_URL: z.url().default('https://www.tiktok.com/v2/auth/authorize/'),
  HERALD_TIKTOK_API_URL: z.url().default('https://open.tiktokapis.com'),
  X_CLIENT_ID: optionalString,
  X_CLIENT_SECRET: optionalString,
  HERALD_X_AUTH_URL: z.url().default('https://x.com/i/oauth2/authorize'),
  HERALD_X_API_URL: z.url().default('https://api.x.com'),
  LINKEDIN_CLIENT_ID: optionalString,
  LINKEDIN_CLIENT_SECRET: optionalString,
  HERALD_LINKEDIN_AUTH_URL: z.url().default('https://www.linkedin.com/oauth/v2'),
  HERALD_LINKEDIN_API_URL: z.url().default('https://api.linkedin.com'),
  HERALD_LINKEDIN_VERSION: z.string().regex(/^\d{6}$/).default('202610'),
});

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  /** False when HERALD_PUBLIC_URL is unset and publicUrl is the localhost default. */
  publicUrlConfigured: boolean;
  dataDir: string;
  database: { kind: 'pglite'; dir: string | null } | { kind: 'postgres'; url: string; poolSize: number };
  redisUrl: string | undefined;
  secretKeys: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Where /metrics is served: on `port` (its own listener, only there) when set, else on the API port
   * when `token` is set; with neither it is not served. `token`, when set, is required wherever it is.
   */
  metrics: { port: number | undefined; token: string | undefined };
  auth: {
    accessTokenTtlSeconds: number;
    refreshTokenTtlDays: number;
    invitationTtlDays: number;
    passwordResetTtlMinutes: number;
    emailVerificationTtlHours: number;
    rateLimit: { max: number; windowSeconds: number };
    /** Seconds a session's validity, a membership and a resource's organization stay cached (http/access-cache.ts). */
    cacheSeconds: number;
  };
  /** Fastify's `trustProxy`: false, a hop count, or the addresses/CIDRs of trusted proxies (true trusts all). */
  trustProxy: boolean | number | string[];
  apiRateLimit: { max: number; windowSeconds: number };
  mail: { smtpUrl: string | undefined; from: string };
  google:
    | { enabled: true; clientId: string; clientSecret: string; authUrl: string; tokenUrl: string; jwksUrl: string }
    | { enabled: false };
  webDist: string | undefined;
  httpTimeoutMs: number;
  media: {
    maxImageBytes: number;
    maxVideoBytes: number;
    maxImagePixels: number;
    imageConcurrency: number;
    s3: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string; region: string } | null;
  };
  sandbox: { latencyMs: number; failureRate: number; concurrency: number };
  publishing: { maxAttempts: number; retryBaseMs: number; leaseSeconds: number; sweepSeconds: number };
  social: SocialConfig;
}

/** One platform app: its credentials (absent: the platform cannot be connected) and where its API lives. */
export interface PlatformApp<Urls> {
  clientId: string | undefined;
  clientSecret: string | undefined;
  urls: Urls;
  timeoutMs: number;
}

export interface SocialConfig {
  /** Facebook Login serves both Facebook Pages and Instagram professional accounts. */
  facebook: PlatformApp<{ dialog: string; graph: string; version: string }>;
  instagram: PlatformApp<{ dialog: string; graph: string; version: string }>;
  tiktok: PlatformApp<{ authorize: string; api: string }>;
  x: PlatformApp<{ authorize: string; api: string }>;
  linkedin: PlatformApp<{ oauth: string; api: string; version: string }>;
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates `env` (defaults to process.env) into a Config.
 * `overrides.databaseDir` lets tests run PGlite in memory (null) without touching disk.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: { pgliteDir?: string | null } = {}): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = resolve(e.HERALD_DATA_DIR);
  const googleId = e.GOOGLE_CLIENT_ID;
  const googleSecret = e.GOOGLE_CLIENT_SECRET;
  if ((googleId === undefined) !== (googleSecret === undefined)) {
    throw new ConfigError(['GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together']);
  }
  const pairs: [string, string | undefined, string, string | undefined][] = [
    ['FACEBOOK_APP_ID', e.FACEBOOK_APP_ID, 'FACEBOOK_APP_SECRET', e.FACEBOOK_APP_SECRET],
    ['TIKTOK_CLIENT_KEY', e.TIKTOK_CLIENT_KEY, 'TIKTOK_CLIENT_SECRET', e.TIKTOK_CLIENT_SECRET],
    ['X_CLIENT_ID', e.X_CLIENT_ID, 'X_CLIENT_SECRET', e.X_CLIENT_SECRET],
    ['LINKEDIN_CLIENT_ID', e.LINKEDIN_CLIENT_ID, 'LINKEDIN_CLIENT_SECRET', e.LINKEDIN_CLIENT_SECRET],
  ];
  for (const [idName, id, secretName, secret] of pairs) {
    if ((id === undefined) !== (secret === undefined)) throw new ConfigError([`${idName} and ${secretName} must be set together`]);
  }
  const s3Parts = [e.S3_ENDPOINT, e.S3_BUCKET, e.S3_ACCESS_KEY_ID, e.S3_SECRET_ACCESS_KEY];
  if (s3Parts.some((v) => v !== undefined) && s3Parts.some((v) => v === undefined)) {
    throw new ConfigError(['S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together']);
  }
  if (e.HERALD_METRICS_PORT !== undefined && e.HERALD_METRICS_PORT === e.PORT) {
    throw new ConfigError([`HERALD_METRICS_PORT must differ from PORT (${e.PORT}): metrics get a listener of their own`]);
  }
  const publicUrl = (e.HERALD_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    publicUrlConfigured: e.HERALD_PUBLIC_URL !== undefined,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dir: overrides.pgliteDir === undefined ? resolve(dataDir, 'db') : overrides.pgliteDir },
    redisUrl: e.REDIS_URL,
    secretKeys: e.HERALD_SECRET_KEYS,
    logLevel: e.LOG_LEVEL,
    metrics: { port: e.HERALD_METRICS_PORT, token: e.HERALD_METRICS_TOKEN },
    auth: {
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
      invitationTtlDays: e.INVITATION_TTL_DAYS,
      passwordResetTtlMinutes: e.PASSWORD_RESET_TTL_MINUTES,
      emailVerificationTtlHours: e.EMAIL_VERIFICATION_TTL_HOURS,
      rateLimit: { max: e.AUTH_RATE_LIMIT_MAX, windowSeconds: e.AUTH_RATE_LIMIT_WINDOW_SECONDS },
      cacheSeconds: e.HERALD_AUTH_CACHE_SECONDS,
    },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    apiRateLimit: { max: e.HERALD_RATE_LIMIT_MAX, windowSeconds: e.HERALD_RATE_LIMIT_WINDOW_SECONDS },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    google:
      googleId && googleSecret
        ? {
            enabled: true,
            clientId: googleId,
            clientSecret: googleSecret,
            authUrl: e.HERALD_GOOGLE_AUTH_URL,
            tokenUrl: e.HERALD_GOOGLE_TOKEN_URL,
            jwksUrl: e.HERALD_GOOGLE_JWKS_URL,
          }
        : { enabled: false },
    webDist: e.HERALD_WEB_DIST,
    httpTimeoutMs: e.HTTP_TIMEOUT_MS,
    media: {
      maxImageBytes: e.HERALD_MEDIA_MAX_IMAGE_BYTES,
      maxVideoBytes: e.HERALD_MEDIA_MAX_VIDEO_BYTES,
      maxImagePixels: e.HERALD_MEDIA_MAX_IMAGE_PIXELS,
      imageConcurrency: e.HERALD_IMAGE_CONCURRENCY,
      s3:
        e.S3_ENDPOINT && e.S3_BUCKET && e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
          ? { endpoint: e.S3_ENDPOINT, bucket: e.S3_BUCKET, accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY, region: e.S3_REGION }
          : null,
    },
    sandbox: { latencyMs: e.HERALD_SANDBOX_LATENCY_MS, failureRate: e.HERALD_SANDBOX_FAILURE_RATE, concurrency: e.HERALD_SANDBOX_CONCURRENCY },
    publishing: {
      maxAttempts: e.HERALD_PUBLISH_MAX_ATTEMPTS,
      retryBaseMs: e.HERALD_PUBLISH_RETRY_BASE_MS,
      leaseSeconds: e.HERALD_PUBLISH_LEASE_SECONDS,
      sweepSeconds: e.HERALD_PUBLISH_SWEEP_SECONDS,
    },
    social: socialConfig(e),
  };
}

function socialConfig(e: z.output<typeof EnvSchema>): SocialConfig {
  const timeoutMs = e.HTTP_TIMEOUT_MS;
  const meta = { dialog: e.HERALD_FACEBOOK_DIALOG_URL, graph: e.HERALD_FACEBOOK_GRAPH_URL, version: e.HERALD_FACEBOOK_GRAPH_VERSION };
  const metaApp = { clientId: e.FACEBOOK_APP_ID, clientSecret: e.FACEBOOK_APP_SECRET, urls: meta, timeoutMs };
  return {
    facebook: metaApp,
    instagram: metaApp,
    tiktok: { clientId: e.TIKTOK_CLIENT_KEY, clientSecret: e.TIKTOK_CLIENT_SECRET, urls: { authorize: e.HERALD_TIKTOK_AUTH_URL, api: e.HERALD_TIKTOK_API_URL }, timeoutMs },
    x: { clientId: e.X_CLIENT_ID, clientSecret: e.X_CLIENT_SECRET, urls: { authorize: e.HERALD_X_AUTH_URL, api: e.HERALD_X_API_URL }, timeoutMs },
    linkedin: {
      clientId: e.LINKEDIN_CLIENT_ID,
      clientSecret: e.LINKEDIN_CLIENT_SECRET,
      urls: { oauth: e.HERALD_LINKEDIN_AUTH_URL, api: e.HERALD_LINKEDIN_API_URL, version: e.HERALD_LINKEDIN_VERSION },
      timeoutMs,
    },
  };
}

/**
 * `TRUST_PROXY`: `false`/unset (use the socket address), `true` (believe every X-Forwarded-For entry:
 * only when the proxy strips what clients send), a hop count (`1`: the address the nearest proxy saw),
 * or comma-separated IPs/CIDRs of the proxies to trust. Anything else stops start-up.
 */
export function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined) return false;
  const v = value.toLowerCase();
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  if (['true', 'yes', 'on'].includes(v)) return true;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 32) throw new ConfigError([`TRUST_PROXY: ${value} hops is not a plausible proxy chain (at most 32)`]);
    return hops;
  }
  const entries = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = entries.filter((s) => !isAddressOrCidr(s));
  if (entries.length === 0 || bad.length > 0) {
    throw new ConfigError([
      `TRUST_PROXY: ${bad.length > 0 ? `"${bad.join('", "')}" is not` : 'nothing given is'} an IP address or CIDR; use true, false, a hop count (e.g. 1) or a comma-separated list such as 10.0.0.0/8,192.168.1.5`,
    ]);
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** True when the public URL is https: cookies then carry `Secure`. */
export function isSecureOrigin(config: Config): boolean {
  return config.publicUrl.startsWith('https://');
}

/** True for a listen address only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * The start-up warning for a server other machines can reach whose links (invitations, password
 * resets, OAuth redirects) would still point at localhost; null when there is nothing to warn about.
 */
export function publicUrlWarning(config: Pick<Config, 'host' | 'publicUrl' | 'publicUrlConfigured'>): string | null {
  if (config.publicUrlConfigured || isLoopbackHost(config.host)) return null;
  return (
    `Herald listens on ${config.host}, beyond this machine, but HERALD_PUBLIC_URL is not set: links in emails ` +
    `(invitations, password resets) and OAuth redirects will point at ${config.publicUrl}, which only works on ` +
    'this machine. Set HERALD_PUBLIC_URL to the address people use to reach Herald (e.g. https://herald.example.com).'
  );
}
