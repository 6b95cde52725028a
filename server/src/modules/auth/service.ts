import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { AuthUser } from '../../http/access.js';
import type { Role } from '../../http/permissions.js';
import { hashToken } from '../../lib/crypto.js';
import { badRequest, conflict, unauthorized, validationFailed } from '../../lib/errors.js';
import { issueLinkToken } from '../../lib/link-tokens.js';
import { acceptInvitation, findUsableInvitation } from '../orgs/invitations.service.js';
import { createOrganizationWithOwner } from '../orgs/service.js';
import { checkPassword, hashPassword } from './passwords.js';
import type { AuthRateLimits } from './rate-limit.js';
import * as repo from './repo.js';
import type { UserRecord } from './repo.js';
import type { AuthConfig, InvitationRegister, Login, Me, OrganizationRef, PasswordChange, PasswordResetConfirm, ProfileUpdate, Register, Setup, User } from './schemas.js';
import * as sessionRepo from './session.repo.js';
import type { ClientInfo, IssuedSession, SessionService } from './sessions.js';
import type { EmailVerification } from './verification.js';
import * as verificationRepo from './verification.repo.js';

/** A completed sign-in: the refresh token travels in `session` and only ever into the cookie. */
export interface SignedIn {
  user: User;
  accessToken: string;
  session: IssuedSession;
}

export function toUser(record: UserRecord): User {
  return {
    id: record.id,
    email: record.email,
    name: record.name,
    hasPassword: record.passwordHash !== null,
    emailVerified: record.emailVerified,
    createdAt: record.createdAt,
  };
}

const emailTaken = () => conflict('email_taken', 'An account with this email already exists', { fields: { email: 'An account with this email already exists' } });
const invitedEmailTaken = () =>
  conflict('email_taken', 'An account with this email already exists: log in to accept the invitation', { fields: { email: 'An account with this email already exists' } });
const invalidResetToken = () => badRequest('invalid_reset_token', 'This reset link is invalid, already used or expired; ask for a new one');

/** Accounts and passwords: setup, registration, sign-in, profile, password change and reset. */
export class AuthService {
  constructor(
    private readonly ctx: AppContext,
    private readonly sessions: SessionService,
    private readonly limits: AuthRateLimits,
    private readonly verification: EmailVerification,
  ) {}

  async authConfig(): Promise<AuthConfig> {
    return {
      needsSetup: !(await repo.anyUserExists(this.ctx.db)),
      googleEnabled: this.ctx.config.google.enabled,
      mailConfigured: this.ctx.mailer.configured,
      publicUrlExplicit: this.ctx.config.publicUrlConfigured,
    };
  }

  /**
   * First run: the first account and its organization, which it owns. Exactly one setup can ever win.
   * The owner's email is verified by link like everyone's: winning the setup race proves no mailbox.
   */
  async setup(input: Setup, client: ClientInfo): Promise<SignedIn & { organization: OrganizationRef }> {
    const alreadySetUp = () => conflict('already_set_up', 'Herald is already set up; sign in instead');
    if (await repo.anyUserExists(this.ctx.db)) throw alreadySetUp();
    // Hash before the transaction: argon2 takes ~100 ms, too long to hold the (PGlite: only) connection.
    const passwordHash = await hashPassword(input.password);
    const created = await this.ctx.db.transaction(async (tx) => {
      await repo.lockSetup(tx);
      if (await repo.anyUserExists(tx)) return null;
      const user = await repo.insertUser(tx, { email: input.email, name: input.name, passwordHash, emailVerified: false });
      if (!user) throw emailTaken();
      await this.verification.issue(tx, user);
      const org = await createOrganizationWithOwner(tx, user.id, input.organizationName, 'setup');
      const organization = { id: org.id, name: org.name };
      const session = await this.sessions.start(tx, user.id, client);
      return { user, organization, session };
    });
    if (!created) throw alreadySetUp();
    return { ...(await this.signedIn(created.user, created.session)), organization: created.organization };
  }

  async register(input: Register, client: ClientInfo): Promise<SignedIn> {
    await this.limits.check('register', { ip: client.ip, account: input.email.toLowerCase() });
    if (await repo.findUserByEmail(this.ctx.db, input.email)) throw emailTaken();
    const passwordHash = await hashPassword(input.password);
    const created = await this.ctx.db.transaction(async (tx) => {
      const user = await repo.insertUser(tx, { email: input.email, name: input.name, passwordHash, emailVerified: false });
      if (!user) return null;
      await this.verification.issue(tx, user);
      return { user, session: await this.sessions.start(tx, user.id, client) };
    });
    if (!created) throw emailTaken();
    return this.signedIn(created.user, created.session);
  }

  /**
   * "Create account and join": a new account with the invited email, which joins in the same
   * transaction (nothing is created if the invitation cannot be accepted). A mailed link proves the
   * mailbox, so the account starts verified; otherwise a verification mail goes out as on registration.
   */
  async registerWithInvitation(token: string, input: InvitationRegister, client: ClientInfo): Promise<SignedIn & { organization: OrganizationRef; role: Role }> {
    const invitation = await findUsableInvitation(this.ctx.db, token);
    await this.limits.check('register', { ip: client.ip, account: invitation.email.toLowerCase() });
    if (await repo.findUserByEmail(this.ctx.db, invitation.email)) throw invitedEmailTaken();
    const passwordHash = await hashPassword(input.password);
    const created = await this.ctx.db.transaction(async (tx) => {
      const user = await repo.insertUser(tx, { email: invitation.email, name: input.name, passwordHash, emailVerified: false });
      if (!user) return null;
      const accepted = await acceptInvitation(this.ctx, tx, user, token);
      const account = (await repo.findUserById(tx, user.id)) ?? user;
      if (!account.emailVerified) await this.verification.issue(tx, account);
      return { user: account, accepted, session: await this.sessions.start(tx, user.id, client) };
    });
    if (!created) throw invitedEmailTaken();
    return { ...(await this.signedIn(created.user, created.session)), ...created.accepted };
  }

  async login(input: Login, client: ClientInfo): Promise<SignedIn> {
    await this.limits.check('login', { ip: client.ip, account: input.email.toLowerCase() });
    const user = await repo.findUserByEmail(this.ctx.db, input.email);
    // checkPassword runs argon2 even for unknown emails, so timing does not tell which accounts exist.
    const valid = await checkPassword(user?.passwordHash, input.password);
    if (!user || !valid) throw unauthorized('Email or password is incorrect', 'invalid_credentials');
    return this.signedIn(user, await this.sessions.start(this.ctx.db, user.id, client));
  }

  async me(userId: string): Promise<Me> {
    const me = await repo.findMe(this.ctx.database, userId);
    if (!me) throw unauthorized();
    return me;
  }

  async updateProfile(userId: string, patch: ProfileUpdate): Promise<User> {
    const user = await repo.updateUserName(this.ctx.db, userId, patch.name);
    if (!user) throw unauthorized();
    await this.ctx.accessCache.changed(this.ctx.db, { kind: 'user', id: userId });
    return toUser(user);
  }

  /**
   * Changes (or, for a Google-only account, sets) the password. Every other session of the user ends;
   * the caller's own session family is kept so this device stays signed in.
   */
  async changePassword(caller: AuthUser, input: PasswordChange, client: ClientInfo): Promise<void> {
    await this.limits.check('password-change', { ip: client.ip, account: caller.id });
    const user = await this.requireAccount(caller.id);
    if (user.passwordHash !== null) {
      if (input.currentPassword === undefined) {
        throw validationFailed('Enter your current password to change it', { currentPassword: 'Current password is required' });
      }
      if (!(await checkPassword(user.passwordHash, input.currentPassword))) {
        throw badRequest('invalid_current_password', 'The current password is incorrect', { fields: { currentPassword: 'The current password is incorrect' } });
      }
    }
    const passwordHash = await hashPassword(input.newPassword);
    const now = new Date();
    await this.ctx.db.transaction(async (tx) => {
      await repo.updatePasswordHash(tx, user.id, passwordHash);
      await sessionRepo.voidPasswordResets(tx, user.id, now);
      await sessionRepo.revokeUserSessions(tx, user.id, now, caller.sessionFamily);
      await this.ctx.accessCache.changed(tx, { kind: 'user', id: user.id });
    });
  }

  /**
   * Mails a reset link when the account exists; says nothing either way. The reset row and the mail
   * job commit together, so a link is never sent for a token that was not stored (or the reverse).
   * The job carries the reset's id only; the mail job opens the sealed token at send time.
   */
  async requestPasswordReset(email: string, client: ClientInfo): Promise<void> {
    await this.limits.check('password-reset', { ip: client.ip, account: email.toLowerCase() });
    const user = await repo.findUserByEmail(this.ctx.db, email);
    if (!user) return;
    const id = randomUUID();
    const link = issueLinkToken(this.ctx.keys, 'password-reset', id);
    const expiresAt = new Date(Date.now() + this.ctx.config.auth.passwordResetTtlMinutes * 60_000);
    await this.ctx.db.transaction(async (tx) => {
      await sessionRepo.insertPasswordReset(tx, { id, userId: user.id, tokenHash: link.tokenHash, tokenSealed: link.sealed, mailed: true, expiresAt });
      await this.ctx.queue.send('send-password-reset-email', { resetId: id }, { tx });
    });
  }

  /** Sets a new password from a reset link. The link works once; every session of the account ends. */
  async confirmPasswordReset(input: PasswordResetConfirm, client: ClientInfo): Promise<void> {
    await this.limits.check('password-reset-confirm', { ip: client.ip });
    const tokenHash = hashToken(input.token);
    // Cheap check first, so a bad token costs no argon2 work; the conditional update below decides.
    if (!(await sessionRepo.findUsablePasswordReset(this.ctx.db, tokenHash, new Date()))) throw invalidResetToken();
    const passwordHash = await hashPassword(input.password);
    const now = new Date();
    const done = await this.ctx.db.transaction(async (tx) => {
      const reset = await sessionRepo.consumePasswordReset(tx, tokenHash, now);
      if (!reset) return false;
      // A mailed link reached the mailbox, which proves the address; a link handed over proves nothing.
      await repo.updatePasswordHash(tx, reset.userId, passwordHash, { emailVerified: reset.mailed });
      if (reset.mailed) await verificationRepo.voidVerifications(tx, reset.userId, now);
      await sessionRepo.voidPasswordResets(tx, reset.userId, now);
      await sessionRepo.revokeUserSessions(tx, reset.userId, now);
      await this.ctx.accessCache.changed(tx, { kind: 'user', id: reset.userId });
      return true;
    });
    if (!done) throw invalidResetToken();
  }

  async signedIn(user: UserRecord, session: IssuedSession): Promise<SignedIn> {
    return { user: toUser(user), accessToken: await this.sessions.accessToken(user.id, session.familyId), session };
  }

  private async requireAccount(userId: string): Promise<UserRecord> {
    const user = await repo.findUserById(this.ctx.db, userId);
    if (!user) throw unauthorized();
    return user;
  }
}
