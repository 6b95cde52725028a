import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { clsx } from 'clsx';
import { ImageIcon, ListFilter, PenSquare, X } from 'lucide-react';
import { Link, useSearchParams } from 'react-router';
import { describeError } from '../api/errors';
import type { Post, PostStatus } from '../api/types';
import { Alert } from '../components/alert';
import { Button, ButtonLink } from '../components/button';
import { Card } from '../components/card';
import { controlClasses, NativeSelect } from '../components/field';
import { EmptyState } from '../components/empty-state';
import { PageHeader } from '../components/page-header';
import { ListSkeleton } from '../components/spinner';
import { ChannelAvatar, ChannelName } from '../features/channels/platform';
import { channelsQuery } from '../features/channels/queries';
import { useCurrentOrg } from '../features/orgs/org-context';
import { LiveBadge } from '../features/posts/live-updates';
import { asAboutToBe, postsPage, postTitle, postWhen, type PostFilters } from '../features/posts/queries';
import { POST_STATUS_ORDER, POST_STATUSES, PostStatusBadge, TARGET_STATUSES } from '../features/posts/status';
import { useCurrentWorkspace } from '../features/workspaces/workspace-context';
import { addDays, formatDateTimeIn, zonedIso, zoneLabel } from '../lib/zoned-time';

const isDate = (value: string | null): value is string => value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value);

/** Every post of the workspace, newest first, filtered by status, channel and dates (in the workspace's zone). */
export function PostsPage() {
  const workspace = useCurrentWorkspace();
  const { org, can } = useCurrentOrg();
  const zone = workspace.timezone;
  const base = `/orgs/${org.id}/workspaces/${workspace.id}`;
  const [params, setParams] = useSearchParams();
  const status = params.get('status') as PostStatus | null;
  const channelId = params.get('channel');
  const from = params.get('from');
  const to = params.get('to');
  const channels = useQuery(channelsQuery(workspace.id, true));

  const filters: PostFilters = {
    status: status && status in POST_STATUSES ? status : undefined,
    channelId: channelId ?? undefined,
    // The range is of local days in the workspace's zone: from its first midnight to the midnight after the last day.
    from: isDate(from) ? zonedIso(from, '00:00', zone) : undefined,
    to: isDate(to) ? zonedIso(addDays(to, 1), '00:00', zone) : undefined,
  };
  const filtered = Boolean(filters.status || filters.channelId || filters.from || filters.to);

  const posts = useInfiniteQuery({
    queryKey: ['posts', workspace.id, filters],
    queryFn: ({ pageParam }) => postsPage(workspace.id, filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
  const items = posts.data?.pages.flatMap((page) => page.items) ?? [];

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  const newButton = can('posts.write') ? (
    <ButtonLink to={`${base}/compose`} icon={PenSquare} data-testid="posts-new">
      New post
    </ButtonLink>
  ) : null;

  return (
    <>
      <PageHeader
        eyebrow={workspace.name}
        title="Posts"
        description={`Everything written for this brand, newest first. Times are in ${zoneLabel(zone)}.`}
        actions={
          <div className="flex items-center gap-4">
            <LiveBadge />
            {newButton}
          </div>
        }
      />
      <div className="space-y-5">
        <div className="grid grid-cols-2 gap-3 sm:flex sm:flex-wrap sm:items-end" role="group" aria-label="Filters">
          <div className="col-span-1 space-y-1 sm:w-44">
            <label htmlFor="filter-status" className="text-xs font-medium text-zinc-600">
              Status
            </label>
            <NativeSelect
              id="filter-status"
              value={filters.status ?? ''}
              onChange={(event) => setFilter('status', event.target.value)}
              options={[{ value: '', label: 'All statuses' }, ...POST_STATUS_ORDER.map((s) => ({ value: s, label: POST_STATUSES[s].label }))]}
              data-testid="posts-filter-status"
            />
          </div>
          <div className="col-span-1 space-y-1 sm:w-52">
            <label htmlFor="filter-channel" className="text-xs font-medium text-zinc-600">
              Channel
            </label>
            <NativeSelect
              id="filter-channel"
              value={channelId ?? ''}
              onChange={(event) => setFilter('channel', event.target.value)}
              options={[{ value: '', label: 'All channels' }, ...(channels.data ?? []).map((c) => ({ value: c.id, label: c.status === 'disconnected' ? `${c.name} (disconnected)` : c.name }))]}
              data-testid="posts-filter-channel"
            />
          </div>
          <div className="space-y-1">
            <label htmlFor="filter-from" className="text-xs font-medium text-zinc-600">
              From
            </label>
            <input id="filter-from" type="date" value={from ?? ''} max={to ?? undefined} onChange={(event) => setFilter('from', event.target.value)} className={controlClasses(false, 'h-10 tabular-nums')} data-testid="posts-filter-from" />
          </div>
          <div className="space-y-1">
            <label htmlFor="filter-to" className="text-xs font-medium text-zinc-600">
              To
            </label>
            <input id="filter-to" type="date" value={to ?? ''} min={from ?? undefined} onChange={(event) => setFilter('to', event.target.value)} className={controlClasses(false, 'h-10 tabular-nums')} data-testid="posts-filter-to" />
          </div>
          {filtered ? (
            <Button variant="ghost" icon={X} onClick={() => setParams(new URLSearchParams(), { replace: true })} className="col-span-2 sm:col-span-1">
              Clear filters
            </Button>
          ) : null}
        </div>

        <Card>
          {posts.isPending ? (
            <ListSkeleton rows={4} />
          ) : posts.isError ? (
            <div className="p-5">
              <Alert tone="error">{describeError(posts.error)}</Alert>
            </div>
          ) : items.length === 0 ? (
            filtered ? (
              <EmptyState icon={ListFilter} title="No posts match" description="Try another status, channel or date range." />
            ) : (
              <EmptyState icon={PenSquare} title="No posts yet" description="Write your first post: pick channels, add media, and schedule it or publish it now." action={newButton} />
            )
          ) : (
            <ul className="divide-y divide-zinc-100" data-testid="post-list">
              {items.map((post) => (
                <PostRow key={post.id} post={post} zone={zone} to={`${base}/posts/${post.id}`} />
              ))}
            </ul>
          )}
        </Card>
        {posts.hasNextPage ? (
          <div className="flex justify-center">
            <Button variant="secondary" loading={posts.isFetchingNextPage} onClick={() => void posts.fetchNextPage()} data-testid="posts-more">
              Load more
            </Button>
          </div>
        ) : null}
        {posts.isFetchNextPageError ? <Alert tone="error">Couldn’t load more posts. Please try again.</Alert> : null}
      </div>
    </>
  );
}

function PostRow({ post: saved, zone, to }: { post: Post; zone: string; to: string }) {
  const post = asAboutToBe(saved);
  const when = postWhen(post);
  return (
    <li data-testid="post-row" data-post-id={post.id} data-status={post.status}>
      <Link to={to} className="group flex flex-col gap-2 px-5 py-4 transition-colors hover:bg-zinc-50 sm:flex-row sm:items-start sm:gap-4">
        <div className="flex shrink-0 items-center gap-2 sm:w-36 sm:flex-col sm:items-start sm:gap-1.5">
          <PostStatusBadge status={post.status} />
          <span className="text-xs text-zinc-500 tabular-nums">{when ? formatDateTimeIn(when, zone) : 'No time set'}</span>
        </div>
        <div className="min-w-0 flex-1 space-y-2">
          <p className="line-clamp-2 text-sm text-zinc-900 group-hover:text-brand-800">
            {postTitle(post.text, 200)}
            {post.mediaIds.length > 0 ? (
              <span className="ml-2 inline-flex items-center gap-1 align-middle text-xs text-zinc-500">
                <ImageIcon className="size-3.5" aria-hidden />
                {post.mediaIds.length}
                <span className="sr-only">media</span>
              </span>
            ) : null}
          </p>
          <ul className="flex flex-wrap gap-1.5" aria-label="Channels">
            {post.targets.map((target) => {
              const look = TARGET_STATUSES[target.status];
              return (
                <li
                  key={target.id}
                  className={clsx('inline-flex items-center gap-1.5 rounded-md py-0.5 pr-1.5 pl-0.5 text-xs ring-1 ring-inset', look.pill)}
                  data-testid="post-target-badge"
                  data-status={target.status}
                  title={`${target.channel.name}: ${look.label}`}
                >
                  <ChannelAvatar channel={target.channel} size="xs" />
                  <ChannelName name={target.channel.name} className="max-w-40 font-medium" />
                  <span className="opacity-80">· {look.label}</span>
                </li>
              );
            })}
          </ul>
        </div>
      </Link>
    </li>
  );
}
