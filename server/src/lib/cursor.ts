import { badRequest } from './errors.js';

/**
 * The one codec of keyset-paging cursors: `base64url("<instant>|<uuid>")`, the sort instant (ISO 8601,
 * UTC, up to microseconds as PostgreSQL keeps them) and the id that breaks ties. A cursor that is not
 * exactly that answers 400 `invalid_cursor`, so nothing a client makes up reaches SQL as a timestamp or
 * a UUID it cannot cast.
 */
export interface Cursor {
  /** ISO 8601 in UTC, e.g. `2026-12-03T10:00:00.123456Z`. */
  at: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANT = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.at}|${c.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  const [at, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || extra !== undefined || !INSTANT.test(at) || !UUID.test(id) || !isRealInstant(at)) {
    throw badRequest('invalid_cursor', 'cursor is not one this list returned: pass the nextCursor of the previous page', {
      in: 'querystring',
      fields: { cursor: 'Invalid cursor' },
    });
  }
  return { at, id };
}

/** Date.parse rolls `02-31` over into March; PostgreSQL refuses it. Only instants that exist pass. */
function isRealInstant(at: string): boolean {
  const ms = Date.parse(at);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === at.slice(0, 19);
}
