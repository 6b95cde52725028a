import { describe, expect, it } from 'vitest';
import { parseRange } from './file-server.js';

describe('parseRange', () => {
  it('reads single byte ranges as RFC 9110 defines them', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=90-1000', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-1000', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    // Ignored (the whole file is served): several ranges, other units, nonsense, reversed bounds.
    for (const h of ['bytes=0-1,4-5', 'items=0-1', 'bytes=x-y', 'bytes=-', 'bytes=5-3']) expect(parseRange(h, 100), h).toBeNull();
  });
});
