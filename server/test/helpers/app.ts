import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Logger } from '../../src/lib/logger.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';

/**
 * A real Herald for one test file: its own clean database (in-memory PGlite, or a fresh PostgreSQL
 * database when the suite runs with HERALD_TEST_DB=postgres and TEST_DATABASE_URL), its own data dir.
 */
export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  config: Config;
  dataDir: string;
  close(): Promise<void>;
}

/** `logger`: where the app logs (tests that read the log lines); otherwise LOG_LEVEL (silent). */
export async function createTestApp(env: Record<string, string> = {}, opts: { logger?: Logger } = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-test-'));
  const pgDb = process.env.HERALD_TEST_DB === 'postgres' ? await createPostgresDatabase() : undefined;
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HERALD_DATA_DIR: dataDir,
      HERALD_PUBLIC_URL: 'http://herald.test',
      HERALD_SECRET_KEYS: `test1:${randomBytes(32).toString('base64')}`,
      HERALD_WEB_DIST: join(dataDir, 'no-web'),
      // Tests walk many routes as one user within a minute; test/rate-limits.test.ts sets its own budget.
      HERALD_RATE_LIMIT_MAX: '1000000',
      ...(pgDb ? { DATABASE_URL: pgDb.url } : {}),
      ...env,
    },
    { pgliteDir: null },
  );
  const runtime = await createRuntime(config, { supervise: false, ...(opts.logger ? { logger: opts.logger } : {}) });
  const app = await buildApp(runtime);
  await app.ready();
  return {
    app,
    runtime,
    config,
    dataDir,
    async close() {
      await app.close();
      await runtime.close();
      await pgDb?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('HERALD_TEST_DB=postgres needs TEST_DATABASE_URL');
  const name = `herald_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
