import type { Db } from '../../db/client.js';
import { KeyRing } from '../../lib/crypto.js';
import { CREDENTIALS_PURPOSE } from './credentials.js';
import * as repo from './repo.js';

export interface RotationResult {
  /** The key everything is now written under. */
  keyId: string;
  /** Channels whose credentials were re-sealed under `keyId` (older key, or the legacy v1 format). */
  reencrypted: number;
  /** Channels whose credentials changed while we worked (a refresh, a disconnect): left as the writer left them. */
  skipped: number;
  /** Channels whose credentials no key of the ring can decrypt: only reconnecting them helps. */
  unreadable: string[];
}

/**
 * Re-encrypts every channel's credentials that an older key wrote, or that were written in the legacy v1
 * format (no purpose bound), under the ring's current key in the current format, so the older keys can
 * later be retired and every credential is bound to its column. Walks the table in id order, `batchSize` rows at a time; each row is
 * swapped with a compare-and-swap on its old ciphertext, so a token refreshed concurrently is never
 * overwritten with the stale one. Safe to run again: rows already under the current key are not touched.
 *
 * Every process that may write credentials meanwhile must already hold the new key (with
 * HERALD_SECRET_KEYS: deploy the new ring first; with the key file: stop Herald while rotating),
 * or it would keep writing under the old one.
 */
export async function rotateChannelKeys(db: Db, keys: KeyRing, opts: { batchSize?: number } = {}): Promise<RotationResult> {
  const batchSize = opts.batchSize ?? 200;
  const result: RotationResult = { keyId: keys.current.id, reencrypted: 0, skipped: 0, unreadable: [] };
  let afterId: string | null = null;
  for (;;) {
    const batch = await repo.listCredentialsToReseal(db, keys.current.id, afterId, batchSize);
    for (const row of batch) {
      const outcome = await reencryptChannel(db, keys, row);
      if (outcome === 'reencrypted') result.reencrypted += 1;
      else if (outcome === 'changed') result.skipped += 1;
      else result.unreadable.push(row.id);
    }
    if (batch.length < batchSize) return result;
    afterId = batch.at(-1)!.id;
  }
}

/**
 * Re-encrypts one channel's credentials as they were read (`credentials`). `changed` when the row no
 * longer holds that ciphertext (someone wrote meanwhile, and their write stands).
 */
export async function reencryptChannel(db: Db, keys: KeyRing, row: { id: string; credentials: string }): Promise<'reencrypted' | 'changed' | 'unreadable'> {
  let plaintext: string;
  try {
    plaintext = keys.decrypt(row.credentials, CREDENTIALS_PURPOSE);
  } catch {
    return 'unreadable';
  }
  const ciphertext = keys.encrypt(plaintext, CREDENTIALS_PURPOSE);
  const swapped = await repo.swapChannelCredentials(db, row.id, row.credentials, {
    credentials: ciphertext,
    credentialsKeyId: KeyRing.keyIdOf(ciphertext) ?? keys.current.id,
  });
  return swapped ? 'reencrypted' : 'changed';
}
