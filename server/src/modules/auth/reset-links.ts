import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { hashToken, randomToken } from '../../lib/crypto.js';
import * as sessionRepo from './session.repo.js';

export interface HandedResetLink {
  resetUrl: string;
  expiresAt: Date;
}

/**
 * A one-time reset link for someone else to hand over (an owner from Members, the operator from the
 * CLI), for servers without mail. Never a password: the account holder chooses it. Using the link ends
 * every session of the account as any reset does, but does not verify the email (the link did not
 * travel by mail). Only the token's hash is stored.
 */
export async function issueHandedResetLink(db: Db, config: Pick<Config, 'publicUrl' | 'auth'>, userId: string): Promise<HandedResetLink> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + config.auth.passwordResetTtlMinutes * 60_000);
  await sessionRepo.insertPasswordReset(db, { id: randomUUID(), userId, tokenHash: hashToken(token), tokenSealed: null, mailed: false, expiresAt });
  return { resetUrl: `${config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`, expiresAt };
}
