import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon, { type Options, type Result } from 'autocannon';
import { CLI, createDatabase, dropDatabase, freePort, heraldEnv, http, log, pool, round, startChild, type Child } from './lib.js';

export interface ApiOptions {
  backend: 'pglite' | 'postgres';
  durationSeconds: number;
  connections: number;
  calendarPosts: number;
  env?: Record<string, string>;
}

export interface ApiScenario {
  name: string;
  connections: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  /** This scenario's requests per second over its reference's in the same run: the bare Fastify route serving the same payload (calendars), else hello world. */
  ratio: number | null;
  latencyAvgMs: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** Herald's SQL statements per request (Herald scenarios only). */
  statementsPerRequest?: number;
}

export interface ApiResult {
  backend: 'pglite' | 'postgres';
  calendar: { month: string; posts: number; channelsPerPost: number; responseBytes: Record<string, number> };
  scenarios: ApiScenario[];
}

// Per run: several benchmarks may share one PostgreSQL (and would drop each other's database).
const BENCH_DB = `herald_bench_api_${process.pid}`;
const CHANNELS_PER_POST = 2;
/** Requests per scenario whose SQL statements are counted (one at a time, after the load). */
const COUNTED_REQUESTS = 50;

/**
 * A real listening Herald (`herald api`, in its own process) under autocannon from this process, next
 * to a bare Fastify measured in the same run as the reference: hello world, and each calendar answer
 * Herald gives, served from memory. SQL statements per request come from Herald's own counter
 * (`herald_db_statements_total` on /metrics), read around requests sent one at a time.
 */
export async function runApi(opts: ApiOptions): Promise<ApiResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-bench-api-'));
  const databaseUrl = opts.backend === 'postgres' ? await createDatabase(BENCH_DB) : undefined;
  const children: Child[] = [];
  try {
    const port = await freePort();
    const env = heraldEnv({ dataDir, publicUrl: `http://127.0.0.1:${port}`, databaseUrl, extra: { HOST: '127.0.0.1', PORT: String(port), HERALD_RATE_LIMIT_MAX: '100000000', HERALD_METRICS_TOKEN: METRICS_TOKEN, ...opts.env } });
    // The general per-user budget (600 a minute by default) would answer 429 under load: out of the way.
    const herald = await startChild({ name: 'herald api', args: [CLI, 'api'], env, port, readyPath: '/readyz' });
    children.push(herald);
    const base = `${herald.url}/api/v1`;

    const owner = await http<{ accessToken: string }>(base, 'POST', '/auth/register', {
      body: { email: 'bench@example.com', password: 'benchmark horse battery staple', name: 'Bench' },
      expect: 201,
    });
    const token = owner.accessToken;
    const org = await http<{ id: string }>(base, 'POST', '/orgs', { token, body: { name: 'Bench Co' }, expect: 201 });
    const ws = await http<{ id: string }>(base, 'POST', `/orgs/${org.id}/workspaces`, { token, body: { name: 'Bench', timezone: 'UTC' }, expect: 201 });
    const channelIds: string[] = [];
    for (let i = 0; i < CHANNELS_PER_POST; i++) {
      channelIds.push((await http<{ id: string }>(base, 'POST', `/workspaces/${ws.id}/channels/sandbox`, { token, body: { name: `Bench ${i + 1}` }, expect: 201 })).id);
    }

    // The calendar month: next month (wholly in the future, so every post can be scheduled in it).
    const now = new Date();
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const days = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 0)).getUTCDate();
    const ym = month.toISOString().slice(0, 7);
    log(`${opts.backend}: creating ${opts.calendarPosts} posts in ${ym} through the API`);
    await pool([...Array(opts.calendarPosts).keys()], 4, async (i) => {
      const at = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), 1 + (i % days), 8 + (i % 10), (i * 7) % 60));
      await http(base, 'POST', `/workspaces/${ws.id}/posts`, {
        token,
        body: { text: `Calendar post ${i} with a little text, a link https://example.com/${i} and a #tag`, channelIds, scheduledAt: at.toISOString() },
        expect: 201,
      });
    });
    const headers = { authorization: `Bearer ${token}` };
    const monthPath = `/workspaces/${ws.id}/calendar?from=${ym}-01&to=${ym}-${String(days).padStart(2, '0')}`;
    const calendars = { 'month-4-a-day': `${monthPath}&perDay=4`, 'month-all': monthPath };
    const payloadDir = join(dataDir, 'payloads');
    await mkdir(payloadDir);
    const responseBytes: Record<string, number> = {};
    const etags: Record<string, string> = {};
    for (const [name, path] of Object.entries(calendars)) {
      const res = await fetch(base + path, { headers });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 200)}`);
      const body = JSON.parse(text) as { days: { total: number; posts: unknown[] }[] };
      const total = body.days.reduce((n, d) => n + d.total, 0);
      if (total !== opts.calendarPosts) throw new Error(`the calendar counts ${total} posts, expected ${opts.calendarPosts}`);
      responseBytes[name] = Buffer.byteLength(text);
      etags[name] = res.headers.get('etag') ?? '';
      await writeFile(join(payloadDir, `${name}.json`), text);
    }

    // The references, in the same run, while Herald sits idle.
    const helloPort = await freePort();
    const hello = await startChild({ name: 'bare Fastify', args: [join('bench', 'hello.ts')], env: { PORT: String(helloPort), PAYLOAD_DIR: payloadDir }, port: helloPort, readyPath: '/' });
    children.push(hello);
    const scenarios: ApiScenario[] = [];
    const reference = await measure('hello world (bare Fastify)', { url: `${hello.url}/` }, opts, null);
    scenarios.push(reference);
    const bare: Record<string, number> = {};
    for (const name of Object.keys(calendars)) {
      const r = await measure(`bare Fastify: ${name} calendar from memory`, { url: `${hello.url}/payload/${name}` }, opts, null);
      bare[name] = r.requestsPerSecond;
      scenarios.push(r);
    }
    await hello.stop();

    const counted = (path: string, extra: Record<string, string> = {}) => statementsPerRequest(herald.url, base + path, { ...headers, ...extra });
    const herald200 = async (name: keyof typeof calendars) => {
      const r = await measure(`GET calendar ${name} (${opts.calendarPosts} posts, 200)`, { url: base + calendars[name], headers }, opts, bare[name]!);
      return { ...r, statementsPerRequest: await counted(calendars[name]) };
    };
    scenarios.push(await herald200('month-4-a-day'));
    const revalidate = { ...headers, 'if-none-match': etags['month-4-a-day']! };
    const notModified = await measure('GET calendar month-4-a-day, unchanged (If-None-Match → 304)', { url: base + calendars['month-4-a-day'], headers: revalidate }, opts, bare['month-4-a-day']!, 304);
    scenarios.push({ ...notModified, statementsPerRequest: await counted(calendars['month-4-a-day'], { 'if-none-match': etags['month-4-a-day']! }) });
    scenarios.push(await herald200('month-all'));
    const me = await measure('GET /me (authenticated, trivial)', { url: `${base}/me`, headers }, opts, reference.requestsPerSecond);
    scenarios.push({ ...me, statementsPerRequest: await counted('/me') });

    // Created posts go two months ahead, so the calendar month above keeps its size.
    const later = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 2, 15, 10, 0)).toISOString();
    const create = {
      url: `${base}/workspaces/${ws.id}/posts`,
      method: 'POST' as const,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'A post created under load, scheduled for later.', channelIds, scheduledAt: later }),
    };
    const created = await measure('POST create post (scheduled, 2 channels)', create, opts, reference.requestsPerSecond);
    scenarios.push({ ...created, statementsPerRequest: await statementsPerRequest(herald.url, create.url, create.headers, create.body) });
    // Publish now: the same writes, its jobs due at once (this API process runs no worker, so they wait in the queue).
    const publishNow = { ...create, body: JSON.stringify({ text: 'A post published now under load.', channelIds, publishNow: true }) };
    const published = await measure('POST create post (publish now, 2 channels)', publishNow, opts, reference.requestsPerSecond);
    scenarios.push({ ...published, statementsPerRequest: await statementsPerRequest(herald.url, publishNow.url, publishNow.headers, publishNow.body) });
    return { backend: opts.backend, calendar: { month: ym, posts: opts.calendarPosts, channelsPerPost: CHANNELS_PER_POST, responseBytes }, scenarios };
  } finally {
    for (const child of children.reverse()) await child.stop();
    if (databaseUrl) await dropDatabase(BENCH_DB).catch((err: unknown) => log(`dropping ${BENCH_DB} failed: ${String(err)}`));
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** /metrics is served on the API port only with a bearer token (HERALD_METRICS_TOKEN). */
const METRICS_TOKEN = 'bench-metrics-token-0123456789';

/** Herald's SQL statement counter around requests sent one at a time (nothing else runs meanwhile). */
async function statementsPerRequest(heraldUrl: string, url: string, headers: Record<string, string>, body?: string): Promise<number> {
  const read = async () => {
    const text = await (await fetch(`${heraldUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const line = text.split('\n').find((l) => l.startsWith('herald_db_statements_total '));
    if (!line) throw new Error('herald_db_statements_total is missing from /metrics');
    return Number(line.split(' ')[1]);
  };
  const before = await read();
  for (let i = 0; i < COUNTED_REQUESTS; i++) {
    const res = await fetch(url, { method: body ? 'POST' : 'GET', headers, ...(body ? { body } : {}) });
    await res.arrayBuffer();
    if (res.status >= 400) throw new Error(`${url}: ${res.status}`);
  }
  return round(((await read()) - before) / COUNTED_REQUESTS, 2);
}

/**
 * A short warm-up (JIT, caches, pools), then the measured run. `non2xx` counts answers other than
 * `expected` (a 2xx by default; 304 for revalidation).
 */
async function measure(name: string, request: Omit<Options, 'connections' | 'duration'>, opts: ApiOptions, referenceRps: number | null, expected?: number): Promise<ApiScenario> {
  log(`${opts.backend}: ${name}`);
  await autocannon({ ...request, connections: opts.connections, duration: 2, timeout: 30 });
  const r: Result = await autocannon({ ...request, connections: opts.connections, duration: opts.durationSeconds, timeout: 30 });
  const rps = round(r.requests.average);
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, Number(s.count)]));
  const unexpected = expected === undefined ? r.non2xx : Object.entries(statusCodes).reduce((n, [code, count]) => n + (Number(code) === expected ? 0 : count), 0);
  return {
    name,
    connections: opts.connections,
    durationSeconds: opts.durationSeconds,
    requests: r.requests.total,
    requestsPerSecond: rps,
    ratio: referenceRps ? rps / referenceRps : null,
    latencyAvgMs: round(r.latency.average, 2),
    latencyP50Ms: round(r.latency.p50, 2),
    latencyP99Ms: round(r.latency.p99, 2),
    latencyMaxMs: round(r.latency.max, 2),
    non2xx: unexpected,
    errors: r.errors,
    statusCodes,
  };
}
