import { createHash } from 'node:crypto';
import type { Database } from '../../db/client.js';
import { badRequest, notFound } from '../../lib/errors.js';
import { calendarRows, calendarVersion, type CalendarRange, type CalendarRow } from './calendar.repo.js';
import type { Calendar, CalendarPost, CalendarQuery } from './schemas.js';

/** Bumped whenever the calendar's answer changes shape, so no client keeps an answer of an older build. */
const PAYLOAD_VERSION = 'c1';
const MAX_DAYS = 62;
const DAY_MS = 86_400_000;

export type CalendarAnswer = { notModified: true; etag: string } | { notModified: false; etag: string; calendar: Calendar };

/**
 * The calendar: posts by local day in the workspace's time zone, slim (what a grid cell shows; the
 * rest is on GET /posts/{id}), at most `perDay` per day with each day's total. One statement per
 * answer; with a matching If-None-Match, one cheaper statement (the range's digest) and a 304.
 */
export async function calendar(database: Database, organizationId: string, workspaceId: string, query: CalendarQuery, ifNoneMatch: string | undefined): Promise<CalendarAnswer> {
  const days = daysBetween(query.from, query.to);
  const range: CalendarRange = { organizationId, workspaceId, from: query.from, to: query.to };
  const perDay = query.perDay ?? null;
  if (ifNoneMatch) {
    const version = await calendarVersion(database, range);
    if (!version) throw notFound('Workspace');
    const etag = etagOf(range, perDay, version);
    if (matches(ifNoneMatch, etag)) return { notModified: true, etag };
  }
  const found = await calendarRows(database, range, perDay);
  if (!found) throw notFound('Workspace');
  const byDay = new Map<string, { total: number; posts: CalendarPost[] }>();
  for (const row of found.rows) {
    let day = byDay.get(row.day);
    if (!day) byDay.set(row.day, (day = { total: row.dayTotal, posts: [] }));
    day.posts.push(toCalendarPost(row));
  }
  return {
    notModified: false,
    etag: etagOf(range, perDay, found),
    calendar: { timezone: found.timezone, days: days.map((date) => ({ date, total: byDay.get(date)?.total ?? 0, posts: byDay.get(date)?.posts ?? [] })) },
  };
}

function toCalendarPost(row: CalendarRow): CalendarPost {
  return {
    id: row.id,
    status: row.status,
    at: new Date(row.atMs).toISOString(),
    firstLine: row.firstLine,
    platforms: row.platforms as CalendarPost['platforms'],
    // What the calendar lets a writer drag to another day: a post that has not started going out.
    draggable: row.status === 'scheduled' || row.status === 'draft',
    live: row.inFlight,
  };
}

/** The local dates from..to (inclusive); calendar dates, so no time zone is involved. */
function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const last = Date.parse(`${to}T00:00:00Z`);
  // Date.parse rolls over impossible dates (2030-02-30 → March 2); a round trip finds them.
  if (Number.isNaN(start) || Number.isNaN(last) || new Date(start).toISOString().slice(0, 10) !== from || new Date(last).toISOString().slice(0, 10) !== to) {
    throw badRequest('invalid_range', 'from and to must be valid dates');
  }
  const count = Math.round((last - start) / DAY_MS) + 1;
  if (count > MAX_DAYS) throw badRequest('range_too_long', `A calendar covers at most ${MAX_DAYS} days`);
  const days: string[] = [];
  for (let d = 0; d < count; d++) days.push(new Date(start + d * DAY_MS).toISOString().slice(0, 10));
  return days;
}

function etagOf(range: CalendarRange, perDay: number | null, version: { timezone: string; digest: string }): string {
  const hash = createHash('sha256').update(`${PAYLOAD_VERSION}|${range.workspaceId}|${range.from}|${range.to}|${perDay ?? ''}|${version.timezone}|${version.digest}`).digest('base64url');
  return `"${hash.slice(0, 27)}"`;
}

/** If-None-Match: `*`, or a list of entity tags (weak ones compare by their opaque tag). */
function matches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}
