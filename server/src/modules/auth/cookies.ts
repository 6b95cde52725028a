import type { FastifyReply, FastifyRequest } from 'fastify';
import { isSecureOrigin, type Config } from '../../config.js';
import { GOOGLE_FLOW_TTL_SECONDS } from './google.js';
import type { IssuedSession } from './sessions.js';

export const REFRESH_COOKIE = 'herald_refresh';
export const GOOGLE_FLOW_COOKIE = 'herald_oidc';

/** The refresh token is only ever sent to the auth endpoints, never readable by scripts, never cross-site. */
const REFRESH_PATH = '/api/v1/auth';
/** Lax, not Strict: it must come back on Google's top-level redirect to the callback. */
const GOOGLE_FLOW_PATH = '/api/v1/auth/google';

/** Sets and clears Herald's auth cookies with one set of attributes each. */
export class AuthCookies {
  private readonly secure: boolean;
  private readonly refreshMaxAge: number;

  constructor(config: Config) {
    this.secure = isSecureOrigin(config);
    this.refreshMaxAge = config.auth.refreshTokenTtlDays * 86_400;
  }

  refreshToken(request: FastifyRequest): string | undefined {
    return request.cookies[REFRESH_COOKIE] || undefined;
  }

  setRefresh(reply: FastifyReply, session: IssuedSession): void {
    void reply.setCookie(REFRESH_COOKIE, session.refreshToken, { ...this.refreshAttributes(), maxAge: this.refreshMaxAge });
  }

  clearRefresh(reply: FastifyReply): void {
    void reply.clearCookie(REFRESH_COOKIE, this.refreshAttributes());
  }

  googleFlow(request: FastifyRequest): string | undefined {
    return request.cookies[GOOGLE_FLOW_COOKIE] || undefined;
  }

  setGoogleFlow(reply: FastifyReply, sealedFlow: string): void {
    void reply.setCookie(GOOGLE_FLOW_COOKIE, sealedFlow, { ...this.googleFlowAttributes(), maxAge: GOOGLE_FLOW_TTL_SECONDS });
  }

  clearGoogleFlow(reply: FastifyReply): void {
    void reply.clearCookie(GOOGLE_FLOW_COOKIE, this.googleFlowAttributes());
  }

  private refreshAttributes() {
    return { path: REFRESH_PATH, httpOnly: true, sameSite: 'strict' as const, secure: this.secure };
  }

  private googleFlowAttributes() {
    return { path: GOOGLE_FLOW_PATH, httpOnly: true, sameSite: 'lax' as const, secure: this.secure };
  }
}
