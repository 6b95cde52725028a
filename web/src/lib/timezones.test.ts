import { describe, expect, it } from 'vitest';
import { searchTimezones, timezoneOptions, zoneAbbreviation } from './timezones';
import { formatRelative } from './format';

const top = (query: string) => searchTimezones(timezoneOptions(), query)[0]?.value;

describe('time zone search', () => {
  it('finds zones by country, city and abbreviation, the likeliest first', () => {
    expect(top('India')).toBe('Asia/Kolkata');
    expect(top('Mumbai')).toBe('Asia/Kolkata');
    expect(top('IST')).toBe('Asia/Kolkata');
    expect(top('ist')).toBe('Asia/Kolkata');
    expect(top('New York')).toBe('America/New_York');
    expect(top('EST')).toBe('America/New_York');
    expect(top('São Paulo')).toBe('America/Sao_Paulo');
    expect(top('kolk')).toBe('Asia/Kolkata');
    // An abbreviation several zones share lists each of them.
    expect(searchTimezones(timezoneOptions(), 'IST').map((o) => o.value)).toEqual(expect.arrayContaining(['Asia/Kolkata', 'Asia/Jerusalem', 'Europe/Dublin']));
  });

  it('shows the current offset (and the name) beside each zone', () => {
    const kolkata = timezoneOptions().find((o) => o.value === 'Asia/Kolkata');
    expect(kolkata?.detail).toBe('India · IST · GMT+5:30');
    expect(searchTimezones(timezoneOptions(), 'zzzz-nothing')).toEqual([]);
  });

  it('names zones by their abbreviation at a given time', () => {
    expect(zoneAbbreviation('Asia/Kolkata', Date.UTC(2026, 0, 15))).toBe('IST');
    expect(zoneAbbreviation('America/New_York', Date.UTC(2026, 0, 15))).toBe('EST');
    expect(zoneAbbreviation('America/New_York', Date.UTC(2026, 6, 15))).toBe('EDT');
    expect(zoneAbbreviation('Europe/Berlin', Date.UTC(2026, 0, 15))).toBe('CET');
    expect(zoneAbbreviation('Europe/Berlin', Date.UTC(2026, 6, 15))).toBe('CEST');
    expect(zoneAbbreviation('Europe/London', Date.UTC(2026, 6, 15))).toBe('BST');
    expect(zoneAbbreviation('Asia/Kathmandu', Date.UTC(2026, 0, 15))).toBe('NPT');
    // A zone Herald has no name for keeps its offset.
    expect(zoneAbbreviation('Indian/Chagos', Date.UTC(2026, 0, 15))).toBe('GMT+6');
  });
});

describe('relative times', () => {
  const now = Date.UTC(2026, 11, 3, 12, 28, 3);
  const at = (seconds: number) => new Date(now + seconds * 1000).toISOString();

  it('never calls a time still ahead "just now"', () => {
    expect(formatRelative(at(57), now)).toBe('in 57 seconds');
    expect(formatRelative(at(-57), now)).toBe('57 seconds ago');
    expect(formatRelative(at(61), now)).toBe('in 1 minute');
    expect(formatRelative(at(2), now)).toBe('now');
    expect(formatRelative(at(3 * 3600), now)).toBe('in 3 hours');
  });
});
