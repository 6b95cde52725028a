import type { Config } from './config.js';
import type { Database, Db } from './db/client.js';
import type { AccessCache } from './http/access-cache.js';
import type { KeyRing } from './lib/crypto.js';
import type { Logger } from './lib/logger.js';
import type { Mailer } from './lib/mailer.js';
import type { RateLimiter } from './lib/rate-limit.js';
import type { JobQueue } from './jobs/queue.js';
import type { SocialRegistry } from './integrations/social/registry.js';
import type { Storage } from './integrations/storage/storage.js';

/** Everything a service needs from the running process, built once by `createRuntime`. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  keys: KeyRing;
  logger: Logger;
  mailer: Mailer;
  limiter: RateLimiter;
  /** Sessions, memberships and scopes read per request, cached briefly; announce changes through it. */
  accessCache: AccessCache;
  queue: JobQueue;
  social: SocialRegistry;
  /** Media bytes: local disk or S3-compatible (see integrations/storage). */
  storage: Storage;
}
