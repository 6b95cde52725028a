import type { FastifyInstance } from 'fastify';
import { ConfigError, loadConfig, publicUrlWarning, type Config } from './config.js';
import { createLogger, type Logger } from './lib/logger.js';
import type { Runtime } from './runtime.js';

// Modules are imported where a command needs them: `herald start` begins opening the database first and
// loads the HTTP app and job handlers while PGlite compiles and boots (see startServer).
const USAGE = `Usage: herald <command>

Commands:
  start     all-in-one: API, dashboard and background worker (default)
  api       HTTP API and dashboard only (run several behind a load balancer)
  worker    background jobs only
  migrate   apply database migrations and exit
  users reset-password <email>
            print a one-time password reset link for that account (for servers without mail:
            hand it to the account holder; it works once, and never sets or shows a password)
  rotate-keys  re-encrypt stored credentials under the newest secret key (with the key file: adds
               a new key first, stop Herald while it runs; with HERALD_SECRET_KEYS: put the new key
               first and deploy it to every process before running this)
`;

async function main(argv: string[]): Promise<void> {
  const command = argv[0] ?? 'start';
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);

  switch (command) {
    case 'migrate': {
      const { openDatabase } = await import('./db/client.js');
      const database = await openDatabase(config.database);
      await database.migrate();
      const status = await database.migrationStatus();
      logger.info({ ...status, database: database.kind }, 'migrations applied');
      await database.close();
      return;
    }
    case 'rotate-keys': {
      const [{ openDatabase }, { addKeyToFile, loadKeyRing }, { rotateChannelKeys }] = await Promise.all([
        import('./db/client.js'),
        import('./lib/crypto.js'),
        import('./modules/channels/rotate-keys.js'),
      ]);
      const database = await openDatabase(config.database);
      let unreadable = 0;
      try {
        await database.migrate();
        if (!config.secretKeys) {
          // The key file is created on first start; a fresh install gets it here, then a newer key.
          await loadKeyRing(undefined, config.dataDir);
          const added = await addKeyToFile(config.dataDir);
          process.stdout.write(`added secret key ${added} to ${config.dataDir}/secret-keys.json\n`);
        }
        const keys = await loadKeyRing(config.secretKeys, config.dataDir);
        const result = await rotateChannelKeys(database.db, keys);
        unreadable = result.unreadable.length;
        process.stdout.write(`re-encrypted ${result.reencrypted} channel credential(s) under key ${result.keyId}\n`);
        if (result.skipped > 0) process.stdout.write(`${result.skipped} changed while rotating and were left as written (run again to check)\n`);
        if (unreadable > 0) {
          process.stderr.write(`${unreadable} channel(s) have credentials no configured key can decrypt; reconnect them: ${result.unreadable.join(', ')}\n`);
        }
      } finally {
        await database.close();
      }
      if (unreadable > 0) process.exit(1);
      return;
    }
    case 'users': {
      const { usersCommand } = await import('./modules/auth/users-cli.js');
      process.exitCode = await usersCommand(argv.slice(1), config);
      return;
    }
    case 'start':
    case 'api':
    case 'worker':
      await startServer(command, config, logger);
      return;
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${USAGE}`);
      process.exit(2);
  }
}

/**
 * The long-running roles. The database starts opening before the rest of Herald is imported: PGlite's
 * WebAssembly compiles off the main thread and its files load asynchronously, so the HTTP app, the job
 * handlers and their dependencies load in that time instead of after it.
 */
async function startServer(role: 'start' | 'api' | 'worker', config: Config, logger: Logger): Promise<void> {
  const runsWorker = role !== 'api';
  const runsApi = role !== 'worker';
  const { openDatabase } = await import('./db/client.js');
  const database = openDatabase(config.database);
  // A failure here is reported by createRuntime, which awaits the same promise.
  database.catch(() => undefined);
  const [{ createRuntime }, { buildApp }, worker] = await Promise.all([
    import('./runtime.js'),
    import('./app.js'),
    runsWorker ? Promise.all([import('./jobs/handlers.js'), import('./modules/publishing/worker.js')]) : undefined,
  ]);
  const runtime = await createRuntime(config, { supervise: runsWorker, logger, database });
  let app: FastifyInstance | undefined;
  let stopSweeper = () => {};
  if (runsApi) {
    app = await buildApp(runtime);
    await app.listen({ host: config.host, port: config.port });
    const warning = publicUrlWarning(config);
    if (warning) logger.warn({ host: config.host, publicUrl: config.publicUrl }, warning);
    logger.info(
      { url: config.publicUrl, database: runtime.database.kind, role, startupMs: Math.round(performance.now()) },
      `Herald is running at ${config.publicUrl}`,
    );
  }
  // The worker starts once the API listens: readiness (/readyz) needs the database and the queue, which
  // createRuntime has opened, not the job handlers; their first polls would otherwise compete with building
  // the app. Jobs sent meanwhile wait in the queue.
  if (worker) {
    const [{ jobHandlers }, { startPublishingWorker }] = worker;
    // The heartbeat first: a worker that claims a target before its first beat could die unseen.
    stopSweeper = await startPublishingWorker(runtime);
    await runtime.queue.work(jobHandlers(runtime));
    await runtime.queue.schedule('refresh-channel-tokens', '*/15 * * * *', {});
    await runtime.queue.schedule('sync-metrics', '7 * * * *', {});
    logger.info('worker started');
  }
  installShutdown(runtime, app, () => stopSweeper());
}

function installShutdown(runtime: Runtime, app: FastifyInstance | undefined, beforeClose: () => void): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 20_000);
    timer.unref();
    beforeClose();
    await app?.close().catch(() => undefined);
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`herald: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
