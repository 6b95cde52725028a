import { z } from 'zod';
import { hashToken, randomToken, type KeyRing } from './crypto.js';

/**
 * Tokens of emailed links (password reset, invitation, email verification). The database keeps the
 * token's SHA-256 to find it again, plus a sealed copy (AES-GCM under the key ring) only until the
 * mail job has sent it; the job itself carries the row id, so no clear token ever sits in the job
 * tables, their archives, or a log line about a job.
 */
export type LinkPurpose = 'password-reset' | 'invitation' | 'email-verification';

export interface IssuedLinkToken {
  /** The clear token: goes into a link, never into the database. */
  token: string;
  tokenHash: string;
  /** The sealed token for the mail job to open at send time. */
  sealed: string;
}

/** The additional data each sealed link is bound to: its table and column. */
const AAD: Record<LinkPurpose, string> = {
  'password-reset': 'password_resets.token_sealed',
  invitation: 'invitations.token_sealed',
  'email-verification': 'email_verifications.token_sealed',
};

const SealedSchema = z.object({ purpose: z.string(), rowId: z.string(), token: z.string().min(1) });

/**
 * A new token for the row `rowId`, sealed with its table and column as additional data and the row id
 * inside, so a sealed value copied into another row or another table does not open there.
 */
export function issueLinkToken(keys: KeyRing, purpose: LinkPurpose, rowId: string): IssuedLinkToken {
  const token = randomToken();
  return { token, tokenHash: hashToken(token), sealed: keys.encrypt(JSON.stringify({ purpose, rowId, token }), AAD[purpose]) };
}

/** The clear token of a sealed value; throws when it was not sealed for this purpose and row. */
export function openLinkToken(keys: KeyRing, purpose: LinkPurpose, rowId: string, sealed: string): string {
  const opened = SealedSchema.parse(JSON.parse(keys.decrypt(sealed, AAD[purpose])));
  if (opened.purpose !== purpose || opened.rowId !== rowId) throw new Error(`sealed ${purpose} token belongs to another row`);
  return opened.token;
}
