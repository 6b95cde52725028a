import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './return-to.js';

describe('safeReturnTo', () => {
  it('keeps same-origin paths with their query and fragment', () => {
    expect(safeReturnTo('/posts?view=week#today')).toBe('/posts?view=week#today');
    expect(safeReturnTo('/')).toBe('/');
    expect(safeReturnTo('/a/../b')).toBe('/b');
  });

  it.each([
    undefined,
    '',
    'posts',
    'https://evil.example.com/',
    '//evil.example.com',
    '/\\evil.example.com',
    '/..//evil.example.com',
    '/.//evil.example.com',
    '/ok/../../..//evil.example.com',
    'javascript:alert(1)',
    '/line\nbreak',
    '/tab\tbreak',
  ])('sends %j home', (value) => {
    expect(safeReturnTo(value)).toBe('/');
  });
});
