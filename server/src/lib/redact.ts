/**
 * What may leave the process in a log line, a job's output or a stored error message: secrets are
 * replaced wherever they sit in an object, and database errors lose the values they were sent.
 *
 * Database errors are the trap: drizzle's `DrizzleQueryError` puts the query's parameters into its
 * message and stack ("Failed query: …\nparams: a,b") and keeps them in `params`; PGlite's errors carry
 * `params` too; PostgreSQL's `detail` quotes row values ("Key (email)=(…) already exists") and a data
 * exception's message quotes the input it could not read. What is kept: the SQL text (placeholders
 * only), SQLSTATE code, severity and the names of schema, table, column, constraint and type.
 */

export const REDACTED = '[redacted]';

/** Keys whose values are secrets, compared lower-case without `_` and `-`. */
const SECRET_KEYS = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'password',
  'passwd',
  'secret',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'apikey',
  'xapikey',
  'clientsecret',
  'appsecret',
  'codeverifier',
  'privatekey',
  'secretkeys',
  'secretaccesskey',
  'credentials',
  'oauthtokensecret',
  'smtpurl',
]);
/** Any key ending so is a secret too (`newPassword`, `sessionToken`, `S3_SECRET`, `stripeApiKey`). */
const SECRET_SUFFIX = /(?:password|token|secret|secretkeys|apikey|privatekey)$/;

/** Log lines reuse a few hundred key names: each is judged once (bounded, so odd keys cannot grow it). */
const judged = new Map<string, boolean>();

export function isSecretKey(key: string): boolean {
  let secret = judged.get(key);
  if (secret === undefined) {
    const k = key.toLowerCase().replace(/[-_]/g, '');
    secret = SECRET_KEYS.has(k) || SECRET_SUFFIX.test(k);
    if (judged.size < 2000) judged.set(key, secret);
  }
  return secret;
}

/**
 * True when `value` under `key` must be hidden: a string or an object under a secret key. Booleans and
 * numbers carry no secret (`hadPassword: true`, `refreshToken: null`) and stay readable.
 */
export function hidesSecret(key: string, value: unknown): boolean {
  return (typeof value === 'string' || (typeof value === 'object' && value !== null)) && isSecretKey(key);
}

/** Query parameters and path segments that carry secrets (reset tokens, OAuth codes, invitation tokens). */
const SECRET_QUERY = /([?&](?:token|code|state|id_token|access_token|refresh_token|client_secret|code_verifier)=)[^&#\s"']*/gi;
const SECRET_PATH = /(\/(?:invite|invitations|media\/file)\/)[^/?#\s"']+/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;

/** A URL or a free text as it may be logged: secret query parameters, token path segments and bearer credentials replaced. */
export function redactText(text: string): string {
  // The checks keep ordinary text (most log messages) away from the regular expressions.
  let out = text;
  if (out.includes('=')) out = out.replace(SECRET_QUERY, `$1${REDACTED}`);
  if (out.includes('/')) out = out.replace(SECRET_PATH, `$1${REDACTED}`);
  if (out.includes('Bearer') || out.includes('Basic')) out = out.replace(BEARER, `$1 ${REDACTED}`);
  return out;
}

const MAX_DEPTH = 8;

/**
 * A copy of `value` with every secret key's value replaced, at any depth, and every Error serialized
 * by `serializeError`. Objects without anything to change are returned as they are (no copy), so an
 * ordinary log line costs one walk over its few keys. Class instances other than Error and plain
 * arrays/objects (Dates, Buffers, URLs) are left to JSON.
 */
export function redactSecrets(value: unknown, depth = 0, seen?: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  // The set of objects on the current path is made only when there is an object to enter.
  const path = seen ?? new WeakSet<object>();
  if (value instanceof Error) return serializeError(value, depth, path);
  if (path.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) {
    path.add(value);
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const safe = redactSecrets(item, depth + 1, path);
      if (safe !== item) (copy ??= value.slice())[i] = safe;
    }
    path.delete(value);
    return copy ?? value;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  path.add(value);
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in record) {
    const item = record[key];
    const safe = hidesSecret(key, item) ? REDACTED : redactSecrets(item, depth + 1, path);
    if (safe !== item) (copy ??= { ...record })[key] = safe;
  }
  path.delete(value);
  return copy ?? value;
}

/** An error as logs and job outputs keep it. */
export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: string;
  [key: string]: unknown;
}

/** Fields of a database error that name things without quoting values. */
const DB_NAME_FIELDS = ['code', 'severity', 'schema', 'table', 'column', 'constraint', 'dataType', 'routine', 'query'] as const;
/** Fields that hold values sent to or read from the database: never kept. */
const DB_VALUE_FIELDS = new Set(['params', 'parameters', 'queryOptions', 'detail', 'where', 'internalQuery', 'hint', 'line', 'file', 'length', 'position', 'internalPosition']);

/** True for drizzle's and PGlite's query errors (they carry `params`) and PostgreSQL's own (a SQLSTATE and a severity). */
function isDatabaseError(err: Error): boolean {
  const e = err as Error & Record<string, unknown>;
  return (typeof e.query === 'string' && 'params' in e) || (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string');
}

/** A database error's message without values: drizzle's drops its `params:` line, a data exception (SQLSTATE class 22) its quoted input. */
function databaseMessage(err: Error & Record<string, unknown>): string {
  if (typeof err.query === 'string' && err.message.startsWith('Failed query:')) return `Failed query: ${err.query}`;
  const message = err.message.split('\nparams:')[0] ?? '';
  return typeof err.code === 'string' && err.code.startsWith('22') ? message.replace(/"(?:[^"]|"")*"/g, `"${REDACTED}"`) : message;
}

/** The message an error may be shown or stored with (a target's last error, a notification, a log field). */
export function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return redactText(String(err));
  const own = isDatabaseError(err) ? databaseMessage(err as Error & Record<string, unknown>) : redactText(err.message);
  const cause = err.cause instanceof Error && isDatabaseError(err.cause) ? errorMessage(err.cause) : undefined;
  return cause && !own.includes(cause) ? `${own}: ${cause}` : own;
}

/**
 * An error for a log line or a failed job's output: type, safe message, stack (whose first line is the
 * safe message), code, its cause, and its other fields with secrets redacted; a database error keeps
 * only the fields that name things.
 */
export function serializeError(err: Error, depth = 0, seen: WeakSet<object> = new WeakSet()): SerializedError {
  if (seen.has(err)) return { type: err.name, message: '[circular]' };
  seen.add(err);
  const e = err as Error & Record<string, unknown>;
  const database = isDatabaseError(err);
  const message = database ? databaseMessage(e) : redactText(err.message);
  const out: SerializedError = { type: err.constructor?.name ?? err.name, message };
  if (err.stack) out.stack = err.message === '' ? err.stack : err.stack.replace(err.message, message);
  if (database) {
    for (const field of DB_NAME_FIELDS) if (typeof e[field] === 'string') out[field] = e[field];
  } else {
    for (const [key, value] of Object.entries(e)) {
      if (key === 'message' || key === 'stack' || key === 'cause' || DB_VALUE_FIELDS.has(key) || value === undefined) continue;
      out[key] = hidesSecret(key, value) ? REDACTED : redactSecrets(value, depth + 1, seen);
    }
  }
  if (err.cause !== undefined && depth < MAX_DEPTH) {
    out.cause = err.cause instanceof Error ? serializeError(err.cause, depth + 1, seen) : redactSecrets(err.cause, depth + 1, seen);
  }
  if (err instanceof AggregateError) out.errors = err.errors.map((inner: unknown) => redactSecrets(inner, depth + 1, seen));
  seen.delete(err);
  return out;
}
