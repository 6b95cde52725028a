import type { FastifyInstance } from 'fastify';
import { AppError } from '../lib/errors.js';

/**
 * Text PostgreSQL cannot store: NUL, and a UTF-16 surrogate without its pair (valid as a JSON escape
 * such as `"\ud800"`, not encodable as UTF-8).
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * JSON bodies as Fastify parses them (prototype-poisoning checks included), and query strings, refused
 * with 400 `invalid_text` when any key or string holds a NUL or a lone surrogate: PostgreSQL cannot
 * store such text, and it would otherwise fail deep inside a query as a 500.
 */
export function registerJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    void parse(request, body as string, (err, value) => {
      if (err) return done(err, undefined);
      const path = firstMalformed(value, '');
      if (path !== null) return done(unstorable('body', path), undefined);
      done(null, value);
    });
  });
  app.addHook('preValidation', async (request) => {
    const path = firstMalformed(request.query, '');
    if (path !== null) throw unstorable('querystring', path);
  });
}

function unstorable(location: 'body' | 'querystring', path: string): AppError {
  return new AppError(400, 'invalid_text', `The ${location} holds text that cannot be stored${path ? ` at ${path}` : ''}: a NUL character or an unpaired surrogate`, {
    in: location,
    fields: { [path || location]: 'Not storable text' },
  });
}

function firstMalformed(value: unknown, path: string): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstMalformed(value[i], path ? `${path}.${i}` : String(i));
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (UNSTORABLE.test(key)) return at;
      const found = firstMalformed(inner, at);
      if (found !== null) return found;
    }
  }
  return null;
}
