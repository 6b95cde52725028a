import type { Config } from '../../config.js';
import { openDatabase } from '../../db/client.js';
import * as repo from './repo.js';
import { issueHandedResetLink } from './reset-links.js';

const USERS_USAGE = 'Usage: herald users reset-password <email>\n';

/**
 * `herald users …`: account chores for the operator. Returns the process exit code (0 done, 1 no such
 * account, 2 usage). Output is meant for the operator's terminal only.
 */
export async function usersCommand(args: string[], config: Config): Promise<number> {
  const [sub, email, ...rest] = args;
  if (sub !== 'reset-password' || !email || rest.length > 0) {
    process.stderr.write(USERS_USAGE);
    return 2;
  }
  const database = await openDatabase(config.database);
  try {
    await database.migrate();
    const user = await repo.findUserByEmail(database.db, email.trim());
    if (!user) {
      process.stderr.write(`No account uses ${email.trim()}\n`);
      return 1;
    }
    const link = await issueHandedResetLink(database.db, config, user.id);
    process.stdout.write(`Password reset link for ${user.email} (works once, until ${link.expiresAt.toISOString()}):\n${link.resetUrl}\n`);
    if (!config.publicUrlConfigured) {
      process.stderr.write(`HERALD_PUBLIC_URL is not set: this link points at ${config.publicUrl} and only works on this machine; set it to the address people use.\n`);
    }
    return 0;
  } finally {
    await database.close();
  }
}
