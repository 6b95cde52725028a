import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { newPkce } from '../../integrations/social/oauth.js';
import type { Account, Credentials, Platform } from '../../integrations/social/provider.js';
import { randomToken } from '../../lib/crypto.js';
import { badRequest, conflict, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/repo.js';
import { sealCredentials } from '../channels/credentials.js';
import * as channelsRepo from '../channels/repo.js';
import type { Channel } from '../channels/schemas.js';
import { ChannelsService } from '../channels/service.js';
import { releaseHeldTargets } from '../publishing/held.js';
import { connectable, type ConnectablePlatform } from './platforms.js';
import * as repo from './repo.js';
import { errorMessage } from '../../lib/redact.js';

/** Consent must come back within 10 minutes; the account picker then stays open for 30. */
const CONSENT_TTL_MS = 10 * 60_000;
const PICK_TTL_MS = 30 * 60_000;

/** What the encrypted `secret` column holds: the PKCE verifier, then what the consent gave. */
const SecretSchema = z.object({
  verifier: z.string(),
  credentials: z.custom<Credentials>().optional(),
  accounts: z.array(z.custom<Account>()).optional(),
});
type Secret = z.infer<typeof SecretSchema>;
/** Additional authenticated data of `oauth_connections.secret` (PKCE verifier, tokens, accounts). */
const SECRET_PURPOSE = 'oauth_connections.secret';

export interface ConnectionView {
  id: string;
  workspaceId: string;
  platform: Platform;
  status: 'pending' | 'exchanging' | 'authorized' | 'completed' | 'failed';
  error: string | null;
  expiresAt: Date;
  accounts: {
    externalId: string;
    name: string;
    username: string | null;
    avatarUrl: string | null;
    kind: string;
    /** The live channel this account already is in the workspace, if any (choosing it reconnects it). */
    channelId: string | null;
    channelStatus: string | null;
  }[];
}

/**
 * Connecting real accounts: start (authorize URL with a single-use state bound to the user and the
 * workspace, PKCE where the platform takes it) → the platform's callback (code exchange, long-lived
 * token, accounts the user may publish to, all encrypted) → the user picks which become channels.
 * Choosing an account that is already a channel reconnects it and releases its held posts.
 */
export class ConnectionsService {
  private readonly channels: ChannelsService;

  constructor(private readonly ctx: AppContext) {
    this.channels = new ChannelsService(ctx);
  }

  redirectUri(platform: string): string {
    return `${this.ctx.config.publicUrl}/api/v1/oauth/${platform}/callback`;
  }

  /**
   * `browserNonce` goes into an httpOnly cookie on the browser that asked (never into the body): the
   * callback refuses a state that comes back without it, so a consent URL sent to someone else (whose
   * tokens would land in this workspace) connects nothing.
   */
  async start(organizationId: string, workspaceId: string, userId: string, platform: string): Promise<{ id: string; authorizeUrl: string; expiresAt: Date; browserNonce: string }> {
    const target = connectable(this.ctx, platform);
    const state = randomToken();
    const browserNonce = randomToken();
    const pkce = newPkce();
    const expiresAt = new Date(Date.now() + CONSENT_TTL_MS);
    const row = await repo.insertConnection(this.ctx.db, {
      organizationId,
      workspaceId,
      userId,
      platform: target.platform,
      stateHash: hashState(state),
      browserHash: hashState(browserNonce),
      secret: this.seal({ verifier: pkce.verifier }),
      expiresAt,
    });
    return { id: row.id, authorizeUrl: target.oauth.authorizeUrl(state, pkce, this.redirectUri(target.platform)), expiresAt, browserNonce };
  }

  /**
   * The platform sent the user back. Always answers with a dashboard path to redirect to: the attempt's
   * page (which shows the accounts or what went wrong), or a generic failure page for a state Herald
   * never issued. Never throws for anything the platform or the user put in the query.
   */
  async callback(
    platform: string,
    query: { code?: string | undefined; state?: string | undefined; error?: string | undefined; error_description?: string | undefined },
    /** The nonce cookie this browser holds for an attempt, if any. */
    browserNonce: (connectionId: string) => string | undefined,
  ): Promise<string> {
    if (!query.state) return failurePath('missing_state');
    const stateHash = hashState(query.state);
    const known = await repo.findByState(this.ctx.db, stateHash);
    if (!known) return failurePath('invalid_state');
    // Bound to the browser that started it: without its cookie nothing is consumed or exchanged.
    const nonce = browserNonce(known.id);
    if (!nonce || !sameHash(hashState(nonce), known.browserHash)) {
      this.ctx.logger.warn({ platform, connectionId: known.id, cookieCheck: nonce ? 'mismatch' : 'missing' }, 'oauth callback from a browser that did not start the connection');
      return failurePath('other_browser');
    }
    const claimed = await repo.consumeState(this.ctx.db, platform, stateHash, new Date());
    if (!claimed) return `/connections/${known.id}`;
    const fail = async (message: string) => {
      await repo.updateConnection(this.ctx.db, claimed.id, 'exchanging', { status: 'failed', error: message, secret: '' });
      return `/connections/${claimed.id}`;
    };
    if (query.error || !query.code) {
      const refused = query.error === 'access_denied' || query.error === 'user_cancelled_login' || query.error === 'user_cancelled_authorize';
      const detail = query.error_description ? ` (${query.error_description.slice(0, 200)})` : '';
      return fail(refused ? `You did not grant Herald access${detail}. Nothing was connected.` : `The platform did not complete the sign-in: ${query.error ?? 'no code'}${detail}`);
    }
    let target: ConnectablePlatform;
    try {
      target = connectable(this.ctx, platform);
    } catch {
      return fail('This platform is no longer configured on this Herald server');
    }
    const secret = this.open(claimed.secret);
    let credentials: Credentials;
    let accounts: Account[];
    try {
      credentials = await target.oauth.exchangeCode(query.code, { verifier: secret.verifier }, this.redirectUri(target.platform));
      accounts = await target.oauth.listTargets(credentials);
    } catch (err) {
      this.ctx.logger.warn({ platform, connectionId: claimed.id, err }, 'oauth exchange failed');
      return fail(`${target.displayName} refused the sign-in: ${errorMessage(err)}`);
    }
    if (accounts.length === 0) return fail(`This ${target.displayName} login has nothing Herald can publish to (no pages, business accounts or profiles were shared).`);
    await repo.updateConnection(this.ctx.db, claimed.id, 'exchanging', {
      status: 'authorized',
      error: null,
      secret: this.seal({ verifier: secret.verifier, credentials, accounts }),
      expiresAt: new Date(Date.now() + PICK_TTL_MS),
    });
    return `/connections/${claimed.id}`;
  }

  async get(organizationId: string, userId: string, id: string): Promise<ConnectionView> {
    const row = await this.mine(organizationId, userId, id);
    const secret = row.status === 'authorized' ? this.open(row.secret) : undefined;
    const accounts = secret?.accounts ?? [];
    const existing = await channelsRepo.liveChannelsByExternalId(this.ctx.db, organizationId, row.workspaceId, row.platform, accounts.map((a) => a.externalId));
    const lapsed = row.expiresAt <= new Date() && (row.status === 'pending' || row.status === 'authorized');
    const lapsedWhy =
      row.status === 'pending'
        ? 'The sign-in was not finished within 10 minutes, so this attempt expired. Start again from the channels page.'
        : 'This connection expired before an account was chosen. Start again from the channels page.';
    return {
      id: row.id,
      workspaceId: row.workspaceId,
      platform: row.platform as Platform,
      status: lapsed ? 'failed' : row.status,
      error: lapsed ? lapsedWhy : row.error,
      expiresAt: row.expiresAt,
      accounts: accounts.map((a) => {
        const channel = existing.get(a.externalId);
        return { externalId: a.externalId, name: a.name, username: a.username ?? null, avatarUrl: a.avatarUrl ?? null, kind: a.kind, channelId: channel?.id ?? null, channelStatus: channel?.status ?? null };
      }),
    };
  }

  /** Turns the chosen accounts into channels (or reconnects the ones that already are), in one transaction. */
  async complete(organizationId: string, userId: string, id: string, externalIds: string[]): Promise<Channel[]> {
    const row = await this.mine(organizationId, userId, id);
    if (row.status !== 'authorized' || row.expiresAt <= new Date()) {
      throw conflict('connection_not_ready', row.status === 'completed' ? 'These accounts were already connected' : 'This connection is not waiting for a choice; start again');
    }
    const secret = this.open(row.secret);
    const accounts = secret.accounts ?? [];
    const chosen = [...new Set(externalIds)].map((externalId) => {
      const account = accounts.find((a) => a.externalId === externalId);
      if (!account) throw badRequest('unknown_account', 'Choose among the accounts this sign-in returned', { externalId });
      return account;
    });
    const ids = await this.ctx.db.transaction(async (tx) => {
      const done = await repo.updateConnection(tx, row.id, 'authorized', { status: 'completed', secret: '' });
      if (!done) throw conflict('connection_not_ready', 'These accounts were already connected');
      const existing = await channelsRepo.liveChannelsByExternalId(tx, organizationId, row.workspaceId, row.platform, chosen.map((a) => a.externalId));
      const out: string[] = [];
      for (const account of chosen) {
        const sealed = sealCredentials(this.ctx.keys, account.credentials ?? secret.credentials!);
        const profile = { name: account.name, username: account.username ?? null, avatarUrl: account.avatarUrl ?? null };
        const current = existing.get(account.externalId);
        if (current) {
          await channelsRepo.reconnectChannel(tx, current.id, { ...profile, ...sealed });
          const released = await releaseHeldTargets(this.ctx, tx, current.id);
          await recordAudit(tx, { organizationId, actorId: userId, action: 'channel.reconnected', subjectType: 'channel', subjectId: current.id, data: { platform: row.platform, released } });
          out.push(current.id);
          continue;
        }
        const channelId = randomUUID();
        await channelsRepo.insertChannel(tx, { id: channelId, organizationId, workspaceId: row.workspaceId, platform: row.platform, externalId: account.externalId, kind: account.kind, ...profile, ...sealed, connectedBy: userId });
        await recordAudit(tx, { organizationId, actorId: userId, action: 'channel.connected', subjectType: 'channel', subjectId: channelId, data: { name: account.name, platform: row.platform, workspaceId: row.workspaceId } });
        out.push(channelId);
      }
      return out;
    });
    return Promise.all(ids.map((channelId) => this.channels.get(organizationId, channelId)));
  }

  /** An attempt of this organization started by this user; anyone else's is "not found". */
  private async mine(organizationId: string, userId: string, id: string): Promise<repo.ConnectionRow> {
    const row = await repo.findConnection(this.ctx.db, organizationId, id);
    if (!row || row.userId !== userId) throw notFound('Connection');
    return row;
  }

  private seal(secret: Secret): string {
    return this.ctx.keys.encrypt(JSON.stringify(secret), SECRET_PURPOSE);
  }

  private open(ciphertext: string): Secret {
    return SecretSchema.parse(JSON.parse(this.ctx.keys.decrypt(ciphertext, SECRET_PURPOSE)));
  }
}

function hashState(state: string): string {
  return createHash('sha256').update(state).digest('base64url');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The cookie that binds an attempt to the browser that started it (one per attempt: tabs may overlap). */
export function connectCookieName(connectionId: string): string {
  return `herald_connect_${connectionId.replaceAll('-', '')}`;
}

function failurePath(reason: string): string {
  return `/connections/failed?reason=${encodeURIComponent(reason)}`;
}
