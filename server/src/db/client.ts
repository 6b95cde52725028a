import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Config } from '../config.js';
import { pgliteTemplate } from './pglite-template.js';
import * as schema from './schema.js';
import { countPgliteStatements, countPoolStatements, type StatementCounter } from './statements.js';

export type Schema = typeof schema;
/** The handle repositories take: the database itself or a transaction on it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Serialises migrations when several processes start at once against one PostgreSQL. */
const MIGRATION_LOCK_KEY = 724_011;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The PGlite instance in embedded mode (pg-boss runs on it too). */
  pglite: PGlite | undefined;
  /** The pool in PostgreSQL mode. */
  pool: pg.Pool | undefined;
  migrate(): Promise<void>;
  /** Applied migrations vs. the ones shipped with this build. */
  migrationStatus(): Promise<{ applied: number; expected: number }>;
  ping(): Promise<void>;
  /**
   * Runs hand-written SQL as a named prepared statement on PostgreSQL (parsed and planned once per
   * connection; `name` must be unique to `text`), as a plain extended-protocol query on PGlite.
   */
  prepared<T>(name: string, text: string, values: unknown[]): Promise<T[]>;
  /** SQL statements sent so far by this process through this handle (see statements.ts). */
  statements(): number;
  close(): Promise<void>;
}

export async function openDatabase(config: Config['database']): Promise<Database> {
  if (config.kind === 'pglite') {
    const pglite = await openPglite(config.dir);
    const counter = countPgliteStatements(pglite);
    const db = drizzlePglite(pglite, { schema }) as unknown as Db;
    return makeDatabase(db, 'pglite', pglite, undefined, counter, async () => {
      await migratePglite(drizzlePglite(pglite, { schema }), { migrationsFolder: MIGRATIONS_DIR });
    }, () => pglite.close());
  }
  const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const counter = countPoolStatements(pool);
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return makeDatabase(db, 'postgres', undefined, pool, counter, async () => {
    const client = await pool.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      await migratePg(drizzlePg(client, { schema }), { migrationsFolder: MIGRATIONS_DIR });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      client.release();
    }
  }, () => pool.end());
}

/**
 * PGlite on disk (or in memory). A directory without a database is filled from the build's template
 * when there is one (see pglite-template.ts), which spares the first start PGlite's initdb.
 */
async function openPglite(dir: string | null): Promise<PGlite> {
  if (!dir) return PGlite.create('memory://');
  await mkdir(dir, { recursive: true });
  const template = existsSync(join(dir, 'PG_VERSION')) ? undefined : await pgliteTemplate();
  return PGlite.create(dir, template ? { loadDataDir: template } : {});
}

function makeDatabase(
  db: Db,
  kind: 'pglite' | 'postgres',
  pglite: PGlite | undefined,
  pool: pg.Pool | undefined,
  counter: StatementCounter,
  migrate: () => Promise<void>,
  close: () => Promise<void>,
): Database {
  return {
    db,
    kind,
    pglite,
    pool,
    async migrate() {
      // drizzle's migrator applies the shipped migrations newer than the last one recorded; when there
      // are none it would still run its CREATE SCHEMA / CREATE TABLE IF NOT EXISTS, which on a freshly
      // opened PGlite are a start's costliest statements. One read answers "nothing to do" instead.
      if ((await lastAppliedMigrationAt(db)) >= lastShippedMigrationAt()) return;
      await migrate();
    },
    async migrationStatus() {
      const expected = shippedMigrationCount();
      try {
        const rows = await db.execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
        return { applied: Number(rowsOf<{ n: number }>(rows)[0]?.n ?? 0), expected };
      } catch {
        return { applied: 0, expected };
      }
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    statements: () => counter.count,
    async prepared<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
      if (pool) return (await pool.query({ name, text, values })).rows as T[];
      return (await pglite!.query<T>(text, values)).rows;
    },
    close,
  };
}

interface Journal {
  entries: { when: number }[];
}

let journal: Journal | undefined;
function shippedJournal(): Journal {
  journal ??= JSON.parse(readFileSync(`${MIGRATIONS_DIR}/meta/_journal.json`, 'utf8')) as Journal;
  return journal;
}

function shippedMigrationCount(): number {
  return shippedJournal().entries.length;
}

/** The newest shipped migration's time (drizzle's `folderMillis`, recorded as `created_at` once applied). */
function lastShippedMigrationAt(): number {
  return Math.max(0, ...shippedJournal().entries.map((e) => e.when));
}

/** The newest applied migration's time; 0 when none is recorded (or drizzle's table does not exist yet). */
async function lastAppliedMigrationAt(db: Db): Promise<number> {
  try {
    const rows = rowsOf<{ at: string | number | null }>(await db.execute(sql`select max(created_at)::text as at from drizzle.__drizzle_migrations`));
    return Number(rows[0]?.at ?? 0);
  } catch {
    return 0;
  }
}

/** `db.execute` returns `{rows}` on both drivers; this reads it without caring which. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []);
}
