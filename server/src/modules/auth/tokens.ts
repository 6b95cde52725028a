import { SignJWT, jwtVerify } from 'jose';
import type { KeyRing } from '../../lib/crypto.js';

/**
 * Short-lived access tokens (JWT, HS256, key derived from the secret key ring).
 * The refresh token is opaque and lives in the sessions table; see sessions.ts.
 */
export interface AccessClaims {
  userId: string;
  sessionFamily: string;
}

/** Verified claims, with the token's expiry (ms since the epoch). */
export interface VerifiedClaims extends AccessClaims {
  expiresAtMs: number;
}

const ISSUER = 'herald';
const AUDIENCE = 'herald-api';

export class AccessTokens {
  private readonly key: Uint8Array;

  constructor(keys: KeyRing, private readonly ttlSeconds: number) {
    this.key = keys.derive('access-token');
  }

  async sign(claims: AccessClaims): Promise<string> {
    return new SignJWT({ fam: claims.sessionFamily })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /** Returns the claims, or null for any invalid, expired or foreign token. */
  async verify(token: string): Promise<VerifiedClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.fam !== 'string' || typeof payload.exp !== 'number') return null;
      return { userId: payload.sub, sessionFamily: payload.fam, expiresAtMs: payload.exp * 1000 };
    } catch {
      return null;
    }
  }
}
