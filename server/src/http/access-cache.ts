import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Database, Db } from '../db/client.js';
import type { Logger } from '../lib/logger.js';
import type { AccessClaims } from '../modules/auth/tokens.js';
import type { Role } from './permissions.js';

/**
 * What authentication and authorisation read on every request, kept in memory:
 * - verified access tokens, until they expire (a signature never becomes invalid);
 * - whether a session family is live, with its user; which role a user has in an organization;
 *   which organization owns a workspace, post, channel…: each for `ttlMs` at most (a few seconds).
 * A change announced with `changed()` drops the affected entries at once in this process, and in every
 * other process on the same database through PostgreSQL's NOTIFY (delivered when the announcing
 * transaction commits; PGlite delivers it in-process). A missed notification (a lost LISTEN
 * connection) is bounded by the TTL: a revoked session or a removed member is refused within it.
 */
export type AccessChange =
  /** A session family ended: logout, refresh token reuse. */
  | { kind: 'family'; id: string }
  /** Every session of a user may have ended (password change or reset), or the user changed. */
  | { kind: 'user'; id: string }
  /** A member's role changed or the member was removed. */
  | { kind: 'member'; organizationId: string; userId: string }
  /** An organization was deleted. */
  | { kind: 'org'; id: string };

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

export interface ScopeTarget {
  organizationId: string;
  workspaceId?: string | undefined;
}

interface Entry<T> {
  value: T;
  until: number;
}

export const ACCESS_CHANNEL = 'herald_access';
const MAX_ENTRIES = 20_000;

export class AccessCache {
  private readonly tokens = new Map<string, Entry<AccessClaims>>();
  private readonly sessions = new Map<string, Entry<SessionUser>>();
  private readonly memberships = new Map<string, Entry<Role>>();
  private readonly scopes = new Map<string, Entry<ScopeTarget>>();
  /**
   * Bumped by every change. A lookup that started before a change must not store what it read (it may
   * be the state the change just ended): callers take `generation` before querying and pass it back.
   */
  generation = 0;

  constructor(readonly ttlMs: number) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  token(token: string): AccessClaims | undefined {
    return read(this.tokens, token);
  }

  rememberToken(token: string, claims: AccessClaims, expiresAtMs: number): void {
    if (this.enabled) store(this.tokens, token, claims, expiresAtMs);
  }

  sessionUser(family: string, userId: string): SessionUser | undefined {
    const user = read(this.sessions, family);
    return user?.id === userId ? user : undefined;
  }

  rememberSession(family: string, user: SessionUser, generation: number): void {
    if (this.enabled && generation === this.generation) store(this.sessions, family, user, Date.now() + this.ttlMs);
  }

  role(organizationId: string, userId: string): Role | undefined {
    return read(this.memberships, `${organizationId}:${userId}`);
  }

  rememberRole(organizationId: string, userId: string, role: Role, generation: number): void {
    if (this.enabled && generation === this.generation) store(this.memberships, `${organizationId}:${userId}`, role, Date.now() + this.ttlMs);
  }

  scope(resource: string, id: string): ScopeTarget | undefined {
    return read(this.scopes, `${resource}:${id}`);
  }

  rememberScope(resource: string, id: string, target: ScopeTarget, generation: number): void {
    if (this.enabled && generation === this.generation) store(this.scopes, `${resource}:${id}`, target, Date.now() + this.ttlMs);
  }

  /**
   * Announces a change: dropped here at once, and everywhere (this process included, again) when `db`'s
   * transaction commits. Pass the transaction that makes the change.
   */
  async changed(db: Db, change: AccessChange): Promise<void> {
    this.apply(change);
    await db.execute(sql`select pg_notify(${ACCESS_CHANNEL}, ${JSON.stringify(change)})`);
  }

  apply(change: AccessChange): void {
    this.generation += 1;
    switch (change.kind) {
      case 'family':
        this.sessions.delete(change.id);
        break;
      case 'user':
        for (const [family, entry] of this.sessions) if (entry.value.id === change.id) this.sessions.delete(family);
        break;
      case 'member':
        this.memberships.delete(`${change.organizationId}:${change.userId}`);
        break;
      case 'org':
        for (const key of this.memberships.keys()) if (key.startsWith(`${change.id}:`)) this.memberships.delete(key);
        for (const [key, entry] of this.scopes) if (entry.value.organizationId === change.id) this.scopes.delete(key);
        break;
    }
  }

  /** Forgets everything but verified tokens (after notifications may have been missed). */
  clear(): void {
    this.generation += 1;
    this.sessions.clear();
    this.memberships.clear();
    this.scopes.clear();
  }
}

function read<T>(map: Map<string, Entry<T>>, key: string): T | undefined {
  const entry = map.get(key);
  if (!entry) return undefined;
  if (entry.until <= Date.now()) {
    map.delete(key);
    return undefined;
  }
  return entry.value;
}

function store<T>(map: Map<string, Entry<T>>, key: string, value: T, until: number): void {
  // Oldest first out: a Map iterates in insertion order.
  if (map.size >= MAX_ENTRIES) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, { value, until });
}

function parseChange(payload: string | undefined): AccessChange | null {
  try {
    const change = JSON.parse(payload ?? '') as AccessChange;
    return typeof change === 'object' && change !== null && typeof change.kind === 'string' ? change : null;
  } catch {
    return null;
  }
}

/**
 * Applies every process's announced changes to `cache`: LISTEN on a connection of its own on
 * PostgreSQL (reconnecting, and clearing the cache, after losing it), PGlite's in-process listener
 * in embedded mode. Returns a stop function.
 */
export async function listenForAccessChanges(database: Database, postgresUrl: string | undefined, cache: AccessCache, logger: Logger): Promise<() => Promise<void>> {
  const onPayload = (payload: string | undefined) => {
    const change = parseChange(payload);
    if (change) cache.apply(change);
    else cache.clear();
  };
  if (database.pglite) {
    const unlisten = await database.pglite.listen(ACCESS_CHANNEL, onPayload);
    return unlisten;
  }
  if (!postgresUrl || !cache.enabled) return async () => undefined;

  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const lost = (which: pg.Client, err?: unknown) => {
    if (stopped || client !== which) return;
    client = undefined;
    // Changes announced while we were away are unknown: forget everything, listen again.
    cache.clear();
    logger.warn({ err }, 'access change listener lost its connection; reconnecting in 1 s');
    void which.end().catch(() => undefined);
    retry = setTimeout(() => void connect(), 1000);
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: postgresUrl });
    client = next;
    next.on('notification', (msg) => {
      if (msg.channel === ACCESS_CHANNEL) onPayload(msg.payload);
    });
    next.on('error', (err) => lost(next, err));
    next.on('end', () => lost(next));
    try {
      await next.connect();
      await next.query(`listen ${ACCESS_CHANNEL}`);
      cache.clear();
    } catch (err) {
      lost(next, err);
    }
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
