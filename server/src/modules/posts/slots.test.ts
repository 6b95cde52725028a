import { describe, expect, it } from 'vitest';
import { nextFreeSlot } from './slots.js';

const mon0930 = { weekday: 1, minuteOfDay: 9 * 60 + 30 };
const mon1700 = { weekday: 1, minuteOfDay: 17 * 60 };
const tue0930 = { weekday: 2, minuteOfDay: 9 * 60 + 30 };

describe('nextFreeSlot', () => {
  it('finds the next slot in the workspace time zone (Asia/Kolkata, +05:30)', () => {
    // Monday 2026-11-23 03:00 UTC = 08:30 in Kolkata: the 09:30 slot is next, i.e. 04:00 UTC.
    const at = nextFreeSlot({ slots: [mon0930, mon1700], taken: new Set(), now: new Date('2026-11-23T03:00:00Z'), timezone: 'Asia/Kolkata' });
    expect(at?.toISOString()).toBe('2026-11-23T04:00:00.000Z');
  });

  it('skips taken slots and slots already past', () => {
    const taken = new Set([Date.parse('2026-11-23T04:00:00Z')]);
    const at = nextFreeSlot({ slots: [mon0930, mon1700, tue0930], taken, now: new Date('2026-11-23T03:00:00Z'), timezone: 'Asia/Kolkata' });
    expect(at?.toISOString()).toBe('2026-11-23T11:30:00.000Z');
    const later = nextFreeSlot({ slots: [mon0930, mon1700, tue0930], taken: new Set(), now: new Date('2026-11-23T12:00:00Z'), timezone: 'Asia/Kolkata' });
    expect(later?.toISOString()).toBe('2026-11-24T04:00:00.000Z');
  });

  it('keeps wall-clock time across a DST change (Europe/Berlin, 2026-03-29)', () => {
    const sun0930 = { weekday: 7, minuteOfDay: 9 * 60 + 30 };
    // Saturday before the change: 09:30 CET = 08:30 UTC; the Sunday after: 09:30 CEST = 07:30 UTC.
    const at = nextFreeSlot({ slots: [sun0930], taken: new Set(), now: new Date('2026-03-28T12:00:00Z'), timezone: 'Europe/Berlin' });
    expect(at?.toISOString()).toBe('2026-03-29T07:30:00.000Z');
  });

  it('moves a slot inside the DST gap forward as the clock does', () => {
    const sun0230 = { weekday: 7, minuteOfDay: 2 * 60 + 30 };
    const at = nextFreeSlot({ slots: [sun0230], taken: new Set(), now: new Date('2026-03-28T12:00:00Z'), timezone: 'Europe/Berlin' });
    expect(at?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('answers null without slots', () => {
    expect(nextFreeSlot({ slots: [], taken: new Set(), now: new Date(), timezone: 'UTC' })).toBeNull();
  });
});
