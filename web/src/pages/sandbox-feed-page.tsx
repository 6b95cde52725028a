import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { clsx } from 'clsx';
import { ArrowLeft, FlaskConical, Link2, Rss } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { useLocation, useParams } from 'react-router';
import { api, call } from '../api/client';
import { ApiError, describeError } from '../api/errors';
import type { Channel, SandboxFeedItem } from '../api/types';
import { Alert } from '../components/alert';
import { Button, ButtonLink } from '../components/button';
import { Card } from '../components/card';
import { EmptyState } from '../components/empty-state';
import { PageHeader } from '../components/page-header';
import { ListSkeleton, PageLoader } from '../components/spinner';
import { ChannelAvatar, ChannelStatusBadge, PlatformBadge } from '../features/channels/platform';
import { channelQuery } from '../features/channels/queries';
import { MediaGrid, RichText } from '../features/posts/post-preview';
import { workspaceQuery } from '../features/workspaces/queries';
import { formatDateTime, formatRelative } from '../lib/format';
import { NotFoundPanel } from './not-found-page';

const PAGE_SIZE = 20;
/** How many pages to read looking for the post named in the address before giving up. */
const MAX_SEARCH_PAGES = 10;

/**
 * `/sandbox/:channelId#<postId>`: what a sandbox channel received, newest first, like a timeline.
 * This is the permalink the sandbox gives published posts; the post in the hash is highlighted.
 */
export function SandboxFeedPage() {
  const { channelId = '' } = useParams();
  const channel = useQuery(channelQuery(channelId));
  if (channel.isPending) return <PageLoader />;
  if (channel.isError) {
    if (channel.error instanceof ApiError && [400, 403, 404].includes(channel.error.status)) {
      return <NotFoundPanel title="Sandbox channel not found" message="It may have been removed, or it belongs to an organization you’re not in." />;
    }
    return <Alert tone="error">{describeError(channel.error)}</Alert>;
  }
  if (!channel.data.isSandbox) return <NotFoundPanel title="Not a sandbox channel" message="Only sandbox practice channels have a sandbox feed." />;
  return <SandboxFeed channel={channel.data} />;
}

function SandboxFeed({ channel }: { channel: Channel }) {
  const location = useLocation();
  const highlight = decodeURIComponent(location.hash.replace(/^#/, ''));
  const workspace = useQuery(workspaceQuery(channel.workspaceId));
  const feed = useInfiniteQuery({
    queryKey: ['sandbox-feed', channel.id],
    queryFn: ({ pageParam }) =>
      call(api.GET('/api/v1/channels/{channelId}/sandbox/feed', { params: { path: { channelId: channel.id }, query: { limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    refetchInterval: 15_000,
  });
  const items = feed.data?.pages.flatMap((page) => page.items) ?? [];
  const found = highlight !== '' && items.some((item) => item.id === highlight);
  const scrolledTo = useRef<string | null>(null);

  // Keep reading older pages until the linked post shows up (bounded).
  useEffect(() => {
    if (!highlight || found || !feed.hasNextPage || feed.isFetchingNextPage) return;
    if ((feed.data?.pages.length ?? 0) >= MAX_SEARCH_PAGES) return;
    void feed.fetchNextPage();
  }, [highlight, found, feed]);

  useEffect(() => {
    if (!found || scrolledTo.current === highlight) return;
    scrolledTo.current = highlight;
    const element = document.getElementById(`sandbox-post-${highlight}`);
    element?.scrollIntoView({ behavior: 'smooth', block: 'center' });
    element?.focus({ preventScroll: true });
  }, [found, highlight]);

  const channelsPath = workspace.data ? `/orgs/${workspace.data.organizationId}/workspaces/${workspace.data.id}/channels` : null;
  const searching = highlight !== '' && !found && (feed.isPending || feed.isFetchingNextPage || (feed.hasNextPage && (feed.data?.pages.length ?? 0) < MAX_SEARCH_PAGES));

  return (
    <>
      <PageHeader
        eyebrow={workspace.data?.name ?? 'Sandbox'}
        title="Sandbox feed"
        description="Herald’s practice network: this is what the channel received. Nothing here was posted to a real social network."
        actions={
          channelsPath ? (
            <ButtonLink to={channelsPath} variant="secondary" icon={ArrowLeft}>
              Channels
            </ButtonLink>
          ) : null
        }
      />
      <div className="mx-auto max-w-xl space-y-4">
        <Card className="flex items-center gap-3 p-4">
          <ChannelAvatar channel={channel} size="lg" />
          <div className="min-w-0 flex-1">
            <p className="truncate font-semibold text-zinc-900" data-testid="sandbox-channel">
              {channel.name}
            </p>
            <div className="mt-1 flex flex-wrap items-center gap-1.5">
              <PlatformBadge platform={channel.platform} />
              {channel.status !== 'active' ? <ChannelStatusBadge status={channel.status} /> : null}
            </div>
          </div>
        </Card>

        {highlight && !found && !searching && !feed.isError ? (
          <Alert tone="warning">The linked post isn’t in this feed. It may have been removed from the sandbox.</Alert>
        ) : null}

        {feed.isPending ? (
          <Card>
            <ListSkeleton rows={3} />
          </Card>
        ) : feed.isError ? (
          <Alert tone="error">{describeError(feed.error)}</Alert>
        ) : items.length === 0 ? (
          <Card>
            <EmptyState icon={Rss} title="Nothing here yet" description="Posts published to this sandbox channel show up here, newest first." />
          </Card>
        ) : (
          <ol className="space-y-3" data-testid="sandbox-feed" aria-label={`Posts received by ${channel.name}`}>
            {items.map((item) => (
              <FeedItem key={item.id} item={item} channel={channel} highlighted={item.id === highlight} />
            ))}
          </ol>
        )}
        {feed.hasNextPage ? (
          <div className="flex justify-center">
            <Button variant="secondary" loading={feed.isFetchingNextPage} onClick={() => void feed.fetchNextPage()} data-testid="sandbox-feed-more">
              Load more
            </Button>
          </div>
        ) : null}
        {feed.isFetchNextPageError ? <Alert tone="error">Couldn’t load older posts. Please try again.</Alert> : null}
      </div>
    </>
  );
}

function FeedItem({ item, channel, highlighted }: { item: SandboxFeedItem; channel: Channel; highlighted: boolean }) {
  return (
    <li
      id={`sandbox-post-${item.id}`}
      tabIndex={highlighted ? -1 : undefined}
      className={clsx('scroll-mt-24 rounded-xl border bg-white p-4 shadow-xs transition-shadow outline-none', highlighted ? 'border-brand-300 ring-4 ring-brand-200' : 'border-zinc-200')}
      data-testid="sandbox-feed-item"
      data-id={item.id}
      data-highlighted={highlighted || undefined}
      aria-current={highlighted ? 'true' : undefined}
    >
      {highlighted ? (
        <p className="mb-3 inline-flex items-center gap-1.5 rounded-md bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700">
          <Link2 className="size-3.5" aria-hidden />
          Linked post
        </p>
      ) : null}
      <header className="flex items-center gap-3">
        <ChannelAvatar channel={channel} size="sm" />
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-semibold text-zinc-900">{channel.name}</p>
          <p className="flex items-center gap-1 text-xs text-zinc-500">
            <FlaskConical className="size-3 text-amber-600" aria-hidden />
            Sandbox ·{' '}
            <a href={`#${item.id}`} className="hover:underline" title={formatDateTime(item.createdAt)}>
              <time dateTime={item.createdAt}>{formatRelative(item.createdAt)}</time>
            </a>
          </p>
        </div>
      </header>
      {item.text.trim() ? <RichText text={item.text} className="mt-3 text-[15px] leading-relaxed text-zinc-900" /> : null}
      <MediaGrid media={item.media.map((m, index) => ({ id: `${item.id}-${index}`, kind: m.kind, url: m.url }))} className="mt-3" />
    </li>
  );
}
