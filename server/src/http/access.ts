import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { Db } from '../db/client.js';
import { AppError, forbidden, notFound, unauthorized } from '../lib/errors.js';
import type { AccessTokens } from '../modules/auth/tokens.js';
import { findRole, findSessionUser } from './access.repo.js';
import { can, type Action, type Role } from './permissions.js';

/**
 * Every /api/v1 route declares who may call it in `config.access`:
 * - `publicAccess`: anyone;
 * - `userAccess`: any signed-in user;
 * - `scopedAccess(action, {param, resolve})`: a member of the organization that owns the resource
 *   named by the path parameter, whose role allows `action`.
 * A resource of an organization the caller does not belong to answers 404, never 403.
 */
export interface Scope {
  organizationId: string;
  workspaceId?: string | undefined;
  role: Role;
}

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  sessionFamily: string;
}

/** Maps a path parameter to the organization (and workspace) owning it, or null when it does not exist. */
export type ScopeResolver = (db: Db, id: string) => Promise<{ organizationId: string; workspaceId?: string } | null>;

export type Access =
  | { kind: 'public' }
  | { kind: 'user' }
  | { kind: 'scoped'; action: Action; param: string; resource: string; resolve: ScopeResolver };

/** One registered /api/v1 route and its access rule, as the app holds it (tests walk this list). */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every /api/v1 route registered so far, with its access rule. */
    routeAccess(): readonly RouteAccess[];
  }
  interface FastifyRequest {
    user: AuthUser | null;
    scope: Scope | null;
  }
}

export const publicAccess: Access = { kind: 'public' };
export const userAccess: Access = { kind: 'user' };
export function scopedAccess(action: Action, target: { param: string; resource: string; resolve: ScopeResolver }): Access {
  return { kind: 'scoped', action, ...target };
}

/** The organization itself: `/orgs/{orgId}/…`. */
export const orgScope = (action: Action) =>
  scopedAccess(action, { param: 'orgId', resource: 'Organization', resolve: async (_db, id) => ({ organizationId: id }) });

/** Reads the signed-in user; throws 401 when there is none. */
export function requireUser(request: FastifyRequest): AuthUser {
  if (!request.user) throw unauthorized();
  return request.user;
}

/** Reads the resolved scope of a scoped route. */
export function requireScope(request: FastifyRequest): Scope {
  if (!request.scope) throw new AppError(500, 'internal_error', 'Route has no scope');
  return request.scope;
}

export function registerAccessControl(app: FastifyInstance, ctx: AppContext, tokens: AccessTokens): void {
  app.decorateRequest('user', null);
  app.decorateRequest('scope', null);

  const registered: RouteAccess[] = [];
  app.decorate('routeAccess', () => registered);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return;
    const access = route.config?.access;
    if (!access) throw new Error(`Route ${String(route.method)} ${route.url} declares no access rule`);
    for (const method of [route.method].flat()) registered.push({ method, url: route.url, access });
  });

  const cache = ctx.accessCache;

  // Authentication runs before validation so an anonymous caller always gets 401, whatever it sent.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access) return;
    const header = request.headers.authorization;
    const bearer = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!bearer) {
      if (access.kind === 'public') return;
      throw unauthorized();
    }
    let claims = cache.token(bearer);
    if (!claims) {
      const verified = await tokens.verify(bearer);
      if (verified) {
        claims = { userId: verified.userId, sessionFamily: verified.sessionFamily };
        cache.rememberToken(bearer, claims, verified.expiresAtMs);
      }
    }
    if (!claims) {
      if (access.kind === 'public') return;
      throw unauthorized('Access token is invalid or expired', 'invalid_token');
    }
    // The token's session family must still be live (cached for a few seconds; see access-cache.ts).
    let user = cache.sessionUser(claims.sessionFamily, claims.userId);
    if (!user) {
      const generation = cache.generation;
      const found = await findSessionUser(ctx.db, claims.userId, claims.sessionFamily);
      if (found) cache.rememberSession(claims.sessionFamily, found, generation);
      user = found ?? undefined;
    }
    if (!user) {
      if (access.kind === 'public') return;
      throw unauthorized('Access token is invalid or expired', 'invalid_token');
    }
    request.user = { ...user, sessionFamily: claims.sessionFamily };
  });

  // Authorisation runs after params are validated, so resolvers only see well-formed ids.
  app.addHook('preHandler', async (request) => {
    const access = request.routeOptions.config?.access;
    if (access?.kind !== 'scoped') return;
    const user = requireUser(request);
    const id = (request.params as Record<string, string | undefined>)[access.param];
    if (!id) throw notFound(access.resource);
    // Which organization owns a resource never changes while it exists; only found ones are cached.
    const scopeKey = `${access.param}:${access.resource}`;
    let target = cache.scope(scopeKey, id);
    if (!target) {
      const generation = cache.generation;
      const resolved = await access.resolve(ctx.db, id);
      if (!resolved) throw notFound(access.resource);
      cache.rememberScope(scopeKey, id, resolved, generation);
      target = resolved;
    }
    let role = cache.role(target.organizationId, user.id);
    if (!role) {
      const generation = cache.generation;
      const found = await findRole(ctx.db, target.organizationId, user.id);
      if (!found) throw notFound(access.resource);
      cache.rememberRole(target.organizationId, user.id, found, generation);
      role = found;
    }
    if (!can(role, access.action)) {
      throw forbidden(`Your role (${role}) does not allow ${access.action}`, { action: access.action, role });
    }
    request.scope = { organizationId: target.organizationId, workspaceId: target.workspaceId, role };
  });
}
