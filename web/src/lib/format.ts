import { browserTimezone, zoneAbbreviation } from './timezones';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export const formatDate = (iso: string) => dateFormat.format(new Date(iso));
/** "Mar 29, 2026, 9:30 AM GMT+1" in the reader's own zone, labelled with it (for pages outside a workspace). */
export const formatDateTime = (iso: string) => `${dateTimeFormat.format(new Date(iso))} ${zoneAbbreviation(browserTimezone(), new Date(iso))}`;

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

const secondsFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'always' });

/**
 * "in 57 seconds", "in 1 minute", "3 hours ago", "now" (within 5 seconds). Never rounds a time that
 * is still ahead into the past or into "just now": a post 57 s away is "in 57 seconds".
 */
export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  if (Math.abs(seconds) < 5) return relativeFormat.format(0, 'second');
  return secondsFormat.format(seconds, 'second');
}
