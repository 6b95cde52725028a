import type { AppContext } from '../../context.js';
import type { Db } from '../../db/client.js';
import type { Credentials } from '../../integrations/social/provider.js';
import type { KeyRing } from '../../lib/crypto.js';
import { AppError } from '../../lib/errors.js';
import { openCredentials, sealCredentials } from './credentials.js';
import * as repo from './repo.js';
import type { ChannelRecord } from './repo.js';
import { errorMessage } from '../../lib/redact.js';

export type { ChannelRecord } from './repo.js';
export { findChannelsForWorkspace, listSlots } from './repo.js';

/**
 * What the publishing pipeline may do with a channel. Credentials are decrypted only here, handed to a
 * provider and never logged or returned by the API.
 */

export type ChannelUnavailableReason = 'not_found' | 'disconnected' | 'needs_reauth';

/**
 * A channel that cannot be published to right now. An AppError too, so reaching the HTTP boundary it is
 * a 404 (`not_found`) or a 409 (`channel_disconnected`, `channel_needs_reauth`), never a 500.
 */
export class ChannelUnavailableError extends AppError {
  constructor(
    readonly reason: ChannelUnavailableReason,
    readonly channelId: string,
    message = MESSAGES[reason],
  ) {
    super(reason === 'not_found' ? 404 : 409, reason === 'not_found' ? 'not_found' : `channel_${reason}`, message, { channelId, reason });
    this.name = 'ChannelUnavailableError';
  }
}

const MESSAGES: Record<ChannelUnavailableReason, string> = {
  not_found: 'Channel not found',
  disconnected: 'The channel has been disconnected',
  needs_reauth: 'The channel must be reconnected before it can publish',
};

export function isChannelUnavailable(err: unknown): err is ChannelUnavailableError {
  return err instanceof ChannelUnavailableError;
}

/**
 * Loads a channel of `organizationId` with its decrypted credentials, ready for `provider.publish`.
 * Throws ChannelUnavailableError when it is missing, disconnected, needs re-authorisation, or its stored
 * credentials cannot be read with the configured keys (a key was removed: only reconnecting helps).
 */
export async function openChannel(
  ctx: Pick<AppContext, 'db' | 'keys' | 'logger'>,
  organizationId: string,
  channelId: string,
): Promise<{ channel: ChannelRecord; account: { externalId: string; credentials: Credentials } }> {
  const found = await repo.findChannelSecret(ctx.db, organizationId, channelId);
  if (!found) throw new ChannelUnavailableError('not_found', channelId);
  const { channel, credentials: ciphertext } = found;
  const credentials = openChannelCredentials(ctx, organizationId, channel, ciphertext);
  return { channel, account: { externalId: channel.externalId, credentials } };
}

/**
 * The decrypted credentials of a channel already read (with its sealed credentials), under the same
 * rules as `openChannel`: throws ChannelUnavailableError when it is disconnected, needs
 * re-authorisation, or its credentials cannot be read with the configured keys.
 */
export function openChannelCredentials(
  ctx: Pick<AppContext, 'keys' | 'logger'>,
  organizationId: string,
  channel: Pick<ChannelRecord, 'id' | 'status' | 'statusReason' | 'disconnectedAt'>,
  ciphertext: string | null,
): Credentials {
  if (channel.status === 'disconnected' || channel.disconnectedAt !== null || ciphertext === null) {
    throw new ChannelUnavailableError('disconnected', channel.id);
  }
  if (channel.status === 'needs_reauth') {
    throw new ChannelUnavailableError('needs_reauth', channel.id, channel.statusReason ?? MESSAGES.needs_reauth);
  }
  try {
    return openCredentials(ctx.keys, ciphertext);
  } catch (err) {
    // The message names a key id at most, never key material or plaintext.
    ctx.logger.warn({ channelId: channel.id, organizationId, reason: errorMessage(err) }, 'channel credentials cannot be decrypted');
    throw new ChannelUnavailableError('needs_reauth', channel.id, 'The stored credentials cannot be read with the configured secret keys; reconnect the channel');
  }
}

/**
 * Stores fresh credentials (after a token refresh or a reconnect) under the current key, updates the
 * token expiry from `credentials.expiresAt` and marks the channel active. A disconnected channel is not
 * revived: that throws ChannelUnavailableError('disconnected'); a missing one ('not_found').
 */
export async function saveChannelCredentials(db: Db, keys: KeyRing, channelId: string, credentials: Credentials): Promise<void> {
  if (await repo.storeChannelCredentials(db, channelId, sealCredentials(keys, credentials))) return;
  throw await unavailable(db, channelId);
}

/**
 * Marks a channel as needing re-authorisation (the platform refused its token and no refresh helped),
 * with the platform's message as the reason shown to users. A disconnected channel stays disconnected
 * (no error); a missing one throws ChannelUnavailableError('not_found').
 */
export async function markChannelNeedsReauth(db: Db, channelId: string, reason: string): Promise<void> {
  if (await repo.setChannelNeedsReauth(db, channelId, reason.slice(0, 1000))) return;
  const err = await unavailable(db, channelId);
  if (err.reason === 'not_found') throw err;
}

async function unavailable(db: Db, channelId: string): Promise<ChannelUnavailableError> {
  const state = await repo.channelState(db, channelId);
  return new ChannelUnavailableError(state ? 'disconnected' : 'not_found', channelId);
}
