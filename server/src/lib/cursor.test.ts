import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const ID = '0b6f3b1e-7c1a-4d7e-9a55-2f1b7c0d9e11';

describe('cursor codec', () => {
  it('round-trips an instant (ms or µs) and an id', () => {
    for (const at of ['2026-12-03T10:00:00.123Z', '2026-12-03T10:00:00.123456Z', '2026-12-03T10:00:00Z']) {
      expect(decodeCursor(encodeCursor({ at, id: ID }))).toEqual({ at, id: ID });
    }
  });

  it('refuses anything this API did not give out with 400 invalid_cursor, before SQL sees it', () => {
    const bad = [
      '-'.repeat(36),
      b64(`2026-01-01T00:00:00.000Z|${'-'.repeat(36)}`),
      b64(`2026-02-31T00:00:00.000Z|${ID}`),
      b64(`0000-01-01T00:00:00Z|${ID}`),
      b64(`2026-01-01T00:00:00.000Z|${ID}|x`),
      b64(`2026-01-01 00:00:00|${ID}`),
      b64(`|${ID}`),
      '',
    ];
    for (const cursor of bad) expect(() => decodeCursor(cursor), cursor).toThrow(expect.objectContaining({ statusCode: 400, code: 'invalid_cursor' }));
  });
});
