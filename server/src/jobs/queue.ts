import { sql } from 'drizzle-orm';
import { PgBoss, fromDrizzle, fromPglite } from 'pg-boss';
import type { Database, Db } from '../db/client.js';
import type { Logger } from '../lib/logger.js';
import { JOBS, JOB_NAMES, type JobName, type JobPayload } from './catalog.js';

export interface SendOptions {
  /** Enqueue inside this transaction, so the job exists only if the state change commits. */
  tx?: Db;
  startAfter?: Date;
  singletonKey?: string;
}

export type JobHandler<N extends JobName> = (payload: JobPayload<N>, job: { id: string; retryCount: number }) => Promise<void>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };

/** pg-boss on Herald's own database (PGlite in embedded mode, PostgreSQL in production). */
export class JobQueue {
  private constructor(private readonly boss: PgBoss, private readonly logger: Logger) {}

  static async start(database: Database, logger: Logger, opts: { supervise: boolean; postgresUrl?: string | undefined }): Promise<JobQueue> {
    const common = {
      supervise: opts.supervise,
      schedule: opts.supervise,
      queueCacheIntervalSeconds: 2,
      monitorIntervalSeconds: 30,
    };
    const boss =
      database.kind === 'pglite'
        ? new PgBoss({ ...common, db: fromPglite(database.pglite!), backend: 'pglite' })
        : new PgBoss({ ...common, connectionString: opts.postgresUrl!, max: 4 });
    boss.on('error', (err: unknown) => logger.error({ err }, 'job queue error'));
    await boss.start();
    for (const name of JOB_NAMES) {
      await boss.createQueue(name, { ...JOBS[name].retry, policy: JOBS[name].policy });
    }
    return new JobQueue(boss, logger);
  }

  async send<N extends JobName>(name: N, payload: JobPayload<N>, opts: SendOptions = {}): Promise<string | null> {
    const data = JOBS[name].payload.parse(payload) as object;
    return this.boss.send(name, data, {
      ...(opts.tx ? { db: fromDrizzle(opts.tx as never, sql as never) } : {}),
      ...(opts.startAfter ? { startAfter: opts.startAfter } : {}),
      ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
    });
  }

  /** Registers a handler for every job in the catalog; a missing one is a startup error by type and at runtime. */
  async work(handlers: JobHandlers): Promise<void> {
    for (const name of JOB_NAMES) {
      const handler = handlers[name] as JobHandler<JobName> | undefined;
      if (!handler) throw new Error(`No handler for job ${name}`);
      await this.boss.work(name, { pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1, batchSize: 1, localConcurrency: JOBS[name].concurrency }, async (jobs) => {
        for (const job of jobs) {
          const payload = JOBS[name].payload.parse(job.data);
          try {
            await handler(payload, { id: job.id, retryCount: (job as { retryCount?: number }).retryCount ?? 0 });
          } catch (err) {
            this.logger.warn({ err, job: name, jobId: job.id }, 'job failed; it will be retried by policy');
            throw err;
          }
        }
      });
    }
  }

  async ping(): Promise<void> {
    await this.boss.getQueues();
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 10_000 });
  }
}
