import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import type { AuthUser } from '../../http/access.js';
import { hashToken } from '../../lib/crypto.js';
import { badRequest, conflict, unauthorized } from '../../lib/errors.js';
import { issueLinkToken } from '../../lib/link-tokens.js';
import type { AuthRateLimits } from './rate-limit.js';
import * as repo from './repo.js';
import type { ClientInfo } from './sessions.js';
import * as verificationRepo from './verification.repo.js';

const invalidVerificationToken = () =>
  badRequest('invalid_verification_token', 'This verification link is invalid, already used, expired, or was sent for another account; send a new one from your profile');

/**
 * Email verification. "Verified" means: whoever holds this account's password also reads its mailbox.
 * So a link verifies only when opened by the signed-in account it was sent for; someone who clicks a
 * link mailed to them about an account they did not create verifies nothing (that account may be an
 * attacker's pre-registration of their address; see docs/ARCHITECTURE.md, Auth).
 */
export class EmailVerification {
  constructor(
    private readonly ctx: AppContext,
    private readonly limits: AuthRateLimits,
  ) {}

  /** Queues a verification mail in the caller's transaction; earlier links of the account stop working. */
  async issue(tx: Db, user: { id: string; email: string }): Promise<void> {
    const now = new Date();
    const id = randomUUID();
    const link = issueLinkToken(this.ctx.keys, 'email-verification', id);
    await verificationRepo.voidVerifications(tx, user.id, now);
    await verificationRepo.insertVerification(tx, {
      id,
      userId: user.id,
      email: user.email,
      tokenHash: link.tokenHash,
      tokenSealed: link.sealed,
      expiresAt: new Date(now.getTime() + this.ctx.config.auth.emailVerificationTtlHours * 3_600_000),
    });
    await this.ctx.queue.send('send-verification-email', { verificationId: id }, { tx });
  }

  /** Sends a new link to the caller's address (rate limited per account and per IP). */
  async resend(caller: AuthUser, client: ClientInfo): Promise<void> {
    await this.limits.check('email-verification', { ip: client.ip, account: caller.id });
    const user = await repo.findUserById(this.ctx.db, caller.id);
    if (!user) throw unauthorized();
    if (user.emailVerified) throw conflict('email_already_verified', 'Your email address is already verified');
    await this.ctx.db.transaction((tx) => this.issue(tx, user));
  }

  /** Marks the caller's email verified with a link mailed for this account. */
  async confirm(caller: AuthUser, token: string, client: ClientInfo): Promise<void> {
    await this.limits.check('email-verification-confirm', { ip: client.ip, account: caller.id });
    const now = new Date();
    const done = await this.ctx.db.transaction(async (tx) => {
      if (!(await verificationRepo.consumeVerification(tx, hashToken(token), caller.id, now))) return false;
      await repo.markEmailVerified(tx, caller.id);
      await verificationRepo.voidVerifications(tx, caller.id, now);
      return true;
    });
    if (done) return;
    // Opening the link twice (or after another link worked) is no error: the address is verified.
    if ((await repo.findUserById(this.ctx.db, caller.id))?.emailVerified) return;
    throw invalidVerificationToken();
  }
}
