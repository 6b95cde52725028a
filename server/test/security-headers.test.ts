import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';
import { freePort } from './helpers/process.js';
import { ownerWithWorkspace } from './helpers/workspace.js';
import { jpeg, upload } from './media-fixtures.js';

/**
 * Every answer carries the security headers (dashboard, API, /docs, media files); HSTS only with an
 * https public URL; /metrics is not public: a 404 on the API port unless a token is configured, or
 * served only on its own port.
 */
const METRICS_TOKEN = 'metrics-token-for-the-test';
let web: string;
let plain: TestApp;
let secure: TestApp;
let separate: TestApp;
let metricsPort: number;

beforeAll(async () => {
  // A dashboard build as the server finds it: index.html loading its script from a file.
  web = await mkdtemp(join(tmpdir(), 'herald-web-'));
  await writeFile(join(web, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/index.js"></script></head><body><div id="root"></div></body></html>');
  plain = await createTestApp({ HERALD_WEB_DIST: web });
  secure = await createTestApp({ HERALD_WEB_DIST: web, HERALD_PUBLIC_URL: 'https://herald.example.com', HERALD_METRICS_TOKEN: METRICS_TOKEN });
  metricsPort = await freePort();
  separate = await createTestApp({ HOST: '127.0.0.1', HERALD_METRICS_PORT: String(metricsPort), HERALD_METRICS_TOKEN: METRICS_TOKEN });
});
afterAll(async () => {
  await Promise.all([plain?.close(), secure?.close(), separate?.close()]);
  await rm(web, { recursive: true, force: true });
});

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: unknown): Record<string, string[]> {
  expect(typeof header, 'content-security-policy header').toBe('string');
  return Object.fromEntries(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

/** `docs`: Swagger UI may use inline styles (never inline scripts). */
function expectSecurityHeaders(headers: Record<string, unknown>, opts: { docs?: boolean } = {}): void {
  const csp = directives(headers['content-security-policy']);
  expect(csp['script-src']).toEqual(["'self'"]);
  expect(csp['script-src-attr']).toEqual(["'none'"]);
  expect(csp['style-src']).toEqual(opts.docs ? ["'self'", "'unsafe-inline'"] : ["'self'"]);
  expect(csp['frame-ancestors']).toEqual(["'none'"]);
  expect(csp['object-src']).toEqual(["'none'"]);
  expect(csp['base-uri']).toEqual(["'self'"]);
  expect(csp['form-action']).toEqual(["'self'"]);
  if (!opts.docs) expect(String(headers['content-security-policy'])).not.toContain('unsafe-inline');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-frame-options']).toBe('DENY');
}

describe('security headers', () => {
  it('are on the dashboard, the API and /docs', async () => {
    const page = await plain.app.inject({ method: 'GET', url: '/posts', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expectSecurityHeaders(page.headers);

    const api = await call(plain.app, 'GET', '/api/v1/auth/config');
    expect(api.status).toBe(200);
    expectSecurityHeaders(api.headers);
    const missing = await call(plain.app, 'GET', '/api/v1/nothing-here');
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing.headers);

    const docs = await plain.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expectSecurityHeaders(docs.headers, { docs: true });
    // Swagger UI's page runs no inline script: every script tag loads a file.
    const scripts = docs.body.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toMatch(/\ssrc="/);
    const initializer = await plain.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(initializer.statusCode).toBe(200);
    expectSecurityHeaders(initializer.headers, { docs: true });
    // Only /docs: the dashboard and the API keep styles to files.
    expectSecurityHeaders((await plain.app.inject({ method: 'GET', url: '/api/openapi.json' })).headers);
  });

  it('let the dashboard show media from signed URLs and from the public origin', async () => {
    const s = await ownerWithWorkspace(plain.app, { sandboxChannels: 0 });
    const media = await upload(plain.app, s.token, s.workspaceId, { data: await jpeg(120, 80), filename: 'cup.jpg', contentType: 'image/jpeg' });
    expect(media.status).toBe(201);
    const file = await plain.app.inject({ method: 'GET', url: new URL(media.body.url as string).pathname });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    expect(file.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const csp = directives(file.headers['content-security-policy']);
    expect(csp['img-src']).toEqual(expect.arrayContaining(["'self'", 'http://herald.test', 'https:', 'data:', 'blob:']));
    expect(csp['media-src']).toEqual(expect.arrayContaining(["'self'", 'http://herald.test', 'blob:']));
  });

  it('send HSTS only when the public URL is https', async () => {
    const overHttp = await call(plain.app, 'GET', '/healthz');
    expect(overHttp.headers['strict-transport-security']).toBeUndefined();
    expect(directives(overHttp.headers['content-security-policy'])['upgrade-insecure-requests']).toBeUndefined();
    const overHttps = await call(secure.app, 'GET', '/healthz');
    expect(overHttps.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(directives(overHttps.headers['content-security-policy'])['upgrade-insecure-requests']).toEqual([]);
    expectSecurityHeaders(overHttps.headers);
  });

  it('come with a dashboard whose index.html runs no inline script', async () => {
    const source = await readFile(new URL('../../web/index.html', import.meta.url), 'utf8');
    const scripts = source.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toMatch(/\ssrc="/);
  });
});

describe('/metrics', () => {
  it('is not served on the API port without a token', async () => {
    const res = await call(plain.app, 'GET', '/metrics');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'not_found' } });
  });

  it('needs the bearer token on the API port when one is set', async () => {
    expect((await call(secure.app, 'GET', '/metrics')).status).toBe(401);
    const wrong = await call(secure.app, 'GET', '/metrics', { token: `${METRICS_TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer');
    const right = await call(secure.app, 'GET', '/metrics', { token: METRICS_TOKEN });
    expect(right.status).toBe(200);
    expect(right.body).toContain('herald_db_statements_total');
  });

  it('is served on its own port only, when HERALD_METRICS_PORT is set', async () => {
    expect((await call(separate.app, 'GET', '/metrics', { token: METRICS_TOKEN })).status).toBe(404);
    const url = `http://127.0.0.1:${metricsPort}`;
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('http_request_duration_seconds');
    expect((await fetch(`${url}/api/v1/auth/config`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);
  });
});
