import { createHash } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { Config } from '../../config.js';
import { randomToken, safeEqual } from '../../lib/crypto.js';
import * as repo from './repo.js';
import type { UserRecord } from './repo.js';
import { safeReturnTo } from './return-to.js';
import type { GoogleCallbackQuery } from './schemas.js';
import type { AuthService, SignedIn } from './service.js';
import * as sessionRepo from './session.repo.js';
import type { ClientInfo, SessionService } from './sessions.js';
import * as verificationRepo from './verification.repo.js';
import { errorMessage } from '../../lib/redact.js';

type GoogleConfig = Extract<Config['google'], { enabled: true }>;

/** Why a Google sign-in did not complete; the dashboard shows `/login?error=<code>`. */
export type GoogleFailure = 'google_not_configured' | 'google_denied' | 'google_state_mismatch' | 'google_email_unverified' | 'google_failed';

export type GoogleOutcome = { ok: true; signedIn: SignedIn; returnTo: string } | { ok: false; error: GoogleFailure };

/** How long a started sign-in may take (also the Max-Age of the flow cookie). */
export const GOOGLE_FLOW_TTL_SECONDS = 600;
/** Additional authenticated data of the sealed flow: it opens only as the `herald_oidc` cookie. */
const FLOW_PURPOSE = 'cookie:herald_oidc';
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
const PROVIDER = 'google';

/** What the encrypted `herald_oidc` cookie carries between /start and /callback. */
const FlowSchema = z.object({
  purpose: z.literal('google-sign-in'),
  state: z.string().min(1),
  nonce: z.string().min(1),
  verifier: z.string().min(43),
  returnTo: z.string(),
  startedAt: z.number(),
});
type Flow = z.infer<typeof FlowSchema>;

const TokenResponseSchema = z.object({ id_token: z.string().min(1) });

interface GoogleAccount {
  subject: string;
  email: string;
  emailVerified: boolean;
  name: string;
}

/** A failure worth a log line; `reason` is safe to log (never a token or a code). */
class GoogleSignInError extends Error {
  constructor(readonly reason: string, readonly detail: Record<string, unknown> = {}) {
    super(reason);
  }
}

/**
 * "Sign in with Google": OpenID Connect authorization code flow with PKCE (S256), state and nonce.
 * The flow's secrets wait in an encrypted, short-lived cookie, so no server-side state is needed
 * between /start and /callback and any API replica can finish a flow another one started.
 */
export class GoogleSignIn {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
  ) {
    const google = ctx.config.google;
    this.jwks = google.enabled ? createRemoteJWKSet(new URL(google.jwksUrl), { timeoutDuration: ctx.config.httpTimeoutMs }) : undefined;
  }

  get redirectUri(): string {
    return `${this.ctx.config.publicUrl}/api/v1/auth/google/callback`;
  }

  /** The Google consent URL and the sealed flow to keep in the cookie; null when Google is not configured. */
  begin(returnTo: string | undefined): { authorizeUrl: string; sealedFlow: string } | null {
    const google = this.ctx.config.google;
    if (!google.enabled) return null;
    const flow: Flow = {
      purpose: 'google-sign-in',
      state: randomToken(),
      nonce: randomToken(),
      verifier: randomToken(48),
      returnTo: safeReturnTo(returnTo),
      startedAt: Date.now(),
    };
    const url = new URL(google.authUrl);
    url.searchParams.set('client_id', google.clientId);
    url.searchParams.set('redirect_uri', this.redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', 'openid email profile');
    url.searchParams.set('state', flow.state);
    url.searchParams.set('nonce', flow.nonce);
    url.searchParams.set('code_challenge', createHash('sha256').update(flow.verifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
    return { authorizeUrl: url.toString(), sealedFlow: this.ctx.keys.encrypt(JSON.stringify(flow), FLOW_PURPOSE) };
  }

  /** Finishes the flow Google redirected back with. Never throws for anything Google or the browser sent. */
  async complete(query: GoogleCallbackQuery, sealedFlow: string | undefined, client: ClientInfo): Promise<GoogleOutcome> {
    const google = this.ctx.config.google;
    if (!google.enabled) return { ok: false, error: 'google_not_configured' };
    if (query.error !== undefined) {
      return { ok: false, error: query.error === 'access_denied' ? 'google_denied' : 'google_failed' };
    }
    const flow = this.openFlow(sealedFlow);
    if (!flow || query.state === undefined || !safeEqual(query.state, flow.state)) return { ok: false, error: 'google_state_mismatch' };
    if (!query.code) return { ok: false, error: 'google_failed' };

    let account: GoogleAccount;
    try {
      const idToken = await this.exchangeCode(google, query.code, flow.verifier);
      account = await this.verifyIdToken(google, idToken, flow.nonce);
    } catch (err) {
      this.ctx.logger.warn(describeFailure(err), 'Google sign-in failed');
      return { ok: false, error: 'google_failed' };
    }
    if (!account.emailVerified) return { ok: false, error: 'google_email_unverified' };

    const user = await this.accountFor(account);
    const session = await this.sessions.start(this.ctx.db, user.id, client);
    return { ok: true, signedIn: await this.auth.signedIn(user, session), returnTo: safeReturnTo(flow.returnTo) };
  }

  private openFlow(sealed: string | undefined): Flow | null {
    if (!sealed) return null;
    try {
      const flow = FlowSchema.parse(JSON.parse(this.ctx.keys.decrypt(sealed, FLOW_PURPOSE)));
      const age = Date.now() - flow.startedAt;
      return age >= 0 && age <= GOOGLE_FLOW_TTL_SECONDS * 1000 ? flow : null;
    } catch {
      return null;
    }
  }

  private async exchangeCode(google: GoogleConfig, code: string, verifier: string): Promise<string> {
    const res = await fetch(google.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: this.redirectUri,
        client_id: google.clientId,
        client_secret: google.clientSecret,
        code_verifier: verifier,
      }),
      signal: AbortSignal.timeout(this.ctx.config.httpTimeoutMs),
    });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const googleError = typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string' ? body.error : undefined;
      throw new GoogleSignInError('token_exchange_failed', { status: res.status, googleError });
    }
    const parsed = TokenResponseSchema.safeParse(body);
    if (!parsed.success) throw new GoogleSignInError('token_response_malformed', { status: res.status });
    return parsed.data.id_token;
  }

  private async verifyIdToken(google: GoogleConfig, idToken: string, nonce: string): Promise<GoogleAccount> {
    const { payload } = await jwtVerify(idToken, this.jwks!, {
      issuer: GOOGLE_ISSUERS,
      audience: google.clientId,
      algorithms: ['RS256'],
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    if (typeof payload.nonce !== 'string' || !safeEqual(payload.nonce, nonce)) throw new GoogleSignInError('nonce_mismatch');
    // With several audiences, OIDC requires the authorized party to be us.
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== google.clientId) throw new GoogleSignInError('azp_mismatch');
    return accountFromClaims(payload);
  }

  /**
   * The Herald account for a Google identity: already linked, else matched by email and linked, else new.
   * Google has just proved the mailbox. An account holding that email without having proved it may be
   * someone else's pre-registration of the address: its password is removed and all its sessions end
   * before the identity is linked, so whoever chose that password keeps nothing (see ARCHITECTURE.md).
   */
  private accountFor(account: GoogleAccount): Promise<UserRecord> {
    return this.ctx.db.transaction(async (tx) => {
      const linked = await repo.findUserByIdentity(tx, PROVIDER, account.subject);
      if (linked) return linked;
      let user = await repo.findUserByEmail(tx, account.email);
      if (user) {
        if (!user.emailVerified) {
          const now = new Date();
          await repo.clearPassword(tx, user.id);
          await sessionRepo.revokeUserSessions(tx, user.id, now);
          await sessionRepo.voidPasswordResets(tx, user.id, now);
          await verificationRepo.voidVerifications(tx, user.id, now);
          this.ctx.logger.warn({ userId: user.id, hadPassword: user.passwordHash !== null }, 'Google proved the email of an unverified account: its password was removed and its sessions ended');
          user = { ...user, passwordHash: null };
        }
        await repo.markEmailVerified(tx, user.id);
        user = { ...user, emailVerified: true };
      } else {
        user =
          (await repo.insertUser(tx, { email: account.email, name: account.name, passwordHash: null, emailVerified: true })) ??
          // Created a moment ago by a concurrent sign-in with the same email.
          (await repo.findUserByEmail(tx, account.email));
        if (!user) throw new Error('Account for a Google identity could neither be created nor found');
        // A registration won the race for this email: fail this sign-in; the next one takes the branch above.
        if (!user.emailVerified) throw new Error('An unverified account took this email during a Google sign-in');
      }
      if (!(await repo.insertIdentity(tx, { userId: user.id, provider: PROVIDER, subject: account.subject, email: account.email }))) {
        return (await repo.findUserByIdentity(tx, PROVIDER, account.subject)) ?? user;
      }
      return user;
    });
  }
}

const ClaimsSchema = z.object({
  sub: z.string().min(1).max(255),
  email: z.string().trim().max(254).pipe(z.email()),
  // Google sends a boolean; older documentation shows the string form.
  email_verified: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional(),
  name: z.string().optional(),
});

function accountFromClaims(payload: JWTPayload): GoogleAccount {
  const parsed = ClaimsSchema.safeParse(payload);
  if (!parsed.success) throw new GoogleSignInError('id_token_claims_invalid', { fields: parsed.error.issues.map((i) => i.path.join('.')) });
  const { sub, email, email_verified, name } = parsed.data;
  const displayName = name?.trim().slice(0, 100) || email.split('@')[0] || email;
  return { subject: sub, email, emailVerified: email_verified === true, name: displayName };
}

/** A loggable summary of a failure: codes and claim names only, never tokens or claim values. */
function describeFailure(err: unknown): Record<string, unknown> {
  if (err instanceof GoogleSignInError) return { reason: err.reason, ...err.detail };
  if (err instanceof joseErrors.JWTClaimValidationFailed) return { reason: 'id_token_invalid', code: err.code, claim: err.claim };
  if (err instanceof joseErrors.JOSEError) return { reason: 'id_token_invalid', code: err.code };
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return { reason: 'google_timeout' };
  return { reason: 'google_unreachable', error: errorMessage(err) };
}
