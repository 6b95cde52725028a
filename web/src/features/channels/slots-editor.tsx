import { useMutation, useQueryClient } from '@tanstack/react-query';
import { clsx } from 'clsx';
import { CopyPlus, Plus, X } from 'lucide-react';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { describeError } from '../../api/errors';
import type { Channel, PostingSlot } from '../../api/types';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { controlClasses } from '../../components/field';
import { useToast } from '../../components/toast';
import { formatDay } from '../../lib/zoned-time';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
// 2024-01-01 was a Monday: a fixed week gives the browser's own weekday names.
const weekdayName = (weekday: number, style: 'long' | 'short') => formatDay(`2024-01-0${weekday}`, { weekday: style });

type Grid = Record<number, string[]>;

function gridOf(slots: readonly PostingSlot[]): Grid {
  const grid: Grid = {};
  for (const day of WEEKDAYS) grid[day] = [];
  for (const slot of slots) grid[slot.weekday] = [...new Set([...(grid[slot.weekday] ?? []), slot.time])].sort();
  return grid;
}

const slotsOf = (grid: Grid): PostingSlot[] => WEEKDAYS.flatMap((weekday) => (grid[weekday] ?? []).map((time) => ({ weekday, time })));

/** "9:00 AM" for an `HH:MM` wall-clock time, in the reader's own style. */
const timeLabel = (time: string) => {
  const [h = 0, m = 0] = time.split(':').map(Number);
  return new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 1, h, m)));
};

interface SlotsEditorProps {
  channel: Channel;
  zoneLabel: string;
  canEdit: boolean;
  onDone?: () => void;
}

/**
 * A channel's weekly posting slots: a row per weekday with its times. "Add to queue" puts a post in
 * the next free slot. Saved all at once (PUT replaces every slot).
 */
export function SlotsEditor({ channel, zoneLabel, canEdit, onDone }: SlotsEditorProps) {
  const [grid, setGrid] = useState<Grid>(() => gridOf(channel.slots));
  const [drafts, setDrafts] = useState<Record<number, string>>({});
  const queryClient = useQueryClient();
  const toast = useToast();
  // A time typed but not yet added counts too, so "Save" never drops it.
  const effective = slotsOf(grid).concat(
    WEEKDAYS.filter((day) => /^\d{2}:\d{2}$/.test(drafts[day] ?? '')).map((weekday) => ({ weekday, time: drafts[weekday] ?? '' })),
  );
  const dirty = JSON.stringify(slotsOf(gridOf(effective))) !== JSON.stringify(slotsOf(gridOf(channel.slots)));
  const total = slotsOf(gridOf(effective)).length;

  const save = useMutation({
    mutationFn: () => call(api.PUT('/api/v1/channels/{channelId}/slots', { params: { path: { channelId: channel.id } }, body: { slots: slotsOf(gridOf(effective)) } })),
    onSuccess: async (result) => {
      setGrid(gridOf(result.slots));
      setDrafts({});
      await queryClient.invalidateQueries({ queryKey: ['channels', channel.workspaceId] });
      await queryClient.invalidateQueries({ queryKey: ['channel', channel.id] });
      toast.success(`Posting slots for ${channel.name} saved.`);
      onDone?.();
    },
  });

  const add = (weekday: number) => {
    const time = drafts[weekday] ?? '';
    if (!/^\d{2}:\d{2}$/.test(time)) return;
    setGrid((current) => ({ ...current, [weekday]: [...new Set([...(current[weekday] ?? []), time])].sort() }));
    setDrafts((current) => ({ ...current, [weekday]: '' }));
  };

  const remove = (weekday: number, time: string) => setGrid((current) => ({ ...current, [weekday]: (current[weekday] ?? []).filter((t) => t !== time) }));

  const copyMondayToWeekdays = () =>
    setGrid((current) => {
      const monday = current[1] ?? [];
      return { ...current, 2: [...monday], 3: [...monday], 4: [...monday], 5: [...monday] };
    });

  return (
    <div className="space-y-4" data-testid="slots-editor" data-channel-id={channel.id}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-zinc-600">
          Times are in <span className="font-medium text-zinc-800">{zoneLabel}</span>. “Add to queue” picks the next free slot.
        </p>
        {canEdit && (grid[1]?.length ?? 0) > 0 ? (
          <Button variant="ghost" size="sm" icon={CopyPlus} onClick={copyMondayToWeekdays}>
            Copy Monday to weekdays
          </Button>
        ) : null}
      </div>
      <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200">
        {WEEKDAYS.map((weekday) => {
          const times = grid[weekday] ?? [];
          const draft = drafts[weekday] ?? '';
          return (
            <li key={weekday} className="flex flex-col gap-2 px-3 py-2.5 sm:flex-row sm:items-center sm:gap-4" data-testid="slots-day" data-weekday={weekday}>
              <span className="w-24 shrink-0 text-sm font-medium text-zinc-800">{weekdayName(weekday, 'long')}</span>
              <div className="flex min-w-0 flex-1 flex-wrap items-center gap-1.5">
                {times.length === 0 ? <span className="text-sm text-zinc-400">No slots</span> : null}
                {times.map((time) => (
                  <span
                    key={time}
                    className="inline-flex items-center gap-1 rounded-md bg-brand-50 py-0.5 pr-1 pl-2 text-sm font-medium text-brand-800 ring-1 ring-brand-100 ring-inset tabular-nums"
                    data-testid="slot-chip"
                    data-weekday={weekday}
                    data-time={time}
                  >
                    {timeLabel(time)}
                    {canEdit ? (
                      <button
                        type="button"
                        className="rounded p-0.5 text-brand-400 hover:bg-brand-100 hover:text-brand-700"
                        aria-label={`Remove ${timeLabel(time)} on ${weekdayName(weekday, 'long')}`}
                        onClick={() => remove(weekday, time)}
                      >
                        <X className="size-3" aria-hidden />
                      </button>
                    ) : null}
                  </span>
                ))}
              </div>
              {canEdit ? (
                <form
                  className="flex shrink-0 items-center gap-1.5"
                  onSubmit={(event) => {
                    event.preventDefault();
                    add(weekday);
                  }}
                >
                  <input
                    type="time"
                    value={draft}
                    onChange={(event) => setDrafts((current) => ({ ...current, [weekday]: event.target.value }))}
                    className={controlClasses(false, 'h-8 w-32 tabular-nums')}
                    aria-label={`New posting time on ${weekdayName(weekday, 'long')}`}
                    data-testid="slot-time-input"
                    data-weekday={weekday}
                  />
                  <Button type="submit" variant="secondary" size="sm" icon={Plus} disabled={!draft} aria-label={`Add time on ${weekdayName(weekday, 'long')}`} data-testid="slot-add" data-weekday={weekday}>
                    <span className="hidden sm:inline">Add</span>
                  </Button>
                </form>
              ) : null}
            </li>
          );
        })}
      </ul>
      {save.error ? <Alert tone="error">{describeError(save.error)}</Alert> : null}
      {canEdit ? (
        <div className="flex flex-wrap items-center justify-end gap-2">
          <span className={clsx('mr-auto text-sm', total === 0 ? 'text-amber-700' : 'text-zinc-500')}>
            {total === 0 ? 'Without slots, posts can’t be added to this channel’s queue.' : `${total} slot${total === 1 ? '' : 's'} a week`}
          </span>
          <Button
            variant="ghost"
            disabled={!dirty || save.isPending}
            onClick={() => {
              setGrid(gridOf(channel.slots));
              setDrafts({});
            }}
          >
            Discard
          </Button>
          <Button loading={save.isPending} disabled={!dirty} onClick={() => save.mutate()} data-testid="slots-save">
            Save slots
          </Button>
        </div>
      ) : null}
    </div>
  );
}

/** "Mon 9:00 AM, 5:30 PM · Tue …" style summary, or null when there are none. */
export function slotsSummary(slots: readonly PostingSlot[]): string | null {
  if (slots.length === 0) return null;
  const grid = gridOf(slots);
  return WEEKDAYS.filter((day) => (grid[day]?.length ?? 0) > 0)
    .map((day) => `${weekdayName(day, 'short')} ${(grid[day] ?? []).map(timeLabel).join(', ')}`)
    .join(' · ');
}
