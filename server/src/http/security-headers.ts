import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { isSecureOrigin, type Config } from '../config.js';

/**
 * Security headers on every answer (dashboard, API, /docs, media files), through @fastify/helmet.
 *
 * Content-Security-Policy: scripts only from Herald's own origin (the dashboard build and Swagger UI
 * have no inline script; nothing inline runs), styles likewise (React's `style` props go through the
 * CSSOM, which CSP does not restrict), no plugins, no framing, forms post only to Herald.
 * Images may come from `https:` because channel avatars live on the platforms' CDNs, and from the
 * public URL's origin, where signed media URLs point even when the dashboard is opened under another
 * name; `data:` (icons) and `blob:` (previews of files about to be uploaded) too. Videos the same
 * without `https:`. OAuth and Google sign-in leave Herald by navigation (links, redirects), which
 * `form-action` does not constrain.
 *
 * Referrer-Policy `no-referrer`: Herald's own URLs can carry secrets (reset, invitation and
 * verification tokens in the query or path), nothing in Herald reads a Referer, and a platform whose
 * permalink a user opens learns nothing about where the Herald instance lives.
 * HSTS only when HERALD_PUBLIC_URL is https: over plain http the header is ignored by browsers, and
 * sent by a server reached through https by mistake it would pin a name that has no certificate.
 */
export async function registerSecurityHeaders(app: FastifyInstance, config: Config): Promise<void> {
  const https = isSecureOrigin(config);
  const publicOrigin = new URL(config.publicUrl).origin;
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", publicOrigin, 'https:', 'data:', 'blob:'],
        mediaSrc: ["'self'", publicOrigin, 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    xContentTypeOptions: true,
  });
}

/**
 * /docs (Swagger UI, `transformStaticCSP` of @fastify/swagger-ui): the same policy, except that styles
 * may be inline. Swagger UI's React renders a `<style>` element while it lays out operations; its
 * scripts all load from files, so `script-src` stays `'self'`. The page shows only Herald's own
 * OpenAPI document.
 */
export function docsContentSecurityPolicy(header: string): string {
  return header.replace(/(^|;)\s*style-src 'self'(?=;|$)/, "$1style-src 'self' 'unsafe-inline'");
}
