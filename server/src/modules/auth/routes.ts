import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { publicAccess, requireUser, userAccess } from '../../http/access.js';
import { ErrorSchema, errorResponses, type App } from '../../http/types.js';
import { AppError } from '../../lib/errors.js';
import { InvitationTokenParam } from '../orgs/schemas.js';
import { AuthCookies } from './cookies.js';
import { GoogleSignIn } from './google.js';
import { AuthRateLimits } from './rate-limit.js';
import {
  AcceptedSchema,
  AccessTokenSchema,
  AuthConfigSchema,
  AuthSessionSchema,
  EmailVerificationConfirmSchema,
  GoogleCallbackQuerySchema,
  GoogleStartQuerySchema,
  InvitationRegisterSchema,
  InvitationSessionSchema,
  LoginSchema,
  MeSchema,
  PasswordChangeSchema,
  PasswordResetConfirmSchema,
  PasswordResetRequestSchema,
  ProfileUpdateSchema,
  RedirectSchema,
  RegisterSchema,
  SetupResultSchema,
  SetupSchema,
  UserEnvelopeSchema,
} from './schemas.js';
import { AuthService, type SignedIn } from './service.js';
import { SessionService, type ClientInfo } from './sessions.js';
import type { AccessTokens } from './tokens.js';
import { EmailVerification } from './verification.js';

const tags = ['auth'];

function clientOf(request: FastifyRequest): ClientInfo {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' ? ua.slice(0, 500) : null };
}

export async function authRoutes(app: App, ctx: AppContext, tokens: AccessTokens): Promise<void> {
  const limits = new AuthRateLimits(ctx.limiter, ctx.config.auth.rateLimit);
  const sessions = new SessionService(ctx, tokens, limits);
  const verification = new EmailVerification(ctx, limits);
  const service = new AuthService(ctx, sessions, limits, verification);
  const google = new GoogleSignIn(ctx, service, sessions);
  const cookies = new AuthCookies(ctx.config);

  /** The refresh token goes into its cookie; only the user and the access token go into the body. */
  const signedIn = (reply: FastifyReply, result: SignedIn) => {
    cookies.setRefresh(reply, result.session);
    return { user: result.user, accessToken: result.accessToken };
  };

  app.get('/auth/config', {
    config: { access: publicAccess },
    schema: { tags, summary: 'How this server signs people in, and whether it still needs its first-run setup', response: { 200: AuthConfigSchema, ...errorResponses } },
    handler: async () => service.authConfig(),
  });

  app.post('/setup', {
    config: { access: publicAccess },
    schema: {
      tags,
      summary: 'First-run setup: create the owner account and its organization',
      description: 'Only possible while no account exists; answers 409 `already_set_up` afterwards.',
      body: SetupSchema,
      response: { 201: SetupResultSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const result = await service.setup(request.body, clientOf(request));
      return reply.status(201).send({ ...signedIn(reply, result), organization: result.organization });
    },
  });

  app.post('/auth/register', {
    config: { access: publicAccess },
    schema: { tags, summary: 'Create an account and sign in', body: RegisterSchema, response: { 201: AuthSessionSchema, ...errorResponses } },
    handler: async (request, reply) => reply.status(201).send(signedIn(reply, await service.register(request.body, clientOf(request)))),
  });

  app.post('/invitations/:token/register', {
    config: { access: publicAccess },
    schema: {
      tags,
      summary: 'Create an account with the invited email, accept the invitation and sign in, in one step',
      description:
        'Nothing is created unless the invitation is accepted. 409 `email_taken` when an account already uses the invited email (log in and accept instead).',
      params: InvitationTokenParam,
      body: InvitationRegisterSchema,
      response: { 201: InvitationSessionSchema, ...errorResponses, 410: ErrorSchema },
    },
    handler: async (request, reply) => {
      const result = await service.registerWithInvitation(request.params.token, request.body, clientOf(request));
      return reply.status(201).send({ ...signedIn(reply, result), organization: result.organization, role: result.role });
    },
  });

  app.post('/auth/login', {
    config: { access: publicAccess },
    schema: { tags, summary: 'Sign in with email and password', body: LoginSchema, response: { 200: AuthSessionSchema, ...errorResponses } },
    handler: async (request, reply) => signedIn(reply, await service.login(request.body, clientOf(request))),
  });

  app.post('/auth/refresh', {
    config: { access: publicAccess },
    schema: {
      tags,
      summary: 'Get a new access token with the refresh cookie (the cookie is rotated)',
      description: 'Presenting a refresh token that was already rotated ends the whole session (401 `refresh_token_reused`).',
      response: { 200: AccessTokenSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      try {
        const result = await sessions.refresh(cookies.refreshToken(request), clientOf(request));
        cookies.setRefresh(reply, result.session);
        return { accessToken: result.accessToken };
      } catch (err) {
        if (err instanceof AppError && err.statusCode === 401) cookies.clearRefresh(reply);
        throw err;
      }
    },
  });

  app.post('/auth/logout', {
    config: { access: publicAccess },
    schema: { tags, summary: 'Sign out: end this session and clear the refresh cookie', response: { 204: z.null(), ...errorResponses } },
    handler: async (request, reply) => {
      await sessions.end(cookies.refreshToken(request), request.user?.sessionFamily);
      cookies.clearRefresh(reply);
      return reply.status(204).send(null);
    },
  });

  app.post('/auth/password-reset', {
    config: { access: publicAccess },
    schema: {
      tags,
      summary: 'Email a password reset link',
      description: 'Always answers 202, whether or not an account uses this email.',
      body: PasswordResetRequestSchema,
      response: { 202: AcceptedSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      await service.requestPasswordReset(request.body.email, clientOf(request));
      return reply.status(202).send({});
    },
  });

  app.post('/auth/password-reset/confirm', {
    config: { access: publicAccess },
    schema: {
      tags,
      summary: 'Set a new password with a reset link token (ends every session of the account)',
      body: PasswordResetConfirmSchema,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await service.confirmPasswordReset(request.body, clientOf(request));
      return reply.status(204).send(null);
    },
  });

  app.get('/auth/google/start', {
    config: { access: publicAccess },
    schema: { tags, summary: 'Start signing in with Google (redirects to Google)', querystring: GoogleStartQuerySchema, response: { 302: RedirectSchema, ...errorResponses } },
    handler: async (request, reply) => {
      const started = google.begin(request.query.returnTo);
      if (!started) throw new AppError(404, 'google_not_configured', 'Google sign-in is not configured on this server');
      cookies.setGoogleFlow(reply, started.sealedFlow);
      return reply.redirect(started.authorizeUrl, 302);
    },
  });

  app.get('/auth/google/callback', {
    config: { access: publicAccess },
    schema: {
      tags,
      summary: 'Where Google sends the browser back; signs in and redirects to the dashboard',
      description: 'On failure redirects to `/login?error=<code>` (google_denied, google_state_mismatch, google_email_unverified, google_failed, google_not_configured).',
      querystring: GoogleCallbackQuerySchema,
      response: { 302: RedirectSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const sealedFlow = cookies.googleFlow(request);
      cookies.clearGoogleFlow(reply);
      try {
        const outcome = await google.complete(request.query, sealedFlow, clientOf(request));
        if (!outcome.ok) return reply.redirect(`/login?error=${outcome.error}`, 302);
        cookies.setRefresh(reply, outcome.signedIn.session);
        return reply.redirect(outcome.returnTo, 302);
      } catch (err) {
        request.log.error({ err }, 'Google sign-in failed unexpectedly');
        return reply.redirect('/login?error=google_failed', 302);
      }
    },
  });

  app.get('/me', {
    config: { access: userAccess },
    schema: { tags, summary: 'The signed-in user and the organizations they belong to', response: { 200: MeSchema, ...errorResponses } },
    handler: async (request) => service.me(requireUser(request).id),
  });

  app.patch('/me', {
    config: { access: userAccess },
    schema: { tags, summary: 'Update your profile', body: ProfileUpdateSchema, response: { 200: UserEnvelopeSchema, ...errorResponses } },
    handler: async (request) => ({ user: await service.updateProfile(requireUser(request).id, request.body) }),
  });

  app.post('/me/password', {
    config: { access: userAccess },
    schema: {
      tags,
      summary: 'Change your password (or set one on a Google-only account)',
      description: 'Ends every other session of your account; this one stays signed in.',
      body: PasswordChangeSchema,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await service.changePassword(requireUser(request), request.body, clientOf(request));
      return reply.status(204).send(null);
    },
  });

  app.post('/me/email-verification', {
    config: { access: userAccess },
    schema: {
      tags,
      summary: 'Email a new verification link to your address',
      description: 'Earlier links stop working. Rate limited per account; 409 `email_already_verified` once verified.',
      response: { 202: AcceptedSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      await verification.resend(requireUser(request), clientOf(request));
      return reply.status(202).send({});
    },
  });

  app.post('/me/email-verification/confirm', {
    config: { access: userAccess },
    schema: {
      tags,
      summary: 'Verify your email with the token of a verification link',
      description: 'Only the signed-in account the link was sent for can use it (400 `invalid_verification_token` otherwise).',
      body: EmailVerificationConfirmSchema,
      response: { 200: UserEnvelopeSchema, ...errorResponses },
    },
    handler: async (request) => {
      const caller = requireUser(request);
      await verification.confirm(caller, request.body.token, clientOf(request));
      return { user: (await service.me(caller.id)).user };
    },
  });
}
