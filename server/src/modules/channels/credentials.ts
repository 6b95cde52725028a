import { z } from 'zod';
import type { Credentials } from '../../integrations/social/provider.js';
import { KeyRing } from '../../lib/crypto.js';

/**
 * Channel credentials at rest: JSON encrypted with the key ring's current key (AES-256-GCM), stored
 * with the id of that key so `herald rotate-keys` can find what an older key wrote.
 * Nothing here logs or returns plaintext beyond the caller that asked for it.
 */
const CredentialsSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string().optional(),
  expiresAt: z.string().nullable().optional(),
  refreshExpiresAt: z.string().nullable().optional(),
  scopes: z.array(z.string()).optional(),
  extra: z.record(z.string(), z.string()).optional(),
});

/** Additional authenticated data: these ciphertexts open only as `channels.credentials`. */
export const CREDENTIALS_PURPOSE = 'channels.credentials';

export interface SealedCredentials {
  credentials: string;
  credentialsKeyId: string;
  tokenExpiresAt: Date | null;
}

export function sealCredentials(keys: KeyRing, credentials: Credentials): SealedCredentials {
  const ciphertext = keys.encrypt(JSON.stringify(credentials), CREDENTIALS_PURPOSE);
  return { credentials: ciphertext, credentialsKeyId: KeyRing.keyIdOf(ciphertext) ?? keys.current.id, tokenExpiresAt: expiryOf(credentials) };
}

/** Decrypts and checks stored credentials; throws when the key is unknown or the data is not credentials. */
export function openCredentials(keys: KeyRing, ciphertext: string): Credentials {
  const plaintext = keys.decrypt(ciphertext, CREDENTIALS_PURPOSE);
  let json: unknown;
  try {
    json = JSON.parse(plaintext);
  } catch {
    // JSON.parse quotes the input in its message: never let plaintext reach an error (or a log line).
    throw new Error('Stored credentials are not JSON');
  }
  const parsed = CredentialsSchema.safeParse(json);
  if (!parsed.success) throw new Error('Stored credentials have an unexpected shape');
  return parsed.data;
}

/** The access token's expiry as a Date; null when it does not expire or the platform gave no readable date. */
function expiryOf(credentials: Credentials): Date | null {
  if (!credentials.expiresAt) return null;
  const ms = Date.parse(credentials.expiresAt);
  return Number.isNaN(ms) ? null : new Date(ms);
}
