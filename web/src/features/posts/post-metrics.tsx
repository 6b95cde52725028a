import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { MetricsFigures, PostDetail } from '../../api/types';
import { Card, CardHeader } from '../../components/card';
import { formatRelative } from '../../lib/format';
import { ChannelAvatar, ChannelName } from '../channels/platform';

/** The figures Herald reads from the platforms, in the order a person scans them. */
const FIGURES: { key: keyof MetricsFigures; label: string }[] = [
  { key: 'impressions', label: 'Impressions' },
  { key: 'reach', label: 'Reach' },
  { key: 'likes', label: 'Likes' },
  { key: 'comments', label: 'Comments' },
  { key: 'shares', label: 'Shares' },
  { key: 'saves', label: 'Saves' },
  { key: 'clicks', label: 'Clicks' },
  { key: 'videoViews', label: 'Video views' },
];

const numberFormat = new Intl.NumberFormat();

/** A figure the platform reported, or "—" where it does not report that one. */
const figure = (value: number | null) => (value === null ? '—' : numberFormat.format(value));

export const postMetricsQuery = (postId: string) =>
  queryOptions({
    queryKey: ['post', postId, 'metrics'],
    queryFn: () => call(api.GET('/api/v1/posts/{postId}/metrics', { params: { path: { postId } } })),
    // Readings arrive from an hourly job; a few minutes of staleness costs nothing.
    staleTime: 5 * 60_000,
  });

/**
 * "Performance": each channel's latest reading and the totals, once a channel has published the post
 * and the metrics job has read it at least once. Renders nothing before that.
 */
export function PostPerformance({ post }: { post: PostDetail }) {
  const published = post.targets.some((t) => t.status === 'published');
  const metrics = useQuery({ ...postMetricsQuery(post.id), enabled: published });
  const rows = (metrics.data?.items ?? []).flatMap((item) => {
    const target = post.targets.find((t) => t.id === item.targetId);
    return item.latest && target ? [{ target, latest: item.latest }] : [];
  });
  if (rows.length === 0 || !metrics.data) return null;
  const lastRead = rows.map((r) => r.latest.capturedAt).sort().at(-1);

  return (
    <Card className="mt-6" aria-labelledby="performance-heading" data-testid="post-performance">
      <CardHeader id="performance-heading" title="Performance" description={lastRead ? `As the networks reported it, ${formatRelative(lastRead)}. Updated hourly for 30 days.` : undefined} />
      <div className="overflow-x-auto">
        <table className="w-full min-w-[44rem] text-sm">
          <thead>
            <tr className="border-b border-zinc-100 text-left text-xs font-medium tracking-wide text-zinc-500 uppercase">
              <th scope="col" className="px-5 py-2.5 font-medium">
                Channel
              </th>
              {FIGURES.map((f) => (
                <th key={f.key} scope="col" className="px-3 py-2.5 text-right font-medium">
                  {f.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {rows.map(({ target, latest }) => (
              <tr key={target.id} data-testid="performance-row" data-channel-id={target.channelId}>
                <th scope="row" className="px-5 py-3 text-left font-medium text-zinc-900">
                  <span className="flex items-center gap-2.5">
                    <ChannelAvatar channel={target.channel} size="sm" />
                    <ChannelName name={target.channel.name} />
                  </span>
                </th>
                {FIGURES.map((f) => (
                  <td key={f.key} className="px-3 py-3 text-right text-zinc-700 tabular-nums" data-figure={f.key}>
                    {figure(latest[f.key])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          {rows.length > 1 ? (
            <tfoot>
              <tr className="border-t border-zinc-200 bg-zinc-50/70" data-testid="performance-totals">
                <th scope="row" className="px-5 py-3 text-left font-semibold text-zinc-900">
                  Total
                </th>
                {FIGURES.map((f) => (
                  <td key={f.key} className="px-3 py-3 text-right font-semibold text-zinc-900 tabular-nums" data-figure={f.key}>
                    {figure(metrics.data.totals[f.key])}
                  </td>
                ))}
              </tr>
            </tfoot>
          ) : null}
        </table>
      </div>
    </Card>
  );
}
