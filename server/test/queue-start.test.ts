import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.js';
import { JOBS } from '../src/jobs/catalog.js';
import { JobQueue } from '../src/jobs/queue.js';
import { createTestApp, type TestApp } from './helpers/app.js';

/**
 * Starting the queue on a database that has the catalog's queues reads them once and creates none; a
 * queue whose retry settings differ from the catalog's (an older release's) is brought up to date.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('queue start', () => {
  it("brings an existing queue's retry settings to the catalog's", async () => {
    await t.runtime.db.execute(sql`update pgboss.queue set retry_limit = 99, retry_delay = 1 where name = 'publish-target'`);
    const config = t.runtime.config.database;
    const queue = await JobQueue.start(t.runtime.database, t.runtime.logger, { supervise: false, postgresUrl: config.kind === 'postgres' ? config.url : undefined });
    try {
      const [row] = rowsOf<{ retryLimit: number; retryDelay: number }>(
        await t.runtime.db.execute(sql`select retry_limit as "retryLimit", retry_delay as "retryDelay" from pgboss.queue where name = 'publish-target'`),
      );
      expect(row).toEqual({ retryLimit: JOBS['publish-target'].retry.retryLimit, retryDelay: JOBS['publish-target'].retry.retryDelay });
    } finally {
      await queue.stop();
    }
  });
});
