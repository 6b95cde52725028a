import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
export const CLI = join(ROOT, 'server', 'src', 'cli.ts');

/** Nearest-rank percentile of an ascending array (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** The environment every Herald the benchmark starts gets, whatever the caller's shell holds. */
export function heraldEnv(opts: { dataDir: string; publicUrl: string; databaseUrl?: string | undefined; extra?: Record<string, string> }): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HERALD_DATA_DIR: opts.dataDir,
    HERALD_PUBLIC_URL: opts.publicUrl,
    HERALD_SECRET_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    HERALD_WEB_DIST: join(opts.dataDir, 'no-dashboard'),
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...opts.extra,
  };
}

/** PostgreSQL: the server the benchmark creates its databases on (`HERALD_BENCH_PG_URL`, else local). */
export const PG_ADMIN_URL = process.env.HERALD_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function postgresAvailable(): Promise<string | null> {
  try {
    return await admin(async (c) => {
      const r = await c.query<{ v: string }>("select current_setting('server_version') as v");
      return r.rows[0]?.v ?? 'unknown';
    });
  } catch {
    return null;
  }
}

/** A fresh database (dropped first if a previous run left it behind); returns its URL. */
export async function createDatabase(name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  await admin(async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
  });
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`drop database if exists ${name} with (force)`));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Child {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts a server as a child process (its own event loop, so the load generator in this process
 * does not compete with it on one thread) and waits until `readyPath` answers 200.
 */
export async function startChild(opts: { args: string[]; env: Record<string, string>; port: number; readyPath: string; name: string }): Promise<Child> {
  const child = spawn(TSX, opts.args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const url = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${opts.name} exited during start:\n${stderr}`);
    try {
      const res = await fetch(url + opts.readyPath);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${opts.name} did not become ready within 60 s:\n${stderr}`);
    }
    await sleep(200);
  }
  return {
    url,
    process: child,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** JSON over real HTTP; throws on an unexpected status so setup mistakes stop the run. */
export async function http<T>(base: string, method: string, path: string, opts: { token?: string; body?: unknown; expect?: number } = {}): Promise<T> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  if (res.status !== (opts.expect ?? 200)) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function pool<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  });
  await Promise.all(lanes);
}

/** CPU time so far (seconds): of the whole machine (busy and total) and of local `postgres` processes. */
export async function cpuSnapshot(): Promise<{ busy: number; total: number; postgres: number }> {
  const ticks = 100; // USER_HZ on Linux
  let busy = 0;
  let total = 0;
  let postgres = 0;
  try {
    const stat = await readFile('/proc/stat', 'utf8');
    const fields = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    busy = (user + nice + system + irq + softirq + steal) / ticks;
    total = busy + (idle + iowait) / ticks;
    for (const pid of await readdir('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const line = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      const close = line.lastIndexOf(')');
      if (!line.slice(line.indexOf('(') + 1, close).startsWith('postgres')) continue;
      const rest = line.slice(close + 2).split(' ');
      postgres += (Number(rest[11]) + Number(rest[12])) / ticks;
    }
  } catch {
    // not Linux: no figures
  }
  return { busy, total, postgres };
}
