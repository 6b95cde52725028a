import { useQuery } from '@tanstack/react-query';
import { clsx } from 'clsx';
import { AlertTriangle, Bell, CheckCheck, RefreshCw, XCircle, type LucideIcon } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { describeError } from '../../api/errors';
import type { Notification } from '../../api/types';
import { Button } from '../../components/button';
import { Skeleton } from '../../components/spinner';
import { formatDateTime, formatRelative } from '../../lib/format';
import { notificationsQuery, useMarkNotificationsRead } from './queries';

const KIND_ICONS: Record<Notification['kind'], { icon: LucideIcon; color: string }> = {
  channel_needs_reauth: { icon: RefreshCw, color: 'bg-amber-50 text-amber-600 ring-amber-100' },
  post_needs_review: { icon: AlertTriangle, color: 'bg-amber-50 text-amber-600 ring-amber-100' },
  post_failed: { icon: XCircle, color: 'bg-red-50 text-red-600 ring-red-100' },
};

/** The bell in the top bar: unread count, and a panel with the latest notifications. Polls every minute. */
export function NotificationsBell() {
  const [open, setOpen] = useState(false);
  const notifications = useQuery(notificationsQuery);
  const markRead = useMarkNotificationsRead();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const location = useLocation();
  const unread = notifications.data?.unreadCount ?? 0;

  useEffect(() => setOpen(false), [location.pathname]);

  useEffect(() => {
    if (!open) return undefined;
    const onPointer = (event: MouseEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener('mousedown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const label = unread > 0 ? `Notifications, ${unread} unread` : 'Notifications';

  return (
    <div ref={rootRef} className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-label={label}
        title={label}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen((was) => !was)}
        className="relative inline-flex size-9 items-center justify-center rounded-lg text-zinc-500 transition-colors hover:bg-zinc-100 hover:text-zinc-900 aria-expanded:bg-zinc-100"
        data-testid="notifications-bell"
      >
        <Bell className="size-5" aria-hidden />
        {unread > 0 ? (
          <span
            className="absolute -top-0.5 -right-0.5 flex h-4.5 min-w-4.5 items-center justify-center rounded-full bg-red-600 px-1 text-[10px] leading-none font-semibold text-white ring-2 ring-white"
            data-testid="notifications-count"
            aria-hidden
          >
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <div
          id={panelId}
          role="dialog"
          aria-label="Notifications"
          className="fixed inset-x-3 top-14 z-40 animate-fade-in overflow-hidden rounded-xl bg-white shadow-lg ring-1 ring-zinc-900/10 sm:absolute sm:inset-x-auto sm:top-full sm:right-0 sm:mt-1.5 sm:w-96"
          data-testid="notifications-panel"
        >
          <div className="flex items-center justify-between gap-2 border-b border-zinc-100 px-4 py-2.5">
            <h2 className="text-sm font-semibold text-zinc-900">Notifications</h2>
            <Button variant="ghost" size="sm" icon={CheckCheck} disabled={unread === 0} loading={markRead.isPending} onClick={() => markRead.mutate(undefined)} data-testid="notifications-mark-all">
              Mark all read
            </Button>
          </div>
          <div className="max-h-[min(28rem,70dvh)] overflow-y-auto">
            {notifications.isPending ? (
              <div className="space-y-3 p-4" role="status" aria-label="Loading">
                <Skeleton className="h-4 w-2/3" />
                <Skeleton className="h-3 w-full" />
              </div>
            ) : notifications.isError ? (
              <p className="p-4 text-sm text-red-700">{describeError(notifications.error)}</p>
            ) : notifications.data.items.length === 0 ? (
              <div className="px-4 py-10 text-center" data-testid="notifications-empty">
                <Bell className="mx-auto size-6 text-zinc-300" aria-hidden />
                <p className="mt-2 text-sm font-medium text-zinc-700">You’re all caught up</p>
                <p className="mt-0.5 text-xs text-zinc-500">Herald tells you here when a channel needs reconnecting or a post fails.</p>
              </div>
            ) : (
              <ul className="divide-y divide-zinc-100" data-testid="notifications-list">
                {notifications.data.items.map((item) => (
                  <NotificationItem key={item.id} item={item} onOpen={() => (item.readAt ? undefined : markRead.mutate([item.id]))} />
                ))}
              </ul>
            )}
          </div>
        </div>
      ) : null}
    </div>
  );
}

function NotificationItem({ item, onOpen }: { item: Notification; onOpen: () => void }) {
  const { icon: Icon, color } = KIND_ICONS[item.kind] ?? KIND_ICONS.post_failed;
  const unread = item.readAt === null;
  const content = (
    <div className="flex gap-3">
      <span className={clsx('mt-0.5 flex size-7 shrink-0 items-center justify-center rounded-lg ring-1', color)}>
        <Icon className="size-4" aria-hidden />
      </span>
      <div className="min-w-0 flex-1">
        <p className={clsx('text-sm', unread ? 'font-semibold text-zinc-900' : 'font-medium text-zinc-700')}>{item.title}</p>
        <p className="mt-0.5 line-clamp-3 text-sm text-zinc-600">{item.body}</p>
        <time dateTime={item.createdAt} title={formatDateTime(item.createdAt)} className="mt-1 block text-xs text-zinc-400">
          {formatRelative(item.createdAt)}
        </time>
      </div>
      {unread ? <span className="mt-2 size-2 shrink-0 rounded-full bg-brand-600" aria-label="Unread" /> : null}
    </div>
  );
  return (
    <li data-testid="notification-item" data-read={!unread} className={clsx(unread && 'bg-brand-50/40')}>
      {item.link ? (
        <Link to={item.link} onClick={onOpen} className="block px-4 py-3 transition-colors hover:bg-zinc-50 focus-visible:bg-zinc-50 focus-visible:outline-none">
          {content}
        </Link>
      ) : (
        <div className="px-4 py-3">{content}</div>
      )}
    </li>
  );
}
