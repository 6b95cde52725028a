import { sql } from 'drizzle-orm';
import { PgBoss, fromDrizzle, fromPglite, type Job, type JobResult } from 'pg-boss';
import type { Database, Db } from '../db/client.js';
import type { Logger } from '../lib/logger.js';
import { errorMessage, serializeError } from '../lib/redact.js';
import { JOBS, JOB_NAMES, type BatchJobName, type JobName, type JobPayload } from './catalog.js';

export interface SendOptions {
  /** Enqueue inside this transaction, so the job exists only if the state change commits. */
  tx?: Db;
  startAfter?: Date;
  singletonKey?: string;
}

/** `signal` aborts when the worker stops or gives the job up (pg-boss's job signal). */
export type JobHandler<N extends JobName> = (payload: JobPayload<N>, job: { id: string; retryCount: number; signal: AbortSignal }) => Promise<void>;
/**
 * Handles a whole fetched batch. Resolves with the error of each job that failed (by job id; the
 * others completed); throwing fails the whole batch, every job then retried by policy.
 */
export type BatchJobHandler<N extends JobName> = (jobs: { payload: JobPayload<N>; id: string; retryCount: number; signal: AbortSignal }[]) => Promise<Map<string, unknown>>;
export type JobHandlers = { [N in JobName]: N extends BatchJobName ? BatchJobHandler<N> : JobHandler<N> };

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
    await ensureQueues(boss);
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

  /**
   * Sends several jobs of one name in one statement (pg-boss `insert`), in `opts.tx` when given. As with
   * `send`, a job whose singleton key is already queued is skipped.
   */
  async sendMany<N extends JobName>(name: N, jobs: readonly { payload: JobPayload<N>; startAfter?: Date; singletonKey?: string }[], opts: Pick<SendOptions, 'tx'> = {}): Promise<void> {
    if (jobs.length === 0) return;
    const rows = jobs.map((job) => ({
      data: JOBS[name].payload.parse(job.payload),
      ...(job.startAfter ? { startAfter: job.startAfter } : {}),
      ...(job.singletonKey ? { singletonKey: job.singletonKey } : {}),
    }));
    await this.boss.insert(name, rows, opts.tx ? { db: fromDrizzle(opts.tx as never, sql as never) } : {});
  }

  /**
   * Registers a handler for every job in the catalog; a missing one is a startup error by type and at runtime.
   * Each job name gets `concurrency / batchSize` pollers fetching `batchSize` jobs at a time, and a
   * poller whose batch came back full fetches again at once instead of waiting for the next poll. A
   * batch handler (`batch` in the catalog) gets the batch whole; otherwise the jobs of a batch run side
   * by side. Either way each job settles on its own (a failing job is retried alone).
   */
  async work(handlers: JobHandlers): Promise<void> {
    for (const name of JOB_NAMES) {
      const handler = handlers[name] as JobHandler<JobName> | BatchJobHandler<JobName> | undefined;
      if (!handler) throw new Error(`No handler for job ${name}`);
      const entry: { concurrency: number; batchSize: number; batch?: true } = JOBS[name];
      const { concurrency, batchSize } = entry;
      const options = {
        pollingIntervalSeconds: 1,
        notifyPollingIntervalSeconds: 1,
        batchSize,
        localConcurrency: Math.max(1, Math.ceil(concurrency / batchSize)),
        burstWhenBatchFull: batchSize > 1,
        perJobResults: true,
      } as const;
      const run = entry.batch ? this.runBatch(name, handler as BatchJobHandler<JobName>) : this.runEach(name, handler as JobHandler<JobName>);
      await this.boss.work(name, options, run);
    }
  }

  private runEach(name: JobName, handler: JobHandler<JobName>) {
    return async (jobs: Job<unknown>[]): Promise<JobResult[]> =>
      Promise.all(
        jobs.map(async (job): Promise<JobResult> => {
          try {
            const payload = JOBS[name].payload.parse(job.data);
            await handler(payload, { id: job.id, retryCount: job.retryCount ?? 0, signal: job.signal });
            return { id: job.id, status: 'completed' };
          } catch (err) {
            return this.failed(name, job.id, err);
          }
        }),
      );
  }

  private runBatch(name: JobName, handler: BatchJobHandler<JobName>) {
    return async (jobs: Job<unknown>[]): Promise<JobResult[]> => {
      const results = new Map<string, JobResult>();
      const valid: Parameters<BatchJobHandler<JobName>>[0] = [];
      for (const job of jobs) {
        const parsed = JOBS[name].payload.safeParse(job.data);
        if (parsed.success) valid.push({ payload: parsed.data, id: job.id, retryCount: job.retryCount ?? 0, signal: job.signal });
        else results.set(job.id, this.failed(name, job.id, parsed.error));
      }
      if (valid.length > 0) {
        const failures = await handler(valid);
        for (const job of valid) {
          results.set(job.id, failures.has(job.id) ? this.failed(name, job.id, failures.get(job.id)) : { id: job.id, status: 'completed' });
        }
      }
      return jobs.map((job) => results.get(job.id)!);
    };
  }

  private failed(name: JobName, jobId: string, err: unknown): JobResult {
    this.logger.warn({ err, job: name, jobId }, 'job failed; it will be retried by policy');
    // The output is stored in pg-boss's job table: no query parameters, no secrets (lib/redact.ts).
    return { id: jobId, status: 'failed', output: err instanceof Error ? serializeError(err) : { message: errorMessage(err) } };
  }

  /** Runs `name` on a cron schedule (UTC); pg-boss makes sure one instance schedules it, however many workers run. */
  async schedule<N extends JobName>(name: N, cron: string, payload: JobPayload<N>): Promise<void> {
    await this.boss.schedule(name, cron, JOBS[name].payload.parse(payload), { tz: 'UTC' });
  }

  async ping(): Promise<void> {
    await this.boss.getQueues();
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 10_000 });
  }
}

/**
 * Creates the catalog's queues that do not exist yet and brings an existing queue's retry settings up to
 * the catalog's: one read on a restart where nothing changed (a create per queue took two statements
 * and a transaction each, on every start). A queue's policy cannot change once created (pg-boss).
 */
type JobRetry = { retryLimit: number; retryDelay: number; retryBackoff: boolean; retryDelayMax?: number };

async function ensureQueues(boss: PgBoss): Promise<void> {
  const existing = new Map((await boss.getQueues([...JOB_NAMES])).map((q) => [q.name, q]));
  for (const name of JOB_NAMES) {
    const { policy } = JOBS[name];
    const retry: JobRetry = JOBS[name].retry;
    const queue = existing.get(name);
    if (!queue) {
      await boss.createQueue(name, { ...retry, policy });
    } else if (
      queue.retryLimit !== retry.retryLimit ||
      queue.retryDelay !== retry.retryDelay ||
      queue.retryBackoff !== retry.retryBackoff ||
      (queue.retryDelayMax ?? null) !== (retry.retryDelayMax ?? null)
    ) {
      await boss.updateQueue(name, { ...retry, retryDelayMax: retry.retryDelayMax ?? null });
    }
  }
}
