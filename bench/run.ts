/**
 * `npm run bench`: the publishing scheduler under a burst, and the API under load, on PGlite and on
 * PostgreSQL. Prints a markdown table and writes the raw figures to bench/results/<time>.json.
 *
 *   npm run bench                                   full run (10,000 targets, both databases, API)
 *   npm run bench -- --targets 500 --only scheduler --db pglite     a quick one while developing
 *
 * Options: --targets N (10000) --channels N (5 per post) --latency MS (50) --timeout S (300)
 *          --rate N (100: the steady-stream scenario, N targets due per second) --rate-seconds S (30, 0: skip it)
 *          --db pglite,postgres --only scheduler|api|startup --duration S (10, per API scenario)
 *          --connections N (10) --calendar-posts N (500) --env KEY=VALUE (repeatable; Herald setting)
 *          --startup-runs N (3) --startup-node PATH (repeatable: start-up under another Node binary too)
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runApi, type ApiResult } from './api.js';
import { log, postgresAvailable, ROOT } from './lib.js';
import { runScheduler, SetupTooSlowError, type SchedulerResult } from './scheduler.js';
import { runStartup, type StartupResult } from './startup.js';

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: '10000' },
    channels: { type: 'string', default: '5' },
    latency: { type: 'string', default: '50' },
    timeout: { type: 'string', default: '300' },
    rate: { type: 'string', default: '100' },
    'rate-seconds': { type: 'string', default: '30' },
    db: { type: 'string', default: 'pglite,postgres' },
    only: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    'calendar-posts': { type: 'string', default: '500' },
    env: { type: 'string', multiple: true, default: [] },
    label: { type: 'string' },
    'startup-runs': { type: 'string', default: '3' },
    'startup-node': { type: 'string', multiple: true, default: [] },
  },
});
const only = values.only;
if (only !== undefined && !['scheduler', 'api', 'startup'].includes(only)) throw new Error(`--only: unknown part ${only}`);
const runs = (part: 'scheduler' | 'api' | 'startup') => only === undefined || only === part;

const int = (name: keyof typeof values, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
};
const backends = (values.db ?? '').split(',').map((s) => s.trim()).filter(Boolean);
for (const b of backends) if (b !== 'pglite' && b !== 'postgres') throw new Error(`--db: unknown database ${b}`);
const extraEnv = Object.fromEntries(
  (values.env ?? []).map((kv) => {
    const at = kv.indexOf('=');
    if (at < 1) throw new Error(`--env expects KEY=VALUE, got ${kv}`);
    return [kv.slice(0, at), kv.slice(at + 1)];
  }),
);

async function main() {
  const started = new Date();
  const pgVersion = backends.includes('postgres') ? await postgresAvailable() : null;
  const machine: Machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: pgVersion,
    loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
  };
  const chosen = backends.filter((b) => {
    if (b === 'postgres' && !pgVersion) {
      log('PostgreSQL is not reachable (HERALD_BENCH_PG_URL or postgres://postgres@127.0.0.1:5432): skipping it');
      return false;
    }
    return true;
  }) as ('pglite' | 'postgres')[];

  const scheduler: SchedulerResult[] = [];
  const api: ApiResult[] = [];
  const startup: StartupResult[] = [];
  if (runs('startup')) {
    // Start-up is measured on the build users run (server/bin/herald.mjs); build it if sources changed.
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: ['ignore', 2, 2] });
    if (build.status !== 0) throw new Error('build failed');
    for (const node of [process.execPath, ...(values['startup-node'] ?? [])]) {
      startup.push(await runStartup({ runs: int('startup-runs', values['startup-runs']), node }));
    }
  }
  if (runs('scheduler')) {
    for (const backend of chosen) {
      log(`scheduler on ${backend}`);
      const options = {
        backend,
        targets: int('targets', values.targets),
        channels: int('channels', values.channels),
        latencyMs: Number(values.latency),
        timeoutSeconds: int('timeout', values.timeout),
        env: extraEnv,
      };
      scheduler.push(await schedulerRun(options));
      // A steady stream (100 due per second by default): lateness when the worker keeps up.
      const rateSeconds = Number(values['rate-seconds']);
      if (rateSeconds > 0) {
        const rate = int('rate', values.rate);
        log(`scheduler on ${backend}: ${rate} targets due per second for ${rateSeconds} s`);
        scheduler.push(await schedulerRun({ ...options, targets: rate * rateSeconds, ratePerSecond: rate }));
      }
    }
  }
  if (runs('api')) {
    for (const backend of chosen) {
      log(`API on ${backend}`);
      api.push(
        await runApi({
          backend,
          durationSeconds: int('duration', values.duration),
          connections: int('connections', values.connections),
          calendarPosts: int('calendar-posts', values['calendar-posts']),
          env: extraEnv,
        }),
      );
    }
  }

  const finished = new Date();
  const report = { label: values.label ?? null, started: started.toISOString(), finished: finished.toISOString(), machine: { ...machine, loadAverageAtEnd: loadavg().map((n) => Math.round(n * 100) / 100) }, env: extraEnv, startup, scheduler, api };
  const dir = join(ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(markdown(report));
  process.stdout.write(`\nRaw results: ${file}\n`);
  const broken = scheduler.some((s) => !s.exactlyOnce.ok || s.timedOut) || api.some((a) => a.scenarios.some((s) => s.non2xx > 0 || s.errors > 0));
  if (broken) process.exitCode = 1;
}

/** A scheduler run, started over once with more time for creating the posts should that overrun the due time. */
async function schedulerRun(options: Omit<Parameters<typeof runScheduler>[0], 'setupFactor'>): Promise<SchedulerResult> {
  try {
    return await runScheduler({ ...options, setupFactor: 1.4 });
  } catch (err) {
    if (!(err instanceof SetupTooSlowError)) throw err;
    log(`${options.backend}: ${err.message}; starting over with more time for it`);
    return runScheduler({ ...options, setupFactor: 3 });
  }
}

/** A ratio as a percentage with two significant digits (0.00123 → "0.12"). */
function percentOf(ratio: number): string {
  return Number((ratio * 100).toPrecision(2)).toString();
}

interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  postgres: string | null;
  loadAverageAtStart: number[];
}

function markdown(r: { started: string; machine: Machine; env: Record<string, string>; startup: StartupResult[]; scheduler: SchedulerResult[]; api: ApiResult[] }): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(`\n## Herald benchmark, ${r.started}`, '');
  lines.push(`Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}, PostgreSQL ${m.postgres ?? 'n/a'}, load average at start ${JSON.stringify(m.loadAverageAtStart)}`);
  if (Object.keys(r.env).length > 0) lines.push(`Herald settings: ${Object.entries(r.env).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (r.startup.length > 0) {
    const label = { 'pglite-first': 'bare PGlite, new directory', 'pglite-restart': 'bare PGlite, existing directory', 'herald-first': '`herald start`, new data directory', 'herald-restart': '`herald start`, existing data directory' };
    lines.push('', `### Start-up: spawn to ready (/readyz 200; bare PGlite: \`select 1\` answered), median of ${r.startup[0]?.runs ?? 0} [min–max]`, '');
    lines.push('| Node | what | ready (ms) | peak RSS (MB) |');
    lines.push('|---|---|---|---|');
    for (const s of r.startup) {
      for (const c of s.scenarios) {
        lines.push(`| ${s.node} | ${label[c.name]} | ${c.readyMs.median} [${c.readyMs.min}–${c.readyMs.max}] | ${c.peakRssMb.median} [${c.peakRssMb.min}–${c.peakRssMb.max}] |`);
      }
    }
  }
  if (r.scheduler.length > 0) {
    lines.push('', '### Scheduler: targets due at the same instant (burst) or N due per second, sandbox latency per call', '');
    lines.push('SQL statements per target: Herald\'s database handle, BEGIN/COMMIT included (pg-boss too on PGlite, not on PostgreSQL where it has its own pool).', '');
    lines.push('| database | due | targets (posts × channels) | latency | throughput (targets/s) | drain (s) | first (ms) | lateness p50 (ms) | p99 (ms) | max (ms) | SQL statements / target | published exactly once | attempts | CPU s Herald / PostgreSQL | machine busy | setup (posts/s) |');
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const s of r.scheduler) {
      const once = s.exactlyOnce.ok ? `yes (${s.exactlyOnce.copies['1'] ?? 0}/${s.targets})` : `NO ${JSON.stringify(s.exactlyOnce.copies)}`;
      lines.push(
        `| ${s.backend} | ${s.scenario} | ${s.targets} (${s.posts} × ${s.channels}) | ${s.latencyMs} ms | ${s.throughput} | ${s.drainSeconds} | ${s.lateness.firstMs} | ${s.lateness.p50Ms} | ${s.lateness.p99Ms} | ${s.lateness.maxMs} | ${s.statementsPerTarget} | ${once}${s.timedOut ? ' (timed out)' : ''} | ${s.attempts} | ${s.cpu.heraldSeconds} / ${s.backend === 'postgres' ? s.cpu.postgresSeconds : '—'} | ${s.cpu.machineBusyPercent} % | ${s.setup.postsPerSecond} |`,
      );
    }
  }
  if (r.api.length > 0) {
    lines.push('', '### API: requests per second and latency (autocannon)', '');
    lines.push('Reference: the bare Fastify route serving the same payload from memory (calendars), else hello world; same run.', '');
    lines.push('| database | scenario | connections | req/s | % of reference | latency p50 (ms) | p99 (ms) | SQL statements / request | unexpected status | errors |');
    lines.push('|---|---|---|---|---|---|---|---|---|---|');
    for (const a of r.api) {
      for (const s of a.scenarios) {
        lines.push(
          `| ${a.backend} | ${s.name} | ${s.connections} | ${s.requestsPerSecond} | ${s.ratio === null ? '—' : `${percentOf(s.ratio)} %`} | ${s.latencyP50Ms} | ${s.latencyP99Ms} | ${s.statementsPerRequest ?? '—'} | ${s.non2xx} | ${s.errors} |`,
        );
      }
      lines.push(`| ${a.backend} | answer sizes (bytes) | ${Object.entries(a.calendar.responseBytes).map(([k, v]) => `${k}: ${v}`).join(', ')} | | | | | | | |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
