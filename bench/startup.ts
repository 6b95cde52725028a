/**
 * Start-up: how long `herald start` takes to answer /readyz 200, and its peak resident memory, on a new
 * data directory (first start) and on the same directory again (restart); next to bare PGlite opening a
 * directory and answering `select 1`, in the same run. Each start is its own process, measured from spawn;
 * peak memory is the kernel's high-water mark of that process (VmHWM), read once it is ready.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, log, percentile, ROOT } from './lib.js';

export interface StartupScenario {
  name: 'pglite-first' | 'pglite-restart' | 'herald-first' | 'herald-restart';
  readyMs: { median: number; min: number; max: number };
  peakRssMb: { median: number; min: number; max: number };
}

export interface StartupResult {
  node: string;
  runs: number;
  scenarios: StartupScenario[];
}

const HERALD = join(ROOT, 'server', 'bin', 'herald.mjs');

/** Bare PGlite: open (or create) the directory, run a trivial query, report, exit. */
const BARE_PGLITE = `
import { PGlite } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
const pg = await PGlite.create(process.argv[1]);
await pg.query('select 1');
const hwm = Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
process.stdout.write('ready ' + hwm + '\\n');
await pg.close();
`;

interface Sample {
  readyMs: number;
  peakRssKb: number;
}

async function peakOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function barePglite(node: string, dir: string): Promise<Sample> {
  const started = performance.now();
  const child = spawn(node, ['--input-type=module', '-e', BARE_PGLITE, dir], { cwd: join(ROOT, 'server'), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let readyMs = 0;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (!readyMs && out.includes('ready ')) readyMs = performance.now() - started;
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const match = /ready (\d+)/.exec(out);
  if (code !== 0 || !match) throw new Error(`bare PGlite failed (exit ${code}):\n${err}`);
  return { readyMs, peakRssKb: Number(match[1]) };
}

async function heraldStart(node: string, dataDir: string): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(node, [HERALD, 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      HERALD_DATA_DIR: dataDir,
      HERALD_PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const deadline = Date.now() + 120_000;
  let readyMs = 0;
  while (!readyMs) {
    if (exited) throw new Error(`herald start exited before it was ready:\n${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`herald start was not ready within 120 s:\n${stderr}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.ok) readyMs = performance.now() - started;
    } catch {
      // not listening yet
    }
    if (!readyMs) await sleep(10);
  }
  const peakRssKb = await peakOf(child.pid!);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exit;
  clearTimeout(timer);
  return { readyMs, peakRssKb };
}

function summary(name: StartupScenario['name'], samples: Sample[]): StartupScenario {
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { median: percentile(sorted, 50), min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
  };
  return {
    name,
    readyMs: stats(samples.map((s) => Math.round(s.readyMs))),
    peakRssMb: stats(samples.map((s) => Math.round(s.peakRssKb / 1024))),
  };
}

/**
 * `runs` rounds; each round uses two new directories (one for PGlite, one for Herald) and measures a
 * first start, then a restart, of each. The server must be built (`npm run build`).
 */
export async function runStartup(opts: { runs: number; node?: string }): Promise<StartupResult> {
  const node = opts.node ?? process.execPath;
  const version = await new Promise<string>((resolve, reject) => {
    const child = spawn(node, ['--version'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', () => resolve(out.trim()));
  });
  const samples: Record<StartupScenario['name'], Sample[]> = { 'pglite-first': [], 'pglite-restart': [], 'herald-first': [], 'herald-restart': [] };
  for (let round = 1; round <= opts.runs; round++) {
    const pgDir = await mkdtemp(join(tmpdir(), 'herald-bench-pglite-'));
    const dataDir = await mkdtemp(join(tmpdir(), 'herald-bench-start-'));
    try {
      log(`start-up round ${round}/${opts.runs} on Node ${version}`);
      samples['pglite-first'].push(await barePglite(node, join(pgDir, 'db')));
      samples['pglite-restart'].push(await barePglite(node, join(pgDir, 'db')));
      samples['herald-first'].push(await heraldStart(node, dataDir));
      samples['herald-restart'].push(await heraldStart(node, dataDir));
    } finally {
      await rm(pgDir, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  return {
    node: version,
    runs: opts.runs,
    scenarios: (Object.keys(samples) as StartupScenario['name'][]).map((name) => summary(name, samples[name])),
  };
}
