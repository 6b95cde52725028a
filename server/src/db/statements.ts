import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * Counts the SQL statements this process sends through its database handle (transaction BEGIN and
 * COMMIT included), for /metrics (`herald_db_statements_total`) and the benchmarks' statements per
 * request. One increment per call: no parsing, no timing.
 */
export class StatementCounter {
  count = 0;
}

/** Counts every query of the pool's clients (pool.query runs on a client too). */
export function countPoolStatements(pool: pg.Pool): StatementCounter {
  const counter = new StatementCounter();
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      counter.count += 1;
      return query(...args);
    };
  });
  return counter;
}

/** Counts PGlite's queries, inside transactions too (their BEGIN and COMMIT as two). */
export function countPgliteStatements(pglite: PGlite): StatementCounter {
  const counter = new StatementCounter();
  const wrap = <T extends Pick<PGlite, 'query' | 'exec'>>(target: T) => {
    const query = target.query.bind(target);
    const exec = target.exec.bind(target);
    target.query = ((...args: Parameters<typeof query>) => {
      counter.count += 1;
      return query(...args);
    }) as typeof target.query;
    target.exec = ((...args: Parameters<typeof exec>) => {
      counter.count += 1;
      return exec(...args);
    });
  };
  wrap(pglite);
  const transaction = pglite.transaction.bind(pglite);
  pglite.transaction = (<T>(callback: (tx: Transaction) => Promise<T>) =>
    transaction((tx) => {
      counter.count += 2;
      wrap(tx);
      return callback(tx);
    }));
  return counter;
}
