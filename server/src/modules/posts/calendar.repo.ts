import type { Database } from '../../db/client.js';
import type { PostStatus } from '../../db/schema.js';

/**
 * The calendar's reads: one statement each, on the index posts (workspace_id, calendar_at, id).
 * Local days are the workspace's, computed by PostgreSQL (`at time zone`, DST-correct), so the range
 * and the grouping never need a second query for the time zone.
 *
 * The digest identifies what a range shows: the set of its posts by id and row version (`xmin`, which
 * PostgreSQL changes on every update of the row), as their count and the sum of a 64-bit hash of each
 * pair. Any edit, move, status change, insert or delete of a post in the range changes it; a change
 * elsewhere does not. Order needs no part in it (a move is an update, so a new version), which spares
 * sorting and hashing one long string on every check.
 */

export interface CalendarRange {
  organizationId: string;
  workspaceId: string;
  /** Local dates (YYYY-MM-DD) in the workspace's zone, both included. */
  from: string;
  to: string;
}

export interface CalendarRow {
  day: string;
  id: string;
  status: PostStatus;
  atMs: number;
  firstLine: string;
  platforms: string[];
  inFlight: boolean;
  dayTotal: number;
}

/**
 * Hand-written SQL run as named prepared statements (parsed and planned once per connection on
 * PostgreSQL). Parameters: $1 workspace, $2 organization, $3 from, $4 to (local dates), $5 perDay (rows only).
 */
const WORKSPACE = `with ws as (select w.id, w.timezone from workspaces w where w.id = $1 and w.organization_id = $2)`;
const IN_RANGE = `posts p where p.workspace_id = ws.id and p.organization_id = $2
  and p.calendar_at >= ($3::date::timestamp at time zone ws.timezone)
  and p.calendar_at < (($4::date + 1)::timestamp at time zone ws.timezone)`;
const DIGEST = `count(*)::text || '.' || coalesce(sum(hashtextextended(p.id::text || '.' || p.xmin::text, 0)), 0)::text`;

const VERSION_SQL = `${WORKSPACE}
  select ws.timezone, (select ${DIGEST} from ${IN_RANGE}) as digest from ws`;

const ROWS_SQL = `${WORKSPACE},
  month as (
    select p.id, p.status, p.calendar_at, p.text, p.platforms, p.in_flight, p.xmin,
      to_char(p.calendar_at at time zone ws.timezone, 'YYYY-MM-DD') as day
    from ws, ${IN_RANGE}
  ),
  ranked as (
    select m.*, row_number() over (partition by m.day order by m.calendar_at, m.id) as day_rank, count(*) over (partition by m.day) as day_total
    from month m
  )
  select ws.timezone, (select ${DIGEST} from month p) as digest,
    r.day, r.id, r.status, (extract(epoch from r.calendar_at) * 1000)::float8 as "atMs",
    left(btrim(split_part(btrim(r.text, E' \\t\\r\\n'), E'\\n', 1), E' \\t\\r'), 200) as "firstLine",
    r.platforms, r.in_flight as "inFlight", r.day_total::int as "dayTotal"
  from ws left join ranked r on r.day_rank <= coalesce($5::bigint, 9223372036854775807)
  order by r.calendar_at, r.id`;

const params = (r: CalendarRange) => [r.workspaceId, r.organizationId, r.from, r.to];

/** The workspace's time zone and the range's digest; null when the workspace does not exist. */
export async function calendarVersion(database: Database, r: CalendarRange): Promise<{ timezone: string; digest: string } | null> {
  const rows = await database.prepared<{ timezone: string; digest: string }>('calendar_version_v2', VERSION_SQL, params(r));
  return rows[0] ?? null;
}

/**
 * The range's posts, at most `perDay` per local day (the earliest), with each day's total, the time
 * zone and the digest; null when the workspace does not exist.
 */
export async function calendarRows(database: Database, r: CalendarRange, perDay: number | null): Promise<{ timezone: string; digest: string; rows: CalendarRow[] } | null> {
  type Raw = Omit<CalendarRow, 'day'> & { day: string | null; timezone: string; digest: string };
  const raw = await database.prepared<Raw>('calendar_rows_v2', ROWS_SQL, [...params(r), perDay]);
  const first = raw[0];
  if (!first) return null;
  const rows: CalendarRow[] = [];
  for (const row of raw) {
    if (row.day === null) continue;
    rows.push({ day: row.day, id: row.id, status: row.status, atMs: Number(row.atMs), firstLine: row.firstLine, platforms: row.platforms, inFlight: row.inFlight, dayTotal: Number(row.dayTotal) });
  }
  return { timezone: first.timezone, digest: first.digest, rows };
}
