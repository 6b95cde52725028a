import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call, signUp } from './helpers/http.js';

/**
 * Property-based walk of every route in the OpenAPI document, as an organization owner: wrong types,
 * missing and extra fields, huge strings, odd Unicode, bad ids, bad cursors and bad query values.
 * No answer may be a 500. Bounded: a fixed seed and a few samples per route and case (~2,000 requests).
 */

interface Schema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
}
interface Operation {
  parameters?: { in: string; name: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

const SEED = 7_2026;
const SAMPLES = 6;

const HUGE = 'x'.repeat(200_000);
const ODD_STRINGS = ['', ' ', '\u0000', '\uD800', 'e\u0301\u202E\u200B', '🙂'.repeat(500), '𝓗𝓮𝓻𝓪𝓵𝓭', '\uFEFF', "'; drop table posts; --", '../../etc/passwd', '%00', '-'.repeat(36), 'NaN', '1e309', '2026-02-31T25:61:00Z', '0000-00-00'];
const BAD_IDS = ['-'.repeat(36), 'x', '0', '00000000-0000-0000-0000-000000000000', randomUUID(), 'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ', '🙂', 'a'.repeat(400), '%E0%A4%A', '..', 'null'];
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const BAD_CURSORS = [
  '-'.repeat(36),
  b64(`2026-01-01T00:00:00.000Z|${'-'.repeat(36)}`),
  b64('2026-02-31T00:00:00.000Z|00000000-0000-0000-0000-000000000000'),
  b64('0000-01-01T00:00:00Z|00000000-0000-0000-0000-000000000000'),
  b64('99999-01-01T00:00:00Z|00000000-0000-0000-0000-000000000000'),
  b64('2026-01-01T00:00:00.000Z|00000000-0000-0000-0000-000000000000|x'),
  b64('\uD800|\u0000'),
  '====',
  'a'.repeat(190),
  '🙂',
  '',
];
const WRONG_VALUES: unknown[] = [null, true, -1, 0, 1.5, 2 ** 53 + 1, 1e308, [], {}, [[[[[[]]]]]], { nested: { token: 'x' } }, 'string'];

const value = fc.oneof(fc.constantFrom(...WRONG_VALUES), fc.constantFrom(...ODD_STRINGS), fc.string(), fc.integer(), fc.jsonValue({ maxDepth: 3 }));

function typesOf(s: Schema | undefined): string[] {
  if (!s) return [];
  if (s.anyOf || s.oneOf) return (s.anyOf ?? s.oneOf ?? []).flatMap(typesOf);
  return Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
}

/** A plausible value for a schema (enums, formats), so mutations reach past the first check. */
function plausible(s: Schema | undefined, ids: Record<string, string>): unknown {
  if (!s) return 'x';
  if (s.enum?.length) return s.enum[0];
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.[0]) return plausible(alt.find((a) => a.type !== 'null') ?? alt[0], ids);
  const type = typesOf(s)[0];
  if (type === 'string') {
    if (s.format === 'uuid') return ids.channelId;
    if (s.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
    if (s.format === 'email') return 'someone@example.com';
    if (s.format === 'uri') return 'https://example.com/';
    return 'Fuzzed text';
  }
  if (type === 'integer' || type === 'number') return 1;
  if (type === 'boolean') return true;
  if (type === 'array') return [plausible(s.items, ids)];
  if (type === 'object') return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, plausible(v, ids)]));
  return null;
}

/** A value of another JSON type than the schema asks for. */
function wrongTypeFor(s: Schema | undefined): unknown {
  const types = typesOf(s);
  const candidates: [string, unknown][] = [['string', 'not the right type'], ['integer', 42], ['boolean', false], ['array', ['x']], ['object', { x: 1 }], ['null', null]];
  return (candidates.find(([t]) => !types.includes(t) && !(t === 'integer' && types.includes('number'))) ?? ['', null])[1];
}

type Case = 'plausible' | 'missing fields' | 'wrong types' | 'extra fields' | 'huge strings' | 'odd unicode' | 'bad ids' | 'bad cursors' | 'bad query' | 'junk body';

let t: TestApp;
let token: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp({ AUTH_RATE_LIMIT_MAX: '1000000' });
  const owner = await signUp(t.app);
  token = owner.accessToken;
  ids.userId = owner.user.id;
  ids.orgId = (await call(t.app, 'POST', '/api/v1/orgs', { token, body: { name: 'Fuzz' } })).body.id;
  ids.workspaceId = (await call(t.app, 'POST', `/api/v1/orgs/${ids.orgId}/workspaces`, { token, body: { name: 'Fuzz' } })).body.id;
  ids.channelId = (await call(t.app, 'POST', `/api/v1/workspaces/${ids.workspaceId}/channels/sandbox`, { token, body: { name: 'Fuzz' } })).body.id;
  const post = await call(t.app, 'POST', `/api/v1/workspaces/${ids.workspaceId}/posts`, { token, body: { text: 'Fuzz', channelIds: [ids.channelId] } });
  expect(post.status).toBe(201);
  ids.postId = post.body.id;
  const invitation = await call(t.app, 'POST', `/api/v1/orgs/${ids.orgId}/invitations`, { token, body: { email: 'invitee@example.com', role: 'editor' } });
  ids.invitationId = invitation.body.id ?? invitation.body.invitation?.id ?? randomUUID();
  ids.mediaId = randomUUID();
  ids.connectionId = randomUUID();
  ids.platform = 'x';
  ids.token = 'not-a-real-token';
}, 120_000);
afterAll(async () => t?.close());

/** Routes that end the owner's session or organization go last, so the others run signed in. */
function rank(method: string, path: string): number {
  if (/logout|\/me\/password|members\/me$/.test(path) || (method === 'delete' && /\{orgId\}$|\{workspaceId\}$/.test(path))) return 3;
  if (method === 'delete') return 2;
  if (method === 'get') return 0;
  return 1;
}

describe('every route of the OpenAPI document', () => {
  it('never answers 500, whatever it is sent', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, Operation>> }>();
    const operations = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })))
      // A server-sent event stream never ends: inject would wait for it forever.
      .filter(({ path }) => !path.endsWith('/events'))
      .sort((a, b) => rank(a.method, a.path) - rank(b.method, b.path));
    expect(operations.length).toBeGreaterThan(50);

    const counts = new Map<string, Map<Case, number>>();
    const failures: string[] = [];
    let requests = 0;

    for (const { path, method, op } of operations) {
      const params = op.parameters ?? [];
      const pathParams = params.filter((p) => p.in === 'path');
      const queryParams = params.filter((p) => p.in === 'query');
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      const props = Object.entries(bodySchema?.properties ?? {});
      const base = bodySchema ? (plausible(bodySchema, ids) as Record<string, unknown>) : undefined;
      const cases: { kind: Case; path: Record<string, string>; query: Record<string, string>; body?: unknown; raw?: string }[] = [];
      const realPath = Object.fromEntries(pathParams.map((p) => [p.name, ids[p.name] ?? 'x']));

      for (const sample of fc.sample(fc.tuple(fc.constantFrom(...BAD_IDS), value, fc.constantFrom(...ODD_STRINGS), fc.constantFrom(...BAD_CURSORS)), { numRuns: SAMPLES, seed: SEED + requests })) {
        const [badId, anyValue, odd, cursor] = sample;
        cases.push({ kind: 'plausible', path: realPath, query: {}, ...(base ? { body: base } : {}) });
        if (pathParams.length > 0) cases.push({ kind: 'bad ids', path: Object.fromEntries(pathParams.map((p) => [p.name, badId])), query: {}, ...(base ? { body: base } : {}) });
        if (queryParams.some((p) => p.name === 'cursor')) cases.push({ kind: 'bad cursors', path: realPath, query: { cursor }, ...(base ? { body: base } : {}) });
        if (queryParams.length > 0) {
          const q = Object.fromEntries(queryParams.map((p) => [p.name, typeof anyValue === 'string' ? anyValue : JSON.stringify(anyValue)]));
          cases.push({ kind: 'bad query', path: realPath, query: q });
          cases.push({ kind: 'odd unicode', path: realPath, query: Object.fromEntries(queryParams.map((p) => [p.name, odd])) });
        }
        if (bodySchema) {
          cases.push({ kind: 'missing fields', path: realPath, query: {}, body: {} });
          cases.push({ kind: 'wrong types', path: realPath, query: {}, body: Object.fromEntries(props.map(([k, s]) => [k, wrongTypeFor(s)])) });
          cases.push({ kind: 'wrong types', path: realPath, query: {}, body: Object.fromEntries(props.map(([k]) => [k, anyValue])) });
          cases.push({ kind: 'extra fields', path: realPath, query: {}, body: { ...base, [odd || 'extra']: anyValue, __proto__x: { polluted: true }, constructor: { prototype: {} } } });
          cases.push({ kind: 'huge strings', path: realPath, query: {}, body: Object.fromEntries(props.map(([k, s]) => [k, typesOf(s).includes('array') ? [HUGE] : HUGE])) });
          cases.push({ kind: 'odd unicode', path: realPath, query: {}, body: Object.fromEntries(props.map(([k, s]) => [k, typesOf(s).includes('array') ? [odd] : odd])) });
          cases.push({ kind: 'junk body', path: realPath, query: {}, raw: typeof anyValue === 'string' ? anyValue : JSON.stringify(anyValue) });
        }
      }

      for (const c of cases) {
        const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(c.path[name] ?? 'x'));
        const search = new URLSearchParams(c.query).toString();
        const res = await t.app.inject({
          method: method.toUpperCase() as 'GET',
          url: search ? `${url}?${search}` : url,
          headers: { authorization: `Bearer ${token}`, ...(c.raw !== undefined || c.body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(c.raw !== undefined ? { payload: c.raw } : c.body !== undefined ? { payload: JSON.stringify(c.body) } : {}),
        });
        requests += 1;
        const route = `${method.toUpperCase()} ${path}`;
        const perRoute = counts.get(route) ?? new Map<Case, number>();
        perRoute.set(c.kind, (perRoute.get(c.kind) ?? 0) + 1);
        counts.set(route, perRoute);
        if (res.statusCode >= 500) failures.push(`${route} [${c.kind}] ${search} ${(c.raw ?? JSON.stringify(c.body) ?? '').slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }

    const kinds: Case[] = ['plausible', 'missing fields', 'wrong types', 'extra fields', 'huge strings', 'odd unicode', 'bad ids', 'bad cursors', 'bad query', 'junk body'];
    const lines = [...counts].map(([route, m]) => `${route.padEnd(70)} ${kinds.map((k) => String(m.get(k) ?? 0).padStart(4)).join('')}`);
    console.log(`${'route × case'.padEnd(70)} ${kinds.map((k) => k.slice(0, 4).padStart(4)).join('')}\n${lines.join('\n')}\n${operations.length} routes, ${requests} requests, ${failures.length} answers of 500`);
    expect(failures).toEqual([]);
  }, 900_000);
});
