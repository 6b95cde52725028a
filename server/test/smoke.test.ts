import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './helpers/http.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('probes', () => {
  it('reports ready with migrations applied', async () => {
    const res = await call(t.app, 'GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ database: 'ok', migrations: 'ok', queue: 'ok' });
  });
  it('serves an OpenAPI 3.1 document', async () => {
    const res = await call(t.app, 'GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toContain('/api/v1/workspaces/{workspaceId}');
  });
  it('answers unknown API paths with a JSON 404', async () => {
    const res = await call(t.app, 'GET', '/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
  it('requires auth before validating', async () => {
    const res = await call(t.app, 'GET', '/api/v1/workspaces/not-a-uuid');
    expect(res.status).toBe(401);
  });
});

describe('malformed requests get a clear 4xx in the error shape', () => {
  it('a body that is not JSON', async () => {
    const res = await call(t.app, 'POST', '/api/v1/auth/login', { raw: '{"email": ' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });
  it('a malformed URL escape', async () => {
    const res = await call(t.app, 'GET', '/api/v1/invitations/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'bad_url' });
  });
  it('an absurdly long path parameter', async () => {
    const res = await call(t.app, 'GET', `/api/v1/invitations/${'x'.repeat(5000)}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error.code).toEqual(expect.any(String));
  });
  it('a body of the wrong content type', async () => {
    const res = await call(t.app, 'POST', '/api/v1/auth/login', { raw: '<login/>', headers: { 'content-type': 'application/xml' } });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });
});
