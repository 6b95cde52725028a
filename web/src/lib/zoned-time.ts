import { zoneAbbreviation } from './timezones';

/**
 * Wall-clock dates and times in a workspace's time zone (not the browser's), with Intl only.
 *
 * Dates are plain `YYYY-MM-DD` strings (a local day in the zone) and times `HH:MM`; instants are Dates.
 * Turning a wall-clock time into an instant asks Intl for the zone's offset at that moment, so it is
 * right on both sides of a daylight-saving change.
 */

export interface WallTime {
  /** `YYYY-MM-DD` */
  date: string;
  /** `HH:MM` */
  time: string;
  /** `HH:MM`, or `HH:MM:SS` when the seconds are not zero. */
  clock: string;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(zone, format);
  }
  return format;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const DAY_MS = 24 * 3600 * 1000;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** What a clock on the wall in `zone` shows at `instant`. */
export function wallTimeIn(instant: Date | number, zone: string): WallTime {
  const parts: Record<string, string> = {};
  for (const part of partsFormatter(zone).formatToParts(typeof instant === 'number' ? new Date(instant) : instant)) parts[part.type] = part.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  const second = Number(parts.second);
  const time = `${pad(hour)}:${pad(minute)}`;
  return {
    date: `${pad(year, 4)}-${pad(month)}-${pad(day)}`,
    time,
    clock: second ? `${time}:${pad(second)}` : time,
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 1,
    year,
    month,
    day,
    hour,
    minute,
    second,
  };
}

/** The zone's offset from UTC at `instant`, in minutes (e.g. +330 for India, -240 for New York in summer). */
export function offsetMinutes(zone: string, instant: Date | number): number {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const wall = wallTimeIn(ms, zone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

function parseDate(date: string): [number, number, number] {
  const [y = '1970', m = '1', d = '1'] = date.split('-');
  return [Number(y), Number(m), Number(d)];
}

function parseTime(time: string): [number, number, number] {
  const [h = '0', m = '0', sec = '0'] = time.split(':');
  return [Number(h), Number(m), Number(sec)];
}

/**
 * The instant when clocks in `zone` show `date` `time`. In the hour skipped when clocks go forward
 * the time does not exist; the answer is then the same moment an hour later on the wall.
 */
export function zonedToInstant(date: string, time: string, zone: string): Date {
  const [y, mo, d] = parseDate(date);
  const [h, mi, sec] = parseTime(time);
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, sec);
  const wanted = `${date}T${pad(h)}:${pad(mi)}:${pad(sec)}`;
  const shows = (instant: number) => {
    const wall = wallTimeIn(instant, zone);
    return `${wall.date}T${wall.time}:${pad(wall.second)}` === wanted;
  };
  // The offsets a day before and after bracket any change of the clocks around this time.
  const candidates = [offsetMinutes(zone, asUtc - DAY_MS), offsetMinutes(zone, asUtc), offsetMinutes(zone, asUtc + DAY_MS)].map((offset) => asUtc - offset * 60_000);
  const valid = candidates.filter(shows);
  // Twice in the hour when clocks go back: the first. Never in the hour they skip: moved forward by the gap.
  return new Date(valid.length > 0 ? Math.min(...valid) : Math.max(...candidates));
}

/** `+05:30`, `-04:00`, `+00:00` */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** ISO 8601 with the zone's offset at that instant, e.g. `2026-03-29T09:30:00+02:00`. */
export function isoInZone(instant: Date, zone: string): string {
  const wall = wallTimeIn(instant, zone);
  return `${wall.date}T${wall.time}:${pad(wall.second)}${formatOffset(offsetMinutes(zone, instant))}`;
}

/** The ISO string (with the right offset for that day) for a wall-clock date and time in `zone`. */
export function zonedIso(date: string, time: string, zone: string): string {
  return isoInZone(zonedToInstant(date, time, zone), zone);
}

/** Whether `date` `time` exists in `zone` (false in the hour skipped when clocks go forward). */
export function wallTimeExists(date: string, time: string, zone: string): boolean {
  const wall = wallTimeIn(zonedToInstant(date, time, zone), zone);
  const [h, mi, sec] = parseTime(time);
  return wall.date === date && wall.hour === h && wall.minute === mi && wall.second === sec;
}

/** Today's date in `zone`. */
export function todayIn(zone: string, now = Date.now()): string {
  return wallTimeIn(now, zone).date;
}

// Calendar arithmetic on `YYYY-MM-DD` strings (time-zone free: a date is a label for a local day).

function toUtcDate(date: string): Date {
  const [y, m, d] = parseDate(date);
  return new Date(Date.UTC(y, m - 1, d));
}

function fromUtcDate(value: Date): string {
  return `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
}

export function addDays(date: string, days: number): string {
  const value = toUtcDate(date);
  value.setUTCDate(value.getUTCDate() + days);
  return fromUtcDate(value);
}

export function addMonths(date: string, months: number): string {
  const [y, m] = parseDate(date);
  return fromUtcDate(new Date(Date.UTC(y, m - 1 + months, 1)));
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: string): number {
  const day = toUtcDate(date).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The Monday of the week holding `date`. */
export function startOfWeek(date: string): string {
  return addDays(date, 1 - weekdayOf(date));
}

export function startOfMonth(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

export function endOfMonth(date: string): string {
  return addDays(addMonths(date, 1), -1);
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) out.push(date);
  return out;
}

/** Formats a `YYYY-MM-DD` label with Intl (read as that calendar day, whatever the zone). */
export function formatDay(date: string, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' }).format(toUtcDate(date));
}

/** "Nov 23 – 29, 2026" for two `YYYY-MM-DD` dates, as the reader's locale writes a range. */
export function formatDayRange(from: string, to: string, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' }).formatRange(toUtcDate(from), toUtcDate(to));
}

/** `Europe/Berlin (GMT+2)` style label for a zone, with its offset now. */
export function zoneLabel(zone: string, at: Date | number = Date.now()): string {
  const minutes = offsetMinutes(zone, at);
  const hours = Math.trunc(Math.abs(minutes) / 60);
  const rest = Math.abs(minutes) % 60;
  const offset = minutes === 0 ? 'GMT' : `GMT${minutes < 0 ? '-' : '+'}${hours}${rest ? `:${pad(rest)}` : ''}`;
  return `${zone.replace(/_/g, ' ')} (${offset})`;
}

const zonedFormatters = new Map<string, Intl.DateTimeFormat>();

function zonedFormat(zone: string, kind: 'time' | 'dateTime' | 'date' | 'dayTime'): Intl.DateTimeFormat {
  const key = `${zone}|${kind}`;
  let format = zonedFormatters.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'time'
        ? { timeStyle: 'short' }
        : kind === 'date'
          ? { dateStyle: 'medium' }
          : kind === 'dayTime'
            ? { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }
            : { dateStyle: 'medium', timeStyle: 'short' };
    format = new Intl.DateTimeFormat(undefined, { ...options, timeZone: zone });
    zonedFormatters.set(key, format);
  }
  return format;
}

/** "9:30 AM" as shown in `zone` (for places that name the zone once, like a calendar grid). */
export const formatTimeIn = (iso: string | Date, zone: string) => zonedFormat(zone, 'time').format(new Date(iso));
/** "9:30 AM IST": a time with its zone's abbreviation. */
export const formatTimeWithZone = (instant: string | Date | number, zone: string) => `${zonedFormat(zone, 'time').format(new Date(instant))} ${zoneAbbreviation(zone, new Date(instant))}`;
/** "Mar 29, 2026, 9:30 AM IST" as shown in `zone`, labelled with it. */
export const formatDateTimeIn = (iso: string | Date, zone: string) => `${zonedFormat(zone, 'dateTime').format(new Date(iso))} ${zoneAbbreviation(zone, new Date(iso))}`;
/** "Sun, Mar 29, 9:30 AM IST" as shown in `zone`, labelled with it. */
export const formatDayTimeIn = (iso: string | Date, zone: string) => `${zonedFormat(zone, 'dayTime').format(new Date(iso))} ${zoneAbbreviation(zone, new Date(iso))}`;
