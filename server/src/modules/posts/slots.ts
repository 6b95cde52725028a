import { DateTime } from 'luxon';

/** A weekly posting time: ISO weekday (1 = Monday) and minutes after local midnight. */
export interface Slot {
  weekday: number;
  minuteOfDay: number;
}

/**
 * The earliest slot after `now`, in the workspace's time zone, at which none of the post's channels
 * already has a post: the union of the channels' slots, skipping instants taken on any of them.
 * Looks `horizonDays` ahead; null when nothing is free (or no channel has slots).
 * Wall-clock times that do not exist (a DST gap) move forward as the clock does.
 */
export function nextFreeSlot(opts: {
  slots: readonly Slot[];
  taken: ReadonlySet<number>;
  now: Date;
  timezone: string;
  horizonDays?: number;
}): Date | null {
  if (opts.slots.length === 0) return null;
  const horizon = opts.horizonDays ?? 56;
  const start = DateTime.fromJSDate(opts.now, { zone: opts.timezone }).startOf('day');
  const nowMs = opts.now.getTime();
  for (let d = 0; d <= horizon; d++) {
    const day = start.plus({ days: d });
    const minutes = [...new Set(opts.slots.filter((s) => s.weekday === day.weekday).map((s) => s.minuteOfDay))].sort((a, b) => a - b);
    for (const minute of minutes) {
      const at = DateTime.fromObject(
        { year: day.year, month: day.month, day: day.day, hour: Math.floor(minute / 60), minute: minute % 60 },
        { zone: opts.timezone },
      );
      const ms = at.toMillis();
      if (ms > nowMs && !opts.taken.has(ms)) return at.toJSDate();
    }
  }
  return null;
}
