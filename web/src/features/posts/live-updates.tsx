import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api } from '../../api/client';

/** Whether this page hears post changes as they happen. */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'off';

const LiveStatusContext = createContext<LiveStatus>('off');

/** Batches invalidations: a burst of posts publishing at one time refetches each view once. */
const FLUSH_MS = 250;
const RETRY_MS = [1000, 2000, 5000, 10_000, 30_000] as const;

/** Every cached view of the workspace's posts: the lists, the calendar, and each post page. */
function invalidate(queryClient: QueryClient, workspaceId: string, postIds: Iterable<string> | 'all'): void {
  void queryClient.invalidateQueries({ queryKey: ['posts', workspaceId] });
  void queryClient.invalidateQueries({ queryKey: ['calendar', workspaceId] });
  if (postIds === 'all') {
    void queryClient.invalidateQueries({ queryKey: ['post'], predicate: (query) => (query.state.data as { workspaceId?: string } | undefined)?.workspaceId === workspaceId });
  } else {
    for (const id of postIds) void queryClient.invalidateQueries({ queryKey: ['post', id] });
  }
}

interface StreamEvent {
  event: string;
  data: string;
}

/** Splits a `text/event-stream` body into events (the parts of the format the server sends). */
async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) yield { event, data: data.join('\n') };
    }
  }
}

const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Keeps one event stream open to `GET /workspaces/{id}/events` while a workspace page is shown and
 * refetches whatever it names. Read with fetch (not EventSource) so the bearer token and its refresh
 * work as for every other call. Reconnects with backoff; after a reconnect everything is refetched,
 * since changes may have happened while it was away.
 */
function useLivePostUpdates(workspaceId: string): LiveStatus {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const pending = new Set<string>();
    let flushTimer: ReturnType<typeof setTimeout> | null = null;
    const queue = (postId: string) => {
      pending.add(postId);
      flushTimer ??= setTimeout(() => {
        flushTimer = null;
        const ids = [...pending];
        pending.clear();
        invalidate(queryClient, workspaceId, ids);
      }, FLUSH_MS);
    };

    void (async () => {
      let failures = 0;
      let connectedBefore = false;
      while (!signal.aborted) {
        try {
          const { data, response } = await api.GET('/api/v1/workspaces/{workspaceId}/events', { params: { path: { workspaceId } }, parseAs: 'stream', signal });
          // Not allowed (or signed out): asking again will not help.
          if ([401, 403, 404].includes(response.status)) {
            setStatus('off');
            return;
          }
          if (response.ok && data) {
            for await (const message of readEvents(data)) {
              if (message.event === 'ready') {
                failures = 0;
                setStatus('live');
                if (connectedBefore) invalidate(queryClient, workspaceId, 'all');
                connectedBefore = true;
              } else if (message.event === 'resync') {
                invalidate(queryClient, workspaceId, 'all');
              } else if (message.event === 'post') {
                const { postId } = JSON.parse(message.data) as { postId?: unknown };
                if (typeof postId === 'string') queue(postId);
              }
            }
          }
        } catch {
          // A dropped connection or an abort: decided below.
        }
        if (signal.aborted) return;
        setStatus('reconnecting');
        await wait(RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]!, signal);
        failures += 1;
      }
    })();

    return () => {
      controller.abort();
      if (flushTimer) clearTimeout(flushTimer);
    };
  }, [queryClient, workspaceId]);

  return status;
}

/** Provides live post updates to every page of a workspace. */
export function LivePostUpdates({ workspaceId, children }: { workspaceId: string; children: ReactNode }) {
  const status = useLivePostUpdates(workspaceId);
  return <LiveStatusContext.Provider value={status}>{children}</LiveStatusContext.Provider>;
}

export const useLiveStatus = () => useContext(LiveStatusContext);

/** A small "Live" / "Reconnecting…" mark for pages whose content updates by itself. */
export function LiveBadge() {
  const status = useLiveStatus();
  if (status === 'off') return null;
  const live = status === 'live';
  return (
    <span className="inline-flex items-center gap-1.5 text-xs font-medium text-zinc-500" data-testid="live-status" data-status={status} title={live ? 'Updates appear here as they happen' : 'Reconnecting to live updates'}>
      <span className={live ? 'size-2 rounded-full bg-emerald-500' : 'size-2 animate-pulse rounded-full bg-amber-400'} aria-hidden />
      {live ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
    </span>
  );
}
