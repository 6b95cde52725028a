import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { registerAccessControl } from './http/access.js';
import { frameworkError, registerErrorHandling } from './http/errors.js';
import { registerJsonParser } from './http/json.js';
import { registerObservability } from './http/observability.js';
import { registerApiRateLimit } from './http/rate-limit.js';
import { docsContentSecurityPolicy, registerSecurityHeaders } from './http/security-headers.js';
import type { App } from './http/types.js';
import { registerWeb } from './http/web.js';
import { authRoutes } from './modules/auth/routes.js';
import { AccessTokens } from './modules/auth/tokens.js';
import { channelRoutes } from './modules/channels/routes.js';
import { connectionRoutes } from './modules/connections/routes.js';
import { eventRoutes } from './modules/events/routes.js';
import { mediaRoutes } from './modules/media/routes.js';
import { metricsRoutes } from './modules/metrics/routes.js';
import { notificationRoutes } from './modules/notifications/routes.js';
import { orgRoutes } from './modules/orgs/routes.js';
import { postRoutes } from './modules/posts/routes.js';
import { workspaceRoutes } from './modules/workspaces/routes.js';

/** How long a closing server lets requests in flight finish before cutting their connections. */
const SHUTDOWN_GRACE_MS = 5_000;

/** Fastify types these factories for Ajv and fast-json-stringify compilers; Zod's take the same route schemas. */
const ZOD_COMPILERS = {
  buildValidator: () => validatorCompiler,
  buildSerializer: () => serializerCompiler,
} as unknown as NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/** Builds the HTTP app (API, docs, probes, dashboard) on a ready runtime context. */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  // The process's one logger: its serializers and redaction (lib/logger.ts) apply to request logs too.
  const logger: FastifyBaseLogger = ctx.logger;
  const app = Fastify({
    loggerInstance: logger,
    frameworkErrors: frameworkError,
    routerOptions: { maxParamLength: 500 },
    trustProxy: trustProxyOption(ctx.config.trustProxy),
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Every route validates and serialises with Zod: handing Fastify those compilers here (rather than
    // setting them after) keeps it from loading Ajv and fast-json-stringify, ~0.3 s of CPU at start.
    schemaController: { compilersFactory: ZOD_COMPILERS },
  }).withTypeProvider<ZodTypeProvider>();

  // Closing waits for requests in flight, then cuts what is still open after a grace period: a stuck
  // connection (a client that never finishes reading) must not keep Herald from shutting down.
  app.addHook('preClose', async () => {
    setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  registerErrorHandling(app);
  registerJsonParser(app);
  await registerSecurityHeaders(app, ctx.config);
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Herald API', version: '1.0.0', description: 'Social media and ads automation. Authenticate with `Authorization: Bearer <accessToken>`.' },
      servers: [{ url: ctx.config.publicUrl }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: (input) => {
      const out = jsonSchemaTransform(input);
      const access = (input.route.config)?.access;
      if (access && access.kind !== 'public') {
        (out.schema as Record<string, unknown>).security = [{ bearerAuth: [] }];
      }
      return out;
    },
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', transformStaticCSP: docsContentSecurityPolicy });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const tokens = new AccessTokens(ctx.keys, ctx.config.auth.accessTokenTtlSeconds);
  registerAccessControl(app, ctx, tokens);
  registerObservability(app, ctx);

  await app.register(
    async (api) => {
      const v1 = api as unknown as App;
      // Media uploads stream multipart bodies; limits are set per request by the upload route.
      await api.register(fastifyMultipart);
      await registerApiRateLimit(api, ctx.config);
      await authRoutes(v1, ctx, tokens);
      await orgRoutes(v1, ctx);
      await workspaceRoutes(v1, ctx);
      await mediaRoutes(v1, ctx);
      await postRoutes(v1, ctx);
      await channelRoutes(v1, ctx);
      await connectionRoutes(v1, ctx);
      await notificationRoutes(v1, ctx);
      await metricsRoutes(v1, ctx);
      await eventRoutes(v1, ctx);
    },
    { prefix: '/api/v1' },
  );

  await registerWeb(app, ctx.config.webDist);
  return app;
}

/** A hop count trusts that many proxies nearest to us (Fastify's typings take it as a function). */
function trustProxyOption(trust: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}
