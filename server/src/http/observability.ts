import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppContext } from '../context.js';

/** Prometheus metrics at /metrics and the health probes /healthz and /readyz. */
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

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });

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
