import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import { hashToken, randomToken } from '../../lib/crypto.js';
import { unauthorized } from '../../lib/errors.js';
import type { AuthRateLimits } from './rate-limit.js';
import * as repo from './session.repo.js';
import type { AccessTokens } from './tokens.js';

/** Who is calling, as far as the HTTP layer can tell; stored with each session for the user's records. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

/** A freshly issued refresh token. It exists in clear only here, on its way into the cookie. */
export interface IssuedSession {
  refreshToken: string;
  familyId: string;
  expiresAt: Date;
}

export const invalidRefreshToken = () => unauthorized('Your session has ended; sign in again', 'invalid_refresh_token');

/**
 * Refresh tokens: opaque, random, stored only as SHA-256, one row per token. Each sign-in starts a
 * family; every refresh retires the presented token and issues the next one in the same family.
 * A retired token presented again means it was copied: the whole family is revoked.
 */
export class SessionService {
  private readonly ttlMs: number;

  constructor(
    private readonly ctx: AppContext,
    private readonly tokens: AccessTokens,
    private readonly limits: AuthRateLimits,
  ) {
    this.ttlMs = ctx.config.auth.refreshTokenTtlDays * 86_400_000;
  }

  /** Starts a new session family; pass the transaction of the sign-in it belongs to. */
  start(db: Db, userId: string, client: ClientInfo): Promise<IssuedSession> {
    return this.issue(db, userId, randomUUID(), client);
  }

  accessToken(userId: string, sessionFamily: string): Promise<string> {
    return this.tokens.sign({ userId, sessionFamily });
  }

  /** Exchanges a refresh token for an access token and the next refresh token. */
  async refresh(refreshToken: string | undefined, client: ClientInfo): Promise<{ accessToken: string; session: IssuedSession }> {
    if (!refreshToken) {
      await this.limits.check('refresh', { ip: client.ip });
      throw invalidRefreshToken();
    }
    const tokenHash = hashToken(refreshToken);
    const presented = await repo.findSessionByTokenHash(this.ctx.db, tokenHash);
    await this.limits.check('refresh', { ip: client.ip, account: presented?.familyId });
    if (!presented) throw invalidRefreshToken();

    const now = new Date();
    const next = await this.ctx.db.transaction(async (tx) => {
      const claimed = await repo.claimSessionForRotation(tx, presented.id, now);
      return claimed ? this.issue(tx, claimed.userId, claimed.familyId, client) : null;
    });
    if (next) return { accessToken: await this.accessToken(presented.userId, next.familyId), session: next };

    // Not rotatable. Read again: a concurrent refresh may have rotated it a moment ago, which is reuse too.
    const current = (await repo.findSessionByTokenHash(this.ctx.db, tokenHash)) ?? presented;
    if (current.rotatedAt !== null && current.revokedAt === null) {
      await repo.revokeFamily(this.ctx.db, current.familyId, now);
      await this.ctx.accessCache.changed(this.ctx.db, { kind: 'family', id: current.familyId });
      this.ctx.logger.warn({ userId: current.userId, sessionFamily: current.familyId }, 'rotated refresh token presented again: session family revoked');
      throw unauthorized('This session was ended because its refresh token was used twice; sign in again', 'refresh_token_reused');
    }
    throw invalidRefreshToken();
  }

  /** Ends the session family of a refresh token and/or an access token. Unknown tokens are ignored. */
  async end(refreshToken: string | undefined, accessFamily: string | undefined): Promise<void> {
    const now = new Date();
    const families = new Set<string>();
    if (accessFamily) families.add(accessFamily);
    if (refreshToken) {
      const row = await repo.findSessionByTokenHash(this.ctx.db, hashToken(refreshToken));
      if (row) families.add(row.familyId);
    }
    for (const familyId of families) {
      await repo.revokeFamily(this.ctx.db, familyId, now);
      await this.ctx.accessCache.changed(this.ctx.db, { kind: 'family', id: familyId });
    }
  }

  private async issue(db: Db, userId: string, familyId: string, client: ClientInfo): Promise<IssuedSession> {
    const refreshToken = randomToken();
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await repo.insertSession(db, { userId, familyId, tokenHash: hashToken(refreshToken), expiresAt, userAgent: client.userAgent, ip: client.ip });
    return { refreshToken, familyId, expiresAt };
  }
}
