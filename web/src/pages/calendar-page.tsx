import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { clsx } from 'clsx';
import { ChevronLeft, ChevronRight, Globe, GripVertical, PenSquare, Plus } from 'lucide-react';
import { useState, useSyncExternalStore, type DragEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { describeError } from '../api/errors';
import type { CalendarPost, Post } from '../api/types';
import { Alert } from '../components/alert';
import { Button, ButtonLink, IconButton } from '../components/button';
import { Card } from '../components/card';
import { Dialog, DialogActions } from '../components/dialog';
import { PageHeader } from '../components/page-header';
import { Skeleton } from '../components/spinner';
import { useToast } from '../components/toast';
import { PlatformMark } from '../features/channels/platform';
import { useCurrentOrg } from '../features/orgs/org-context';
import { calendarQuery, postActions, postsPage, postTitle, refreshPosts } from '../features/posts/queries';
import { checkSchedule, ScheduleFields, suggestedTime, type ScheduleValue } from '../features/posts/schedule-fields';
import { POST_STATUS_ORDER, POST_STATUSES } from '../features/posts/status';
import { useCurrentWorkspace } from '../features/workspaces/workspace-context';
import {
  addDays,
  addMonths,
  datesBetween,
  endOfMonth,
  formatDay,
  formatDayRange,
  formatDayTimeIn,
  formatTimeIn,
  startOfMonth,
  startOfWeek,
  todayIn,
  wallTimeIn,
  zonedToInstant,
  zoneLabel,
} from '../lib/zoned-time';

type View = 'month' | 'week';
type CalendarData = { timezone: string; days: { date: string; total: number; posts: CalendarPost[] }[] };
/** What a chip shows: a calendar cell (the server's slim answer) or an unscheduled draft (`at` null). */
type ChipPost = Pick<CalendarPost, 'id' | 'status' | 'firstLine' | 'platforms' | 'draggable' | 'live'> & { at: string | null };

/** The month grid shows this many posts a day, then "+N more" (the week view shows them all). */
const MONTH_PER_DAY = 4;

const DRAG_TYPE = 'application/x-herald-post';
const PHONE_QUERY = '(max-width: 640px)';
const isDate = (value: string | null): value is string => value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value);

function useIsPhone(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const query = window.matchMedia(PHONE_QUERY);
      query.addEventListener('change', onChange);
      return () => query.removeEventListener('change', onChange);
    },
    () => window.matchMedia(PHONE_QUERY).matches,
  );
}

/** A draft from the posts list, as a chip. */
const draftChip = (post: Post): ChipPost => ({
  id: post.id,
  status: post.status,
  at: null,
  firstLine: postTitle(post.text, 200),
  platforms: [...new Set(post.targets.map((t) => t.channel.platform))],
  draggable: true,
  live: false,
});

/** Month and week views of the workspace's posts, by local day in its time zone; drag to reschedule. */
export function CalendarPage() {
  const workspace = useCurrentWorkspace();
  const { org, can } = useCurrentOrg();
  const zone = workspace.timezone;
  const base = `/orgs/${org.id}/workspaces/${workspace.id}`;
  const canWrite = can('posts.write');
  const isPhone = useIsPhone();
  const [params, setParams] = useSearchParams();
  const today = todayIn(zone);
  const view: View = params.get('view') === 'week' || params.get('view') === 'month' ? (params.get('view') as View) : isPhone ? 'week' : 'month';
  const anchor = isDate(params.get('date')) ? (params.get('date') as string) : today;
  const [selected, setSelected] = useState<string | null>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const [placing, setPlacing] = useState<{ post: ChipPost; date: string } | null>(null);
  const queryClient = useQueryClient();
  const toast = useToast();

  const monthStart = startOfMonth(anchor);
  const from = view === 'month' ? startOfWeek(monthStart) : startOfWeek(anchor);
  const to = view === 'month' ? addDays(startOfWeek(endOfMonth(anchor)), 6) : addDays(from, 6);
  const perDay = view === 'month' ? MONTH_PER_DAY : undefined;
  const calendarKey = calendarQuery(workspace.id, from, to, perDay).queryKey;

  // No polling: the workspace's event stream (features/posts/live-updates) refetches it when a post changes.
  const calendar = useQuery({
    ...calendarQuery(workspace.id, from, to, perDay),
    placeholderData: keepPreviousData,
  });

  const drafts = useQuery({
    queryKey: ['posts', workspace.id, 'unscheduled-drafts'],
    queryFn: () => postsPage(workspace.id, { status: 'draft' }, null, 50).then((page) => page.items.filter((post) => post.scheduledAt === null).map(draftChip)),
    enabled: canWrite,
  });

  // The server sends each day's posts in time order, and each day's total (beyond perDay).
  const postsByDate = new Map<string, ChipPost[]>();
  const totalByDate = new Map<string, number>();
  for (const day of calendar.data?.days ?? []) {
    postsByDate.set(day.date, day.posts);
    totalByDate.set(day.date, day.total);
  }

  const navigateTo = (next: { view?: View; date?: string }) => {
    const search = new URLSearchParams(params);
    search.set('view', next.view ?? view);
    search.set('date', next.date ?? anchor);
    setParams(search, { replace: true });
    setSelected(null);
  };
  const step = (direction: 1 | -1) => navigateTo({ date: view === 'month' ? addMonths(monthStart, direction) : addDays(startOfWeek(anchor), 7 * direction) });

  const reschedule = useMutation({
    mutationFn: ({ post, iso }: { post: ChipPost; iso: string; date: string }) => postActions.schedule(post.id, iso),
    onMutate: async ({ post, iso, date }) => {
      // Move the chip at once; the server's answer (or a refetch on failure) settles it.
      await queryClient.cancelQueries({ queryKey: calendarKey });
      const previous = queryClient.getQueryData<CalendarData>(calendarKey);
      if (previous) {
        const moved: CalendarPost = { ...post, status: 'scheduled', at: iso };
        queryClient.setQueryData<CalendarData>(calendarKey, {
          ...previous,
          days: previous.days.map((day) => {
            const had = day.posts.some((p) => p.id === post.id);
            if (day.date === date) return { ...day, total: day.total + (had ? 0 : 1), posts: [...day.posts.filter((p) => p.id !== post.id), moved].sort((a, b) => a.at.localeCompare(b.at)) };
            return had ? { ...day, total: day.total - 1, posts: day.posts.filter((p) => p.id !== post.id) } : day;
          }),
        });
      }
      return { previous };
    },
    onSuccess: (result) => {
      toast.success(`Rescheduled to ${result.scheduledAt ? formatDayTimeIn(result.scheduledAt, zone) : 'the new day'}.`);
    },
    onError: (error, _vars, context) => {
      if (context?.previous) queryClient.setQueryData(calendarKey, context.previous);
      toast.error(describeError(error));
    },
    onSettled: async (result) => {
      await refreshPosts(queryClient, workspace.id, result);
    },
  });

  const findPost = (id: string) => [...postsByDate.values()].flat().find((post) => post.id === id) ?? drafts.data?.find((post) => post.id === id);

  const dropOn = (date: string, postId: string) => {
    const post = findPost(postId);
    if (!post || !post.draggable) return;
    if (date < today) {
      toast.error('Posts can’t be scheduled in the past. Drop it on today or a later day.');
      return;
    }
    if (!post.at) {
      setPlacing({ post, date });
      return;
    }
    const time = wallTimeIn(new Date(post.at), zone).clock;
    if (wallTimeIn(new Date(post.at), zone).date === date) return;
    const checked = checkSchedule({ date, time }, zone);
    if (!checked.iso) {
      toast.error(`${formatTimeIn(zonedToInstant(date, time, zone), zone)} has already passed on that day. Open the post to pick a later time.`);
      return;
    }
    reschedule.mutate({ post, iso: checked.iso, date });
  };

  const dayProps = (date: string) => ({
    onDragOver: (event: DragEvent) => {
      if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
      if (dropTarget !== date) setDropTarget(date);
    },
    onDragLeave: (event: DragEvent) => {
      if (!event.currentTarget.contains(event.relatedTarget as Node | null) && dropTarget === date) setDropTarget(null);
    },
    onDrop: (event: DragEvent) => {
      event.preventDefault();
      setDropTarget(null);
      setDragging(null);
      const id = event.dataTransfer.getData(DRAG_TYPE) || event.dataTransfer.getData('text/plain');
      if (id) dropOn(date, id);
    },
  });

  const chipDrag = (post: ChipPost) =>
    canWrite && post.draggable
      ? {
          draggable: true,
          onDragStart: (event: DragEvent) => {
            event.dataTransfer.setData(DRAG_TYPE, post.id);
            event.dataTransfer.setData('text/plain', post.id);
            event.dataTransfer.effectAllowed = 'move';
            setDragging(post.id);
          },
          onDragEnd: () => {
            setDragging(null);
            setDropTarget(null);
          },
        }
      : { draggable: false };

  const title = view === 'month' ? formatDay(monthStart, { month: 'long', year: 'numeric' }) : weekTitle(from, to);
  const days = datesBetween(from, to);

  return (
    <>
      <PageHeader
        eyebrow={workspace.name}
        title="Calendar"
        description="Scheduled and published posts by day. Drag a scheduled post or a draft to another day to reschedule it."
        actions={
          canWrite ? (
            <ButtonLink to={`${base}/compose`} icon={PenSquare} data-testid="calendar-new-post">
              New post
            </ButtonLink>
          ) : null
        }
      />
      <div className="space-y-4">
        <div className="flex flex-wrap items-center gap-2">
          <div className="flex items-center gap-1">
            <IconButton icon={ChevronLeft} label={view === 'month' ? 'Previous month' : 'Previous week'} onClick={() => step(-1)} data-testid="calendar-prev" />
            <Button variant="secondary" size="sm" onClick={() => navigateTo({ date: today })} data-testid="calendar-today">
              Today
            </Button>
            <IconButton icon={ChevronRight} label={view === 'month' ? 'Next month' : 'Next week'} onClick={() => step(1)} data-testid="calendar-next" />
          </div>
          <h2 className="order-first w-full truncate text-lg font-semibold text-zinc-900 sm:order-none sm:w-auto sm:min-w-0 sm:flex-1" aria-live="polite" data-testid="calendar-title">
            {title}
          </h2>
          <div className="ml-auto inline-flex rounded-lg bg-zinc-100 p-0.5 sm:ml-0" role="group" aria-label="View">
            {(['month', 'week'] as const).map((option) => (
              <button
                key={option}
                type="button"
                aria-pressed={view === option}
                onClick={() => navigateTo({ view: option })}
                className={clsx('rounded-md px-3 py-1 text-sm font-medium capitalize transition', view === option ? 'bg-white text-zinc-900 shadow-sm' : 'text-zinc-600 hover:text-zinc-900')}
                data-testid={`calendar-view-${option}`}
              >
                {option}
              </button>
            ))}
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <p className="inline-flex items-center gap-1.5 rounded-md bg-white px-2 py-1 text-xs font-medium text-zinc-700 ring-1 ring-zinc-200" data-testid="calendar-zone">
            <Globe className="size-3.5 text-zinc-400" aria-hidden />
            {zoneLabel(zone, zonedToInstant(from, '12:00', zone))}
          </p>
          <ul className="flex flex-wrap items-center gap-x-3 gap-y-1" aria-label="Legend" data-testid="calendar-legend">
            {POST_STATUS_ORDER.map((status) => (
              <li key={status} className="inline-flex items-center gap-1.5 text-xs text-zinc-600">
                <span className={clsx('size-2.5 rounded-sm border', POST_STATUSES[status].chip)} aria-hidden />
                {POST_STATUSES[status].label}
              </li>
            ))}
          </ul>
        </div>

        {calendar.isError && !calendar.data ? <Alert tone="error">{describeError(calendar.error)}</Alert> : null}
        {calendar.isPending ? (
          <Skeleton className="h-[28rem] w-full rounded-xl" />
        ) : view === 'month' ? (
          <MonthGrid
            days={days}
            month={monthStart.slice(0, 7)}
            today={today}
            postsByDate={postsByDate}
            totalByDate={totalByDate}
            zone={zone}
            base={base}
            canWrite={canWrite}
            selected={selected}
            onSelect={setSelected}
            dragging={dragging}
            dropTarget={dropTarget}
            dayProps={dayProps}
            chipDrag={chipDrag}
            onShowWeek={(date) => navigateTo({ view: 'week', date })}
            isPhone={isPhone}
          />
        ) : (
          <WeekGrid days={days} today={today} postsByDate={postsByDate} totalByDate={totalByDate} zone={zone} base={base} canWrite={canWrite} dragging={dragging} dropTarget={dropTarget} dayProps={dayProps} chipDrag={chipDrag} />
        )}

        {canWrite && !isPhone && (drafts.data?.length ?? 0) > 0 ? (
          <Card className="p-4" aria-labelledby="drafts-heading">
            <h2 id="drafts-heading" className="text-sm font-semibold text-zinc-900">
              Unscheduled drafts
            </h2>
            <p className="mt-0.5 text-sm text-zinc-500">Drag a draft onto a day to schedule it.</p>
            <ul className="mt-3 flex flex-wrap gap-2" data-testid="calendar-drafts">
              {drafts.data?.map((post) => (
                <li key={post.id} className="max-w-64">
                  <PostChip post={post} zone={zone} to={`${base}/posts/${post.id}`} drag={chipDrag(post)} dragging={dragging === post.id} />
                </li>
              ))}
            </ul>
          </Card>
        ) : null}
      </div>
      <PlaceDraftDialog placing={placing} onClose={() => setPlacing(null)} zone={zone} workspaceId={workspace.id} />
    </>
  );
}

function weekTitle(from: string, to: string): string {
  return formatDayRange(from, to, { month: 'short', day: 'numeric', year: 'numeric' });
}

type DayProps = (date: string) => { onDragOver: (event: DragEvent) => void; onDragLeave: (event: DragEvent) => void; onDrop: (event: DragEvent) => void };
type ChipDrag = (post: ChipPost) => { draggable: boolean; onDragStart?: (event: DragEvent) => void; onDragEnd?: () => void };

interface GridProps {
  days: string[];
  today: string;
  postsByDate: Map<string, ChipPost[]>;
  /** Posts on each day, including those the month view leaves out. */
  totalByDate: Map<string, number>;
  zone: string;
  base: string;
  canWrite: boolean;
  dragging: string | null;
  dropTarget: string | null;
  dayProps: DayProps;
  chipDrag: ChipDrag;
}

const WEEKDAY_HEADERS = [1, 2, 3, 4, 5, 6, 7].map((d) => ({ short: formatDay(`2024-01-0${d}`, { weekday: 'short' }), narrow: formatDay(`2024-01-0${d}`, { weekday: 'narrow' }) }));

function MonthGrid({
  days,
  month,
  today,
  postsByDate,
  totalByDate,
  zone,
  base,
  canWrite,
  selected,
  onSelect,
  dragging,
  dropTarget,
  dayProps,
  chipDrag,
  onShowWeek,
  isPhone,
}: GridProps & { month: string; selected: string | null; onSelect: (date: string) => void; onShowWeek: (date: string) => void; isPhone: boolean }) {
  const picked = selected ?? (days.includes(today) ? today : null);
  const pickedPosts = picked ? (postsByDate.get(picked) ?? []) : [];
  const pickedMore = picked ? (totalByDate.get(picked) ?? 0) - pickedPosts.length : 0;
  return (
    <div className="space-y-4">
      <div className="overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-xs" data-testid="calendar-month">
        <div className="grid grid-cols-7 border-b border-zinc-200 bg-zinc-50 text-center text-xs font-medium text-zinc-500" aria-hidden>
          {WEEKDAY_HEADERS.map((day) => (
            <div key={day.short} className="py-2">
              <span className="hidden sm:inline">{day.short}</span>
              <span className="sm:hidden">{day.narrow}</span>
            </div>
          ))}
        </div>
        <ol className="grid grid-cols-7">
          {days.map((date, index) => {
            const posts = postsByDate.get(date) ?? [];
            const total = totalByDate.get(date) ?? posts.length;
            const inMonth = date.startsWith(month);
            const past = date < today;
            const isToday = date === today;
            const label = formatDay(date, { weekday: 'long', month: 'long', day: 'numeric' });
            return (
              <li
                key={date}
                {...dayProps(date)}
                className={clsx(
                  'group relative min-h-16 border-zinc-100 p-1 transition-colors sm:min-h-28 sm:p-1.5',
                  index % 7 !== 6 && 'border-r',
                  index < days.length - 7 && 'border-b',
                  !inMonth && 'bg-zinc-50/70',
                  past && inMonth && 'bg-zinc-50/40',
                  dropTarget === date && (past ? 'bg-red-50 ring-2 ring-red-300 ring-inset' : 'bg-brand-50 ring-2 ring-brand-400 ring-inset'),
                  isPhone && picked === date && 'bg-brand-50/60',
                )}
                aria-label={`${label}${isToday ? ', today' : ''}: ${total === 0 ? 'no posts' : `${total} post${total === 1 ? '' : 's'}`}`}
                data-testid="calendar-day"
                data-date={date}
                data-today={isToday || undefined}
              >
                <div className="flex items-center justify-between">
                  <button
                    type="button"
                    onClick={() => (isPhone ? onSelect(date) : onShowWeek(date))}
                    className={clsx(
                      'flex size-7 items-center justify-center rounded-full text-xs font-medium tabular-nums sm:size-6',
                      isToday ? 'bg-brand-600 text-white' : inMonth ? (past ? 'text-zinc-400 hover:bg-zinc-100' : 'text-zinc-800 hover:bg-zinc-100') : 'text-zinc-300 hover:bg-zinc-100',
                    )}
                    aria-label={isPhone ? `Show ${label}` : `Open the week of ${label}`}
                  >
                    {Number(date.slice(8))}
                  </button>
                  {canWrite && !past ? <AddLink date={date} base={base} label={label} subtle={posts.length > 0} className="hidden sm:flex" /> : null}
                </div>
                {/* Phones: dots per post; the chosen day's posts are listed below the grid. */}
                {posts.length > 0 ? (
                  <div className="mt-1 flex flex-wrap justify-center gap-0.5 sm:hidden" aria-hidden>
                    {posts.slice(0, 4).map((post) => (
                      <span key={post.id} className={clsx('size-1.5 rounded-full', POST_STATUSES[post.status].dot)} />
                    ))}
                  </div>
                ) : null}
                <ul className="mt-1 hidden space-y-1 sm:block">
                  {posts.map((post) => (
                    <li key={post.id}>
                      <PostChip post={post} zone={zone} to={`${base}/posts/${post.id}`} drag={chipDrag(post)} dragging={dragging === post.id} compact />
                    </li>
                  ))}
                  {total > posts.length ? (
                    <li>
                      <button
                        type="button"
                        onClick={() => onShowWeek(date)}
                        className="w-full rounded px-1 text-left text-xs font-medium text-zinc-500 hover:text-zinc-900"
                        aria-label={`${total - posts.length} more on ${label}: open the week`}
                        data-testid="calendar-more"
                      >
                        +{total - posts.length} more
                      </button>
                    </li>
                  ) : null}
                </ul>
              </li>
            );
          })}
        </ol>
      </div>
      {isPhone && picked ? (
        <section aria-labelledby="picked-day" className="space-y-2">
          <div className="flex items-center justify-between">
            <h3 id="picked-day" className="text-sm font-semibold text-zinc-900">
              {formatDay(picked, { weekday: 'long', month: 'long', day: 'numeric' })}
            </h3>
            {canWrite && picked >= today ? <AddLink date={picked} base={base} label={formatDay(picked, { weekday: 'long', month: 'long', day: 'numeric' })} withText /> : null}
          </div>
          {pickedPosts.length === 0 ? (
            <p className="rounded-lg border border-dashed border-zinc-300 px-4 py-6 text-center text-sm text-zinc-500">Nothing planned for this day.</p>
          ) : (
            <ul className="space-y-2">
              {pickedPosts.map((post) => (
                <li key={post.id}>
                  <PostChip post={post} zone={zone} to={`${base}/posts/${post.id}`} drag={{ draggable: false }} dragging={false} />
                </li>
              ))}
              {pickedMore > 0 ? (
                <li>
                  <button type="button" onClick={() => onShowWeek(picked)} className="w-full rounded-lg px-2 py-1.5 text-left text-sm font-medium text-zinc-600 hover:text-zinc-900">
                    +{pickedMore} more: show the week
                  </button>
                </li>
              ) : null}
            </ul>
          )}
        </section>
      ) : null}
    </div>
  );
}

/** A week: seven columns on wider screens, an agenda (one day under the other) on phones. */
function WeekGrid({ days, today, postsByDate, zone, base, canWrite, dragging, dropTarget, dayProps, chipDrag }: GridProps) {
  return (
    <ol className="grid gap-2 sm:grid-cols-7 sm:gap-0 sm:overflow-hidden sm:rounded-xl sm:border sm:border-zinc-200 sm:bg-white sm:shadow-xs" data-testid="calendar-week">
      {days.map((date, index) => {
        const posts = postsByDate.get(date) ?? [];
        const past = date < today;
        const isToday = date === today;
        const label = formatDay(date, { weekday: 'long', month: 'long', day: 'numeric' });
        return (
          <li
            key={date}
            {...dayProps(date)}
            className={clsx(
              'flex flex-col rounded-xl border border-zinc-200 bg-white p-3 transition-colors sm:min-h-[26rem] sm:rounded-none sm:border-0 sm:p-2',
              index < 6 && 'sm:border-r sm:border-zinc-100',
              past && 'bg-zinc-50/70 sm:bg-zinc-50/50',
              isToday && 'ring-2 ring-brand-300 sm:ring-0 sm:bg-brand-50/30',
              dropTarget === date && (past ? 'bg-red-50 ring-2 ring-red-300 ring-inset' : 'bg-brand-50 ring-2 ring-brand-400 ring-inset'),
            )}
            aria-label={`${label}${isToday ? ', today' : ''}: ${posts.length === 0 ? 'no posts' : `${posts.length} post${posts.length === 1 ? '' : 's'}`}`}
            data-testid="calendar-day"
            data-date={date}
            data-today={isToday || undefined}
          >
            <div className="mb-2 flex items-center justify-between gap-1 sm:flex-col sm:items-start">
              <p className="flex items-baseline gap-1.5 sm:flex-col sm:gap-0">
                <span className={clsx('text-xs font-medium uppercase', isToday ? 'text-brand-700' : 'text-zinc-500')}>{formatDay(date, { weekday: 'short' })}</span>
                <span className={clsx('text-lg font-semibold tabular-nums', isToday ? 'text-brand-700' : past ? 'text-zinc-400' : 'text-zinc-900')}>{Number(date.slice(8))}</span>
                <span className="text-xs text-zinc-500 sm:hidden">{formatDay(date, { month: 'short' })}</span>
                {isToday ? <span className="rounded bg-brand-600 px-1.5 py-0.5 text-[10px] font-semibold text-white uppercase sm:hidden">Today</span> : null}
              </p>
            </div>
            <ul className="flex-1 space-y-1.5">
              {posts.map((post) => (
                <li key={post.id}>
                  <PostChip post={post} zone={zone} to={`${base}/posts/${post.id}`} drag={chipDrag(post)} dragging={dragging === post.id} />
                </li>
              ))}
              {posts.length === 0 ? <li className="text-xs text-zinc-400 sm:hidden">Nothing planned</li> : null}
            </ul>
            {canWrite && !past ? <AddLink date={date} base={base} label={label} withText className="mt-2 self-start" /> : null}
          </li>
        );
      })}
    </ol>
  );
}

function AddLink({ date, base, label, subtle, withText, className }: { date: string; base: string; label: string; subtle?: boolean; withText?: boolean; className?: string }) {
  return (
    <Link
      to={`${base}/compose?date=${date}`}
      aria-label={`New post on ${label}`}
      title={`New post on ${label}`}
      className={clsx(
        'items-center justify-center gap-1 rounded-md text-zinc-400 transition hover:bg-brand-50 hover:text-brand-700 focus-visible:opacity-100',
        withText ? 'inline-flex px-1.5 py-1 text-xs font-medium' : 'size-6',
        !withText && (subtle ? 'opacity-0 group-hover:opacity-100' : 'opacity-60 group-hover:opacity-100'),
        className ?? 'flex',
      )}
      data-testid="calendar-add"
      data-date={date}
    >
      <Plus className="size-4" aria-hidden />
      {withText ? 'New post' : null}
    </Link>
  );
}

function PostChip({ post, zone, to, drag, dragging, compact = false }: { post: ChipPost; zone: string; to: string; drag: ReturnType<ChipDrag>; dragging: boolean; compact?: boolean }) {
  const when = post.at;
  const look = POST_STATUSES[post.status];
  const platforms = post.platforms;
  return (
    <Link
      to={to}
      {...drag}
      className={clsx(
        'group/chip flex w-full items-start gap-1 rounded-md border px-1.5 py-1 text-left text-xs transition',
        look.chip,
        drag.draggable && 'cursor-grab active:cursor-grabbing',
        dragging && 'opacity-40',
      )}
      title={`${look.label}${when ? ` · ${formatDayTimeIn(when, zone)}` : ''} · ${postTitle(post.firstLine, 120)}`}
      data-testid="calendar-post"
      data-post-id={post.id}
      data-status={post.status}
    >
      {drag.draggable && !compact ? <GripVertical className="mt-px hidden size-3.5 shrink-0 opacity-40 group-hover/chip:opacity-80 sm:block" aria-hidden /> : null}
      <span className="min-w-0 flex-1">
        <span className="flex items-center gap-1">
          {when ? <span className="shrink-0 font-semibold tabular-nums">{formatTimeIn(when, zone)}</span> : <span className="shrink-0 font-semibold">Draft</span>}
          <span className="sr-only">{look.label}:</span>
          {!compact ? (
            <span className="ml-auto flex shrink-0 -space-x-1">
              {platforms.slice(0, 3).map((platform) => (
                <PlatformMark key={platform} platform={platform} className="size-3.5 text-[7px]" />
              ))}
            </span>
          ) : null}
        </span>
        <span className={clsx('block', compact ? 'truncate' : 'line-clamp-2')}>{postTitle(post.firstLine, 100)}</span>
      </span>
    </Link>
  );
}

function PlaceDraftDialog({ placing, onClose, zone, workspaceId }: { placing: { post: ChipPost; date: string } | null; onClose: () => void; zone: string; workspaceId: string }) {
  return (
    <Dialog open={placing !== null} onClose={onClose} title="Schedule draft" description={placing ? postTitle(placing.post.firstLine, 90) : undefined} size="sm">
      {placing ? <PlaceDraftForm key={`${placing.post.id}-${placing.date}`} post={placing.post} date={placing.date} zone={zone} workspaceId={workspaceId} onDone={onClose} /> : <span />}
    </Dialog>
  );
}

function PlaceDraftForm({ post, date, zone, workspaceId, onDone }: { post: ChipPost; date: string; zone: string; workspaceId: string; onDone: () => void }) {
  const [value, setValue] = useState<ScheduleValue>(() => suggestedTime(zone, date));
  const queryClient = useQueryClient();
  const toast = useToast();
  const checked = checkSchedule(value, zone);
  const save = useMutation({
    mutationFn: (iso: string) => postActions.schedule(post.id, iso),
    onSuccess: async (result) => {
      await refreshPosts(queryClient, workspaceId, result);
      toast.success(`Scheduled for ${result.scheduledAt ? formatDayTimeIn(result.scheduledAt, zone) : 'later'}.`);
      onDone();
    },
  });
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (checked.iso) save.mutate(checked.iso);
      }}
    >
      <ScheduleFields value={value} onChange={setValue} zone={zone} error={checked.error} note={checked.note} testIdPrefix="calendar-schedule" />
      {save.error ? (
        <Alert tone="error" className="mt-4">
          {describeError(save.error)}
        </Alert>
      ) : null}
      <DialogActions>
        <Button variant="secondary" onClick={onDone} disabled={save.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={save.isPending} disabled={!checked.iso} data-testid="calendar-schedule-submit">
          Schedule
        </Button>
      </DialogActions>
    </form>
  );
}
