import { createHash } from 'node:crypto';
import type { Database } from '../../db/client.js';
import { badRequest, notFound } from '../../lib/errors.js';
import { calendarRows, calendarVersion, type CalendarRange, type CalendarRow } from './calendar.repo.js';
import type { Calendar, CalendarPost, CalendarQuery } from './schemas.js';

/** Bumped whenever the calendar's answer changes shape, so no client keeps an answer of an older build. */
const PAYLOAD_VERSION = 'c1';
const MAX_DAYS = 62;
const DAY_MS = 86_400_000;

export type CalendarAnswer = { notModified: true; etag: string } | { notModified: false; etag: string; body: Buffer };

/**
 * Rendered answers (JSON bytes) by ETag, most recently used last. An ETag names the range, `perDay`, the
 * time zone and every post in the range by id and row version, so the bytes it names never change:
 * a hit needs only the range's digest (one cheap statement), never the rows. Bounded by count and bytes.
 */
export class CalendarAnswers {
  private readonly bodies = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxEntries = 256, private readonly maxBytes = 16 * 1024 * 1024) {}

  get(etag: string): Buffer | undefined {
    const body = this.bodies.get(etag);
    if (body) {
      this.bodies.delete(etag);
      this.bodies.set(etag, body);
    }
    return body;
  }

  set(etag: string, body: Buffer): void {
    if (body.length > this.maxBytes || this.bodies.has(etag)) return;
    this.bodies.set(etag, body);
    this.bytes += body.length;
    for (const [oldest, old] of this.bodies) {
      if (this.bodies.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.bodies.delete(oldest);
      this.bytes -= old.length;
    }
  }
}

/**
 * The calendar: posts by local day in the workspace's time zone, slim (what a grid cell shows; the
 * rest is on GET /posts/{id}), at most `perDay` per day with each day's total. First the range's digest
 * (one statement): a matching If-None-Match gets a 304, an answer rendered before is sent again as it
 * was; only a range that changed since reads its rows (a second statement).
 */
export async function calendar(
  database: Database,
  answers: CalendarAnswers,
  organizationId: string,
  workspaceId: string,
  query: CalendarQuery,
  ifNoneMatch: string | undefined,
): Promise<CalendarAnswer> {
  const dayCount = daysInRange(query.from, query.to);
  const range: CalendarRange = { organizationId, workspaceId, from: query.from, to: query.to };
  const perDay = query.perDay ?? null;
  const version = await calendarVersion(database, range);
  if (!version) throw notFound('Workspace');
  const etag = etagOf(range, perDay, version);
  if (ifNoneMatch && matches(ifNoneMatch, etag)) return { notModified: true, etag };
  const rendered = answers.get(etag);
  if (rendered) return { notModified: false, etag, body: rendered };

  const found = await calendarRows(database, range, perDay);
  if (!found) throw notFound('Workspace');
  const byDay = new Map<string, { total: number; posts: CalendarPost[] }>();
  for (const row of found.rows) {
    let day = byDay.get(row.day);
    if (!day) byDay.set(row.day, (day = { total: row.dayTotal, posts: [] }));
    day.posts.push(toCalendarPost(row));
  }
  const answer: Calendar = { timezone: found.timezone, days: localDates(query.from, dayCount).map((date) => ({ date, total: byDay.get(date)?.total ?? 0, posts: byDay.get(date)?.posts ?? [] })) };
  // The rows carry their own digest: a change between the two statements is named by what was read.
  const current = etagOf(range, perDay, found);
  const body = Buffer.from(JSON.stringify(answer));
  answers.set(current, body);
  return { notModified: false, etag: current, body };
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

/** How many local dates from..to covers (both included); 400 for an impossible date or a range too long. */
function daysInRange(from: string, to: string): number {
  const start = Date.parse(`${from}T00:00:00Z`);
  const last = Date.parse(`${to}T00:00:00Z`);
  // Date.parse rolls over impossible dates (2030-02-30 → March 2); a round trip finds them.
  if (Number.isNaN(start) || Number.isNaN(last) || new Date(start).toISOString().slice(0, 10) !== from || new Date(last).toISOString().slice(0, 10) !== to) {
    throw badRequest('invalid_range', 'from and to must be valid dates');
  }
  const count = Math.round((last - start) / DAY_MS) + 1;
  if (count > MAX_DAYS) throw badRequest('range_too_long', `A calendar covers at most ${MAX_DAYS} days`);
  return count;
}

/** `count` local dates from `from` on; calendar dates, so no time zone is involved. */
function localDates(from: string, count: number): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
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
