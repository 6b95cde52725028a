import { Globe } from 'lucide-react';
import { useId } from 'react';
import { controlClasses } from '../../components/field';
import { formatDateTimeIn, todayIn, wallTimeExists, wallTimeIn, zonedToInstant, zoneLabel, isoInZone } from '../../lib/zoned-time';

/** `HH:MM`, optionally with seconds (`HH:MM:SS`). */
const TIME = /^\d{2}:\d{2}(:\d{2})?$/;

export interface ScheduleValue {
  /** `YYYY-MM-DD` in the workspace's zone. */
  date: string;
  /** `HH:MM` in the workspace's zone. */
  time: string;
}

/**
 * A sensible first guess for a new post's time: the given day at 9:00, or, when that has passed
 * (or no day is given), the next full hour from now. All in the workspace's zone.
 */
export function suggestedTime(zone: string, date?: string | null): ScheduleValue {
  const today = todayIn(zone);
  if (date && date > today) return { date, time: '09:00' };
  const next = wallTimeIn(Date.now() + 60 * 60_000, zone);
  const nextHour = { date: next.date, time: `${String(next.hour).padStart(2, '0')}:00` };
  if (date === today && nextHour.date === today && nextHour.time < '09:00') return { date, time: '09:00' };
  return nextHour;
}

export interface CheckedSchedule {
  /** ISO 8601 with the zone's offset for that day; null when the value is incomplete or in the past. */
  iso: string | null;
  error: string | null;
  /** E.g. the time does not exist that day (clocks go forward) and what it becomes. */
  note: string | null;
}

export function checkSchedule(value: ScheduleValue, zone: string, now = Date.now()): CheckedSchedule {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value.date) || !TIME.test(value.time)) return { iso: null, error: 'Pick a date and a time.', note: null };
  const instant = zonedToInstant(value.date, value.time, zone);
  if (instant.getTime() <= now) return { iso: null, error: 'That time has already passed. Pick a later time, or publish now.', note: null };
  const note = wallTimeExists(value.date, value.time, zone) ? null : `Clocks go forward that night, so ${value.time} doesn’t exist; it will go out at ${formatDateTimeIn(instant, zone)}.`;
  return { iso: isoInZone(instant, zone), error: null, note };
}

interface ScheduleFieldsProps {
  value: ScheduleValue;
  onChange: (value: ScheduleValue) => void;
  zone: string;
  disabled?: boolean;
  error?: string | null;
  note?: string | null;
  /** Prefix of the inputs' data-testids: `${prefix}-date`, `${prefix}-time`. */
  testIdPrefix: string;
}

/** Date and time inputs read in the WORKSPACE's time zone (named beside them). */
export function ScheduleFields({ value, onChange, zone, disabled, error, note, testIdPrefix }: ScheduleFieldsProps) {
  const id = useId();
  const zoneId = `${id}-zone`;
  const messageId = `${id}-message`;
  // The offset shown is the one for the chosen day (it differs across a daylight-saving change).
  const complete = /^\d{4}-\d{2}-\d{2}$/.test(value.date) && TIME.test(value.time);
  const labelAt = complete ? zonedToInstant(value.date, value.time, zone) : Date.now();
  return (
    <div className="space-y-2">
      <div className="grid grid-cols-[minmax(0,1.3fr)_minmax(0,1fr)] gap-2">
        <div className="space-y-1">
          <label htmlFor={`${id}-date`} className="text-xs font-medium text-zinc-600">
            Date
          </label>
          <input
            id={`${id}-date`}
            type="date"
            value={value.date}
            min={todayIn(zone)}
            disabled={disabled}
            onChange={(event) => onChange({ ...value, date: event.target.value })}
            className={controlClasses(Boolean(error), 'h-10 tabular-nums')}
            aria-describedby={`${zoneId}${error || note ? ` ${messageId}` : ''}`}
            aria-invalid={error ? true : undefined}
            data-testid={`${testIdPrefix}-date`}
          />
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-time`} className="text-xs font-medium text-zinc-600">
            Time
          </label>
          <input
            id={`${id}-time`}
            type="time"
            value={value.time}
            step={value.time.length > 5 ? 1 : 60}
            disabled={disabled}
            onChange={(event) => onChange({ ...value, time: event.target.value })}
            className={controlClasses(Boolean(error), 'h-10 tabular-nums')}
            aria-describedby={`${zoneId}${error || note ? ` ${messageId}` : ''}`}
            aria-invalid={error ? true : undefined}
            data-testid={`${testIdPrefix}-time`}
          />
        </div>
      </div>
      <p id={zoneId} className="flex items-center gap-1.5 text-xs text-zinc-500" data-testid={`${testIdPrefix}-zone`}>
        <Globe className="size-3.5 shrink-0" aria-hidden />
        <span>
          Time zone: <span className="font-medium text-zinc-700">{zoneLabel(zone, labelAt)}</span>
        </span>
      </p>
      {error ? (
        <p id={messageId} className="text-sm text-red-600">
          {error}
        </p>
      ) : note ? (
        <p id={messageId} className="text-sm text-amber-700">
          {note}
        </p>
      ) : null}
    </div>
  );
}
