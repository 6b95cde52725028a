import { join } from 'node:path';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { openDatabase, type Database } from './db/client.js';
import { AccessCache, listenForAccessChanges } from './http/access-cache.js';
import { JobQueue } from './jobs/queue.js';
import { loadKeyRing } from './lib/crypto.js';
import { createLogger, type Logger } from './lib/logger.js';
import { createMailer } from './lib/mailer.js';
import { createRateLimiter } from './lib/rate-limit.js';
import { createSocialRegistry } from './integrations/social/registry.js';
import { createStorage } from './integrations/storage/index.js';
import { configureImageProcessing } from './modules/media/images.js';

export interface Runtime extends AppContext {
  close(): Promise<void>;
}

/**
 * Opens everything a process role needs: database (migrated), key ring, queue, mailer, limiter.
 * `supervise` runs the queue's maintenance (worker and all-in-one roles); `database` is one already being
 * opened (the CLI starts that first), else it is opened here.
 */
export async function createRuntime(config: Config, opts: { supervise: boolean; logger?: Logger; database?: Promise<Database> }): Promise<Runtime> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  configureImageProcessing({ maxPixels: config.media.maxImagePixels, concurrency: config.media.imageConcurrency });
  const database = await (opts.database ?? openDatabase(config.database));
  try {
    await database.migrate();
    const keys = await loadKeyRing(config.secretKeys, config.dataDir);
    const queue = await JobQueue.start(database, logger, {
      supervise: opts.supervise,
      postgresUrl: config.database.kind === 'postgres' ? config.database.url : undefined,
    });
    const limiter = createRateLimiter(config.redisUrl);
    const accessCache = new AccessCache(config.auth.cacheSeconds * 1000);
    const stopListening = await listenForAccessChanges(database, config.database.kind === 'postgres' ? config.database.url : undefined, accessCache, logger);
    const mailer = createMailer({
      smtpUrl: config.mail.smtpUrl,
      from: config.mail.from,
      outboxDir: join(config.dataDir, 'outbox'),
      production: config.env === 'production',
      logger,
    });
    return {
      config,
      database,
      db: database.db,
      keys,
      logger,
      mailer,
      limiter,
      accessCache,
      queue,
      social: createSocialRegistry({ db: database.db, config }),
      storage: createStorage(config, config.dataDir),
      async close() {
        await queue.stop().catch((err: unknown) => logger.warn({ err }, 'queue stop failed'));
        await stopListening();
        await limiter.close();
        await database.close();
      },
    };
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
}
