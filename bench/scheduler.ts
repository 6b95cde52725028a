import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { rowsOf } from '../server/src/db/client.js';
import { jobHandlers } from '../server/src/jobs/handlers.js';
import { PostsService } from '../server/src/modules/posts/service.js';
import { startPublishingWorker } from '../server/src/modules/publishing/worker.js';
import { createRuntime, type Runtime } from '../server/src/runtime.js';
import { cpuSnapshot, createDatabase, dropDatabase, heraldEnv, log, percentile, pool, round } from './lib.js';

export interface SchedulerOptions {
  backend: 'pglite' | 'postgres';
  targets: number;
  channels: number;
  latencyMs: number;
  /** Give up waiting for the last target after this long past the due time. */
  timeoutSeconds: number;
  /** Extra environment for the Herald under test (e.g. publishing settings). */
  env?: Record<string, string>;
  /** Time allowed for creating the posts, as a multiple of the calibrated estimate. */
  setupFactor: number;
  /**
   * Targets falling due per second (a steady stream, posts due one after another from the first due
   * time); undefined: every target due at the same instant (a burst).
   */
  ratePerSecond?: number | undefined;
}

/** Creating the posts took longer than the time left before they are due (a busy machine). */
export class SetupTooSlowError extends Error {
  constructor() {
    super('creating the posts took longer than the time left before they were due');
  }
}

export interface SchedulerResult {
  backend: 'pglite' | 'postgres';
  /** `burst`: all due at once; `N/s`: a steady stream of N targets falling due per second. */
  scenario: string;
  targets: number;
  posts: number;
  channels: number;
  latencyMs: number;
  setup: { seconds: number; postsPerSecond: number };
  dueAt: string;
  published: number;
  notPublished: Record<string, number>;
  timedOut: boolean;
  /** Targets per second from the due time until the last one was published. */
  throughput: number;
  drainSeconds: number;
  lateness: { firstMs: number; p50Ms: number; p99Ms: number; maxMs: number };
  exactlyOnce: { ok: boolean; copies: Record<string, number> };
  attempts: number;
  /**
   * SQL statements Herald sent through its database handle from the first due time until the last
   * target settled, per published target (BEGIN and COMMIT included; the benchmark's own progress
   * queries left out). On PGlite pg-boss shares the handle, so its fetches and completions are
   * included; on PostgreSQL pg-boss has its own pool and they are not.
   */
  statementsPerTarget: number;
  jobs: Record<string, number>;
  /** Published count every half second after the due time: [seconds since due, published]. */
  progress: [number, number][];
  /**
   * CPU while draining: this (Herald) process, the local PostgreSQL processes, and the whole
   * machine's busy share (other work on the machine included).
   */
  cpu: { heraldSeconds: number; postgresSeconds: number; machineBusyPercent: number; wallSeconds: number };
}

const BENCH_DB = 'herald_bench';

/**
 * 10,000 (by default) targets due at one instant on sandbox channels, published by the real worker:
 * the publish-target handlers registered exactly as `herald worker` registers them, with the sweeper.
 * Data goes in through the real HTTP routes (account, workspace, channels) and PostsService.create
 * (posts, targets and their publish jobs, in one transaction per post).
 */
export async function runScheduler(opts: SchedulerOptions): Promise<SchedulerResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-bench-'));
  const databaseUrl = opts.backend === 'postgres' ? await createDatabase(BENCH_DB) : undefined;
  const env = heraldEnv({
    dataDir,
    publicUrl: 'http://bench.invalid',
    databaseUrl,
    extra: { HERALD_SANDBOX_LATENCY_MS: String(opts.latencyMs), ...opts.env },
  });
  // PGlite on disk in a temporary directory, as `herald start` keeps it (not in memory).
  const config = loadConfig(env);
  const logger = pino({ level: config.logLevel, base: { service: 'herald' } }, pino.destination(2));
  let runtime: Runtime | undefined;
  let stopSweeper = () => {};
  try {
    runtime = await createRuntime(config, { supervise: true, logger });
    const { actorId, organizationId, workspaceId, channelIds } = await createAccount(runtime, opts.channels);

    const posts = new PostsService(runtime);
    const postCount = Math.ceil(opts.targets / opts.channels);
    const concurrency = opts.backend === 'postgres' ? 8 : 4;
    const create = (scheduledAt: Date | undefined, i: number) =>
      posts.create(organizationId, workspaceId, actorId, {
        text: `Benchmark post ${i}: the same minute as every other one.`,
        channelIds: i === postCount - 1 && opts.targets % opts.channels !== 0 ? channelIds.slice(0, opts.targets % opts.channels) : channelIds,
        mediaIds: [],
        targets: [],
        ...(scheduledAt ? { scheduledAt } : {}),
      });

    // Calibrate the creation rate (after a warm-up) with posts scheduled a day ahead, outside the
    // measured set, so the due time leaves room for creating every post without much idle waiting.
    const later = new Date(Date.now() + 86_400_000);
    await pool([...Array(Math.min(30, postCount)).keys()], concurrency, async (i) => void (await create(later, -1 - i)));
    const calibration = Math.min(40, postCount);
    const c0 = performance.now();
    await pool([...Array(calibration).keys()], concurrency, async (i) => void (await create(later, -100 - i)));
    const perPostMs = (performance.now() - c0) / calibration;
    const setupBudgetMs = opts.setupFactor * perPostMs * postCount + 5_000;
    const dueAt = new Date(Math.ceil((Date.now() + setupBudgetMs) / 1000) * 1000);
    // A steady stream: post i falls due i × (channels / rate) seconds after the first.
    const dueOf = (i: number) => (opts.ratePerSecond ? new Date(dueAt.getTime() + Math.round((i * opts.channels * 1000) / opts.ratePerSecond)) : dueAt);
    const lastDue = dueOf(postCount - 1);
    const scenario = opts.ratePerSecond ? `${opts.ratePerSecond}/s` : 'burst';
    log(`${opts.backend} ${scenario}: creating ${postCount} posts × ${opts.channels} channels due from ${dueAt.toISOString()} (~${round(perPostMs)} ms per post)`);

    // The worker, as `herald worker` starts it (cli.ts): heartbeat and sweep, every job handler, the
    // recurring jobs. It runs while the posts are created, as in a live deployment.
    stopSweeper = await startPublishingWorker(runtime);
    await runtime.queue.work(jobHandlers(runtime));
    await runtime.queue.schedule('refresh-channel-tokens', '*/15 * * * *', {});
    await runtime.queue.schedule('sync-metrics', '7 * * * *', {});

    const s0 = performance.now();
    await pool([...Array(postCount).keys()], concurrency, async (i) => {
      if (Date.now() >= dueAt.getTime() - 200) throw new SetupTooSlowError();
      await create(dueOf(i), i);
    });
    const setupSeconds = (performance.now() - s0) / 1000;
    log(`${opts.backend}: ${postCount} posts created in ${round(setupSeconds)} s; waiting for ${round((dueAt.getTime() - Date.now()) / 1000)} s until they are due`);

    await sleep(Math.max(0, dueAt.getTime() - Date.now()));
    const statements0 = runtime.database.statements();
    let ownStatements = 0;
    const cpu0 = process.cpuUsage();
    const machine0 = await cpuSnapshot();
    const wall0 = performance.now();
    const progress: [number, number][] = [];
    const deadline = lastDue.getTime() + opts.timeoutSeconds * 1000;
    let counts: Record<string, number>;
    let lastLogged = 0;
    for (;;) {
      const before = runtime.database.statements();
      counts = await statusCounts(runtime, dueAt, lastDue);
      ownStatements += runtime.database.statements() - before;
      const published = counts.published ?? 0;
      const since = (Date.now() - dueAt.getTime()) / 1000;
      progress.push([round(since), published]);
      if (since - lastLogged >= 10) {
        lastLogged = since;
        log(`${opts.backend}: ${published}/${opts.targets} published after ${Math.round(since)} s`);
      }
      const settled = Object.entries(counts).filter(([s]) => !['scheduled', 'retrying', 'publishing'].includes(s)).reduce((n, [, c]) => n + c, 0);
      if (settled >= opts.targets || Date.now() > deadline) break;
      await sleep(500);
    }
    const statements = runtime.database.statements() - statements0 - ownStatements;
    const cpu = process.cpuUsage(cpu0);
    const machine1 = await cpuSnapshot();
    const wall = (performance.now() - wall0) / 1000;
    const timedOut = Object.entries(counts).some(([s, c]) => ['scheduled', 'retrying', 'publishing'].includes(s) && c > 0);

    // Let jobs still running (duplicates from the sweeper, which should claim nothing) finish before
    // counting what the platform received, so a late double publish would be counted too.
    for (let i = 0; i < 30 && ((await jobStates(runtime, dueAt, lastDue)).active ?? 0) > 0; i++) await sleep(500);

    const lateness = rowsOf<{ ms: number }>(
      await runtime.db.execute(sql`
        select (extract(epoch from published_at - scheduled_at) * 1000)::float8 as ms
        from post_targets where ${dueBetween(dueAt, lastDue)} and status = 'published' order by 1`),
    ).map((r) => Number(r.ms));
    const copies = Object.fromEntries(
      rowsOf<{ copies: number; targets: number }>(
        await runtime.db.execute(sql`
          select n::int as copies, count(*)::int as targets from (
            select t.id, count(s.id) as n from post_targets t
            left join sandbox_posts s on s.idempotency_key = t.idempotency_key::text
            where ${dueBetween(dueAt, lastDue, sql`t.scheduled_at`)} group by t.id) x
          group by n order by n`),
      ).map((r) => [String(r.copies), Number(r.targets)]),
    );
    const [attemptRow] = rowsOf<{ n: number }>(
      await runtime.db.execute(sql`
        select count(*)::int as n from publish_attempts a join post_targets t on t.id = a.target_id
        where ${dueBetween(dueAt, lastDue, sql`t.scheduled_at`)}`),
    );
    const jobs = await jobStates(runtime, dueAt, lastDue);

    const published = counts.published ?? 0;
    // From the first due time until the last target went out.
    const [last] = rowsOf<{ ms: number }>(
      await runtime.db.execute(sql`select (extract(epoch from max(published_at) - ${dueAt.toISOString()}::timestamptz) * 1000)::float8 as ms from post_targets where ${dueBetween(dueAt, lastDue)}`),
    );
    const drainSeconds = Number(last?.ms ?? 0) / 1000;
    const notPublished = Object.fromEntries(Object.entries(counts).filter(([s]) => s !== 'published'));
    return {
      backend: opts.backend,
      scenario,
      targets: opts.targets,
      posts: postCount,
      channels: opts.channels,
      latencyMs: opts.latencyMs,
      setup: { seconds: round(setupSeconds), postsPerSecond: round(postCount / setupSeconds) },
      dueAt: dueAt.toISOString(),
      published,
      notPublished,
      timedOut,
      throughput: drainSeconds > 0 ? round(published / drainSeconds) : 0,
      drainSeconds: round(drainSeconds, 2),
      lateness: {
        firstMs: Math.round(lateness[0] ?? 0),
        p50Ms: Math.round(percentile(lateness, 50)),
        p99Ms: Math.round(percentile(lateness, 99)),
        maxMs: Math.round(lateness[lateness.length - 1] ?? 0),
      },
      exactlyOnce: { ok: Object.keys(copies).length === 1 && copies['1'] === opts.targets, copies },
      attempts: Number(attemptRow?.n ?? 0),
      statementsPerTarget: published > 0 ? round(statements / published, 2) : 0,
      jobs,
      progress,
      cpu: {
        heraldSeconds: round((cpu.user + cpu.system) / 1e6, 2),
        postgresSeconds: round(machine1.postgres - machine0.postgres, 2),
        machineBusyPercent: machine1.total > machine0.total ? Math.round((100 * (machine1.busy - machine0.busy)) / (machine1.total - machine0.total)) : 0,
        wallSeconds: round(wall, 2),
      },
    };
  } finally {
    stopSweeper();
    await runtime?.close().catch((err: unknown) => log(`closing the runtime failed: ${String(err)}`));
    if (databaseUrl) await dropDatabase(BENCH_DB).catch((err: unknown) => log(`dropping ${BENCH_DB} failed: ${String(err)}`));
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** An owner, organization, workspace and sandbox channels, through the real HTTP routes (in-process). */
async function createAccount(runtime: Runtime, channels: number) {
  const app = await buildApp(runtime);
  await app.ready();
  try {
    const call = async <T>(method: 'GET' | 'POST', url: string, token: string | undefined, body: object, status = 201): Promise<T> => {
      const res = await app.inject({ method, url, payload: body, headers: token ? { authorization: `Bearer ${token}` } : {} });
      if (res.statusCode !== status) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 500)}`);
      return res.json<T>();
    };
    const owner = await call<{ user: { id: string }; accessToken: string }>('POST', '/api/v1/auth/register', undefined, {
      email: 'bench@example.com',
      password: 'benchmark horse battery staple',
      name: 'Bench',
    });
    const token = owner.accessToken;
    const org = await call<{ id: string }>('POST', '/api/v1/orgs', token, { name: 'Bench Co' });
    const ws = await call<{ id: string }>('POST', `/api/v1/orgs/${org.id}/workspaces`, token, { name: 'Bench', timezone: 'UTC' });
    const channelIds: string[] = [];
    for (let i = 0; i < channels; i++) {
      const ch = await call<{ id: string }>('POST', `/api/v1/workspaces/${ws.id}/channels/sandbox`, token, { name: `Bench ${i + 1}` });
      channelIds.push(ch.id);
    }
    return { actorId: owner.user.id, organizationId: org.id, workspaceId: ws.id, channelIds };
  } finally {
    await app.close();
  }
}

/** The measured targets: due from the first to the last due time (the calibration posts are a day later). */
function dueBetween(first: Date, last: Date, column = sql`scheduled_at`) {
  return sql`${column} between ${first.toISOString()}::timestamptz and ${last.toISOString()}::timestamptz`;
}

async function statusCounts(runtime: Runtime, dueAt: Date, lastDue: Date): Promise<Record<string, number>> {
  const rows = rowsOf<{ status: string; n: number }>(
    await runtime.db.execute(sql`select status, count(*)::int as n from post_targets where ${dueBetween(dueAt, lastDue)} group by status`),
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** pg-boss's own view of the publish-target jobs (retried or failed jobs would show here). */
async function jobStates(runtime: Runtime, dueAt: Date, lastDue: Date): Promise<Record<string, number>> {
  try {
    const rows = rowsOf<{ state: string; n: number }>(
      await runtime.db.execute(sql`
        select j.state::text as state, count(*)::int as n from pgboss.job j
        where j.name = 'publish-target' and j.data->>'targetId' in (select id::text from post_targets where ${dueBetween(dueAt, lastDue)})
        group by j.state`),
    );
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  } catch {
    return {};
  }
}

