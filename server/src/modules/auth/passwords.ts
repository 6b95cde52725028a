import { hash, verify } from '@node-rs/argon2';
import { randomToken } from '../../lib/crypto.js';

/**
 * argon2id with the library defaults (m=19456 KiB, t=2, p=1: the OWASP baseline). The parameters
 * live in each PHC string, so raising them later keeps old hashes verifiable.
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. With no hash (unknown email, Google-only account) it
 * still verifies against a throwaway hash, so the answer takes as long as for a real account.
 */
export async function checkPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummyHash ??= hash(randomToken());
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash is an account that cannot sign in with a password, not a crash.
    return false;
  }
}
