import { mkdtemp, rm } from 'node:fs/promises';
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
  /** This scenario's requests per second over hello world's, in the same run. */
  ratio: number | null;
  latencyAvgMs: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}

export interface ApiResult {
  backend: 'pglite' | 'postgres';
  calendar: { month: string; posts: number; channelsPerPost: number; responseBytes: number };
  scenarios: ApiScenario[];
}

const BENCH_DB = 'herald_bench_api';
const CHANNELS_PER_POST = 2;

/**
 * A real listening Herald (`herald api`, in its own process) under autocannon from this process, next
 * to a bare Fastify hello world measured in the same run as the reference.
 */
export async function runApi(opts: ApiOptions): Promise<ApiResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-bench-api-'));
  const databaseUrl = opts.backend === 'postgres' ? await createDatabase(BENCH_DB) : undefined;
  const children: Child[] = [];
  try {
    const scenarios: ApiScenario[] = [];

    const helloPort = await freePort();
    const hello = await startChild({ name: 'hello world', args: [join('bench', 'hello.ts')], env: { PORT: String(helloPort) }, port: helloPort, readyPath: '/' });
    children.push(hello);
    const reference = await measure('hello world (bare Fastify)', { url: `${hello.url}/` }, opts, null);
    scenarios.push(reference);
    await hello.stop();

    const port = await freePort();
    const env = heraldEnv({ dataDir, publicUrl: `http://127.0.0.1:${port}`, databaseUrl, extra: { HOST: '127.0.0.1', PORT: String(port), ...opts.env } });
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
    const calendarPath = `/workspaces/${ws.id}/calendar?from=${ym}-01&to=${ym}-${String(days).padStart(2, '0')}`;
    const calendarRes = await fetch(base + calendarPath, { headers: { authorization: `Bearer ${token}` } });
    const calendarText = await calendarRes.text();
    const calendar = JSON.parse(calendarText) as { days: { posts: unknown[] }[] };
    const inMonth = calendar.days.reduce((n, d) => n + d.posts.length, 0);
    if (inMonth !== opts.calendarPosts) throw new Error(`the calendar shows ${inMonth} posts, expected ${opts.calendarPosts}`);

    const headers = { authorization: `Bearer ${token}` };
    scenarios.push(await measure(`GET calendar (month of ${opts.calendarPosts} posts)`, { url: base + calendarPath, headers }, opts, reference.requestsPerSecond));

    // Created posts go two months ahead, so the calendar month above keeps its size.
    const later = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 2, 15, 10, 0)).toISOString();
    scenarios.push(
      await measure(
        'POST create post (scheduled, 2 channels)',
        {
          url: `${base}/workspaces/${ws.id}/posts`,
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ text: 'A post created under load, scheduled for later.', channelIds, scheduledAt: later }),
        },
        opts,
        reference.requestsPerSecond,
      ),
    );
    return { backend: opts.backend, calendar: { month: ym, posts: inMonth, channelsPerPost: CHANNELS_PER_POST, responseBytes: Buffer.byteLength(calendarText) }, scenarios };
  } finally {
    for (const child of children.reverse()) await child.stop();
    if (databaseUrl) await dropDatabase(BENCH_DB).catch((err: unknown) => log(`dropping ${BENCH_DB} failed: ${String(err)}`));
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A short warm-up (JIT, caches, pools), then the measured run. */
async function measure(name: string, request: Omit<Options, 'connections' | 'duration'>, opts: ApiOptions, helloRps: number | null): Promise<ApiScenario> {
  log(`${opts.backend}: ${name}`);
  await autocannon({ ...request, connections: opts.connections, duration: 2, timeout: 30 });
  const r: Result = await autocannon({ ...request, connections: opts.connections, duration: opts.durationSeconds, timeout: 30 });
  const rps = round(r.requests.average);
  return {
    name,
    connections: opts.connections,
    durationSeconds: opts.durationSeconds,
    requests: r.requests.total,
    requestsPerSecond: rps,
    ratio: helloRps ? rps / helloRps : null,
    latencyAvgMs: round(r.latency.average, 2),
    latencyP50Ms: round(r.latency.p50, 2),
    latencyP99Ms: round(r.latency.p99, 2),
    latencyMaxMs: round(r.latency.max, 2),
    non2xx: r.non2xx,
    errors: r.errors,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, Number(s.count)])),
  };
}
