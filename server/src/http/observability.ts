import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from '../config.js';
import type { AppContext } from '../context.js';

/**
 * Prometheus metrics at /metrics and the health probes /healthz and /readyz. Metrics are not public:
 * with `HERALD_METRICS_PORT` they are served on a listener of their own (and not on the API port), else
 * on the API port only with `HERALD_METRICS_TOKEN` as a bearer token; with neither, /metrics is a 404.
 */
export function registerObservability(app: FastifyInstance, ctx: AppContext): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  let reported = 0;
  new Counter({
    name: 'herald_db_statements_total',
    help: 'SQL statements this process sent to its database (transaction BEGIN and COMMIT included)',
    registers: [registry],
    collect() {
      const now = ctx.database.statements();
      this.inc(now - reported);
      reported = now;
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    duration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  const { port, token } = ctx.config.metrics;
  if (port !== undefined) {
    serveMetricsPort(app, registry, ctx.config, port);
  } else if (token !== undefined) {
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      if (!bearerMatches(request.headers.authorization, token)) {
        return reply.status(401).header('www-authenticate', 'Bearer').send({ error: { code: 'unauthorized', message: 'Metrics need the bearer token set in HERALD_METRICS_TOKEN' } });
      }
      return reply.header('content-type', registry.contentType).send(await registry.metrics());
    });
  }

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    try {
      await ctx.database.ping();
      checks.database = 'ok';
      const m = await ctx.database.migrationStatus();
      checks.migrations = m.applied >= m.expected ? 'ok' : `pending (${m.applied}/${m.expected} applied)`;
    } catch {
      checks.database = 'unreachable';
    }
    try {
      await ctx.queue.ping();
      checks.queue = 'ok';
    } catch {
      checks.queue = 'unreachable';
    }
    const ready = Object.values(checks).every((v) => v === 'ok');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
}

/** Compares the presented bearer token with the configured one in constant time (over their hashes). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (presented === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

/**
 * The metrics listener: GET /metrics on `HOST:HERALD_METRICS_PORT` (with the token when one is set),
 * 404 for anything else. It opens when the app is ready and closes with it.
 */
function serveMetricsPort(app: FastifyInstance, registry: Registry, config: Config, port: number): void {
  const token = config.metrics.token;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers }).end(body);
    };
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      answer(404, JSON.stringify({ error: { code: 'not_found', message: 'This port serves GET /metrics only' } }));
      return;
    }
    if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
      answer(401, JSON.stringify({ error: { code: 'unauthorized', message: 'Metrics need the bearer token set in HERALD_METRICS_TOKEN' } }), { 'www-authenticate': 'Bearer' });
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (err: unknown) => {
        app.log.error({ err }, 'collecting metrics failed');
        answer(500, JSON.stringify({ error: { code: 'internal_error', message: 'Collecting metrics failed' } }));
      },
    );
  });
  app.addHook('onReady', async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: config.host, port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    app.log.info({ port }, 'metrics listening on their own port');
  });
  app.addHook('onClose', async () => {
    if (!server.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}
