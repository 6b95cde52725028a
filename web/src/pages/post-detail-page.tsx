import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { clsx } from 'clsx';
import { AlertTriangle, CalendarClock, Copy, ExternalLink, ListOrdered, Pencil, RotateCcw, Send, Trash2, Undo2 } from 'lucide-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, describeError } from '../api/errors';
import type { AttemptOutcome, Media, PostDetail, PostTarget, PublishAttempt, TargetError } from '../api/types';
import { Alert } from '../components/alert';
import { Button, ButtonLink } from '../components/button';
import { Card, CardBody, CardHeader } from '../components/card';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Dialog, DialogActions } from '../components/dialog';
import { PageHeader } from '../components/page-header';
import { PageLoader } from '../components/spinner';
import { useToast } from '../components/toast';
import { ChannelAvatar, ChannelName, platformLabel } from '../features/channels/platform';
import { mediaQuery } from '../features/media/queries';
import { useCurrentOrg } from '../features/orgs/org-context';
import { PostPerformance } from '../features/posts/post-metrics';
import { MediaGrid, RichText } from '../features/posts/post-preview';
import { asAboutToBe, postActions, postQuery, postTitle, refreshPosts } from '../features/posts/queries';
import { checkSchedule, ScheduleFields, suggestedTime, type ScheduleValue } from '../features/posts/schedule-fields';
import { EDITABLE_TARGET_STATES, PENDING_TARGET_STATES, PostStatusBadge, TargetStatusBadge } from '../features/posts/status';
import { useCurrentWorkspace } from '../features/workspaces/workspace-context';
import { formatRelative } from '../lib/format';
import { useNow } from '../lib/use-now';
import { formatDateTimeIn, formatDayTimeIn, wallTimeIn } from '../lib/zoned-time';
import { NotFoundPanel } from './not-found-page';

/** One post: overall status, each channel's outcome, every publish attempt, and what can be done next. */
export function PostDetailPage() {
  const { postId = '' } = useParams();
  const workspace = useCurrentWorkspace();
  // No polling: the workspace's event stream (features/posts/live-updates) refetches it when it changes.
  const post = useQuery(postQuery(postId));

  if (post.isPending) return <PageLoader />;
  if (post.isError) {
    if (post.error instanceof ApiError && [403, 404].includes(post.error.status)) return <NotFoundPanel title="Post not found" message="It may have been deleted, or it belongs to another workspace." />;
    return <Alert tone="error">{describeError(post.error)}</Alert>;
  }
  if (post.data.workspaceId !== workspace.id) return <NotFoundPanel title="Post not found" message="It belongs to another workspace." />;
  return <PostDetailView post={post.data} />;
}

/** Whether a time is close enough for its relative label ("in 57 seconds") to change every second. */
const isNear = (iso: string | null, now: number) => iso !== null && Math.abs(new Date(iso).getTime() - now) < 2 * 3_600_000;

function PostDetailView({ post: saved }: { post: PostDetail }) {
  const workspace = useCurrentWorkspace();
  const now = useNow(saved.targets.some((t) => isNear(t.scheduledAt, Date.now()) || isNear(t.nextAttemptAt, Date.now())) ? 1000 : 30_000);
  const post = asAboutToBe(saved, now);
  const { org, can } = useCurrentOrg();
  const zone = workspace.timezone;
  const base = `/orgs/${org.id}/workspaces/${workspace.id}`;
  const canWrite = can('posts.write');
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [rescheduling, setRescheduling] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [unpublishing, setUnpublishing] = useState(false);

  const media = useQueries({ queries: post.mediaIds.map((id) => mediaQuery(id)) });
  const mediaItems = media.map((m) => m.data).filter((m): m is Media => Boolean(m));

  const publishing = post.targets.some((t) => t.status === 'publishing');
  const locked = post.targets.some((t) => t.status === 'publishing' || t.status === 'published' || t.status === 'deleted');
  const schedulable = !publishing && post.targets.some((t) => EDITABLE_TARGET_STATES.includes(t.status) && t.channel.status !== 'disconnected');
  const pending = post.targets.some((t) => PENDING_TARGET_STATES.includes(t.status));
  // Herald could not tell whether these went out: the person who checked may close them.
  const reviewing = post.targets.filter((t) => t.status === 'needs_review');
  const cancellable = pending || reviewing.length > 0;
  const deletable = post.targets.every((t) => t.status === 'draft' || t.status === 'scheduled');
  const unpublishable = post.targets.some((t) => t.status === 'published');
  const failedSome = post.targets.some((t) => t.status === 'failed' || t.status === 'needs_review' || t.status === 'needs_reauth');

  const act = useMutation({
    // Publish now: show it going out at once (the worker's own change follows through the event stream).
    onMutate: async (action: 'publish' | 'queue' | 'duplicate') => {
      if (action !== 'publish') return undefined;
      await queryClient.cancelQueries({ queryKey: ['post', post.id] });
      const at = new Date().toISOString();
      queryClient.setQueryData<PostDetail>(['post', post.id], (current) =>
        current
          ? {
              ...current,
              status: 'scheduled',
              scheduledAt: at,
              targets: current.targets.map((t) => (EDITABLE_TARGET_STATES.includes(t.status) && t.channel.status !== 'disconnected' ? { ...t, status: 'scheduled', scheduledAt: at, nextAttemptAt: null } : t)),
            }
          : current,
      );
      return { before: saved };
    },
    mutationFn: async (action: 'publish' | 'queue' | 'duplicate') => {
      if (action === 'publish') return postActions.publishNow(post.id);
      if (action === 'queue') return postActions.queue(post.id);
      return postActions.duplicate(post.id);
    },
    onSuccess: async (result, action) => {
      await refreshPosts(queryClient, workspace.id, result);
      if (action === 'duplicate') {
        toast.success('Copied into a new draft.');
        void navigate(`${base}/posts/${result.id}/edit`);
      } else {
        toast.success(action === 'publish' ? 'Publishing now.' : `Added to the queue: ${result.scheduledAt ? formatDayTimeIn(result.scheduledAt, zone) : 'next free slot'}.`);
      }
    },
    onError: (error, _action, context) => {
      if (context?.before) queryClient.setQueryData(['post', post.id], context.before);
      if (error instanceof ApiError && error.code === 'no_free_slot') {
        toast.error(
          <>
            There’s no free posting slot in the next 8 weeks.{' '}
            <Link to={`${base}/channels`} className="font-medium text-brand-700 underline underline-offset-2">
              Add posting slots on the Channels page
            </Link>
            .
          </>,
        );
      } else {
        toast.error(describeError(error));
      }
    },
  });

  const cancel = async () => {
    const result = await postActions.cancel(post.id);
    await refreshPosts(queryClient, workspace.id, result);
    toast.success('Moved back to drafts.');
  };

  const remove = async () => {
    await postActions.remove(post.id);
    queryClient.removeQueries({ queryKey: ['post', post.id] });
    await refreshPosts(queryClient, workspace.id);
    toast.success('Post deleted.');
    void navigate(`${base}/posts`, { replace: true });
  };

  const unpublish = async () => {
    const { results, post: after } = await postActions.unpublish(post.id);
    await refreshPosts(queryClient, workspace.id, after);
    const name = (channelId: string) => post.targets.find((t) => t.channelId === channelId)?.channel.name ?? 'A channel';
    const done = results.filter((r) => r.outcome === 'deleted').length;
    const problems = results.filter((r) => r.outcome !== 'deleted');
    if (done > 0) toast.success(`Deleted from ${done} channel${done === 1 ? '' : 's'}.`);
    for (const r of problems) toast.error(`${name(r.channelId)}: ${r.message ?? 'could not be deleted'}`);
  };

  const when = post.publishedAt
    ? `Published ${formatDateTimeIn(post.publishedAt, zone)}`
    : post.scheduledAt
      ? `${post.status === 'scheduled' ? 'Scheduled for' : 'Planned for'} ${formatDateTimeIn(post.scheduledAt, zone)}`
      : 'Not scheduled';
  const ruleErrors = post.checks.flatMap((check) => check.errors.map((error) => ({ ...error, channelId: check.channelId })));

  return (
    <>
      <PageHeader eyebrow={workspace.name} title={postTitle(post.text, 70)} description={`${when} · ${zone.replace(/_/g, ' ')}`} />
      {/* Phones: status, channels, content, attempts. Wider: content in a column of its own. */}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem] lg:items-start">
        <div className="contents lg:block lg:min-w-0 lg:space-y-6">
          <Card className="order-1">
            <CardBody className="flex flex-wrap items-center gap-x-4 gap-y-3">
              <PostStatusBadge status={post.status} size="md" data-testid="post-status" />
              <p className="min-w-0 flex-1 text-sm text-zinc-600">
                {post.targets.length} channel{post.targets.length === 1 ? '' : 's'}
                {post.createdBy ? ` · by ${post.createdBy.name}` : ''}
                {publishing ? ' · updating live' : ''}
              </p>
              {canWrite ? (
                <div className="flex w-full flex-wrap gap-2 sm:w-auto">
                  {!locked ? (
                    <ButtonLink to={`${base}/posts/${post.id}/edit`} variant="secondary" size="sm" icon={Pencil} data-testid="post-edit">
                      Edit
                    </ButtonLink>
                  ) : null}
                  {schedulable ? (
                    <>
                      <Button variant="secondary" size="sm" icon={CalendarClock} onClick={() => setRescheduling(true)} data-testid="post-reschedule">
                        {post.status === 'scheduled' ? 'Reschedule' : 'Schedule'}
                      </Button>
                      <Button variant="secondary" size="sm" icon={failedSome ? RotateCcw : Send} loading={act.isPending && act.variables === 'publish'} disabled={act.isPending} onClick={() => act.mutate('publish')} data-testid="post-publish-now">
                        {failedSome ? 'Retry now' : 'Publish now'}
                      </Button>
                      <Button variant="secondary" size="sm" icon={ListOrdered} loading={act.isPending && act.variables === 'queue'} disabled={act.isPending} onClick={() => act.mutate('queue')} data-testid="post-queue">
                        Add to queue
                      </Button>
                    </>
                  ) : null}
                  {cancellable ? (
                    <Button variant="ghost" size="sm" icon={Undo2} onClick={() => setCancelling(true)} data-testid="post-cancel">
                      {pending ? 'Unschedule' : 'Cancel publishing'}
                    </Button>
                  ) : null}
                  <Button variant="ghost" size="sm" icon={Copy} loading={act.isPending && act.variables === 'duplicate'} disabled={act.isPending} onClick={() => act.mutate('duplicate')} data-testid="post-duplicate">
                    Duplicate
                  </Button>
                  {unpublishable ? (
                    <Button variant="ghost" size="sm" icon={Trash2} onClick={() => setUnpublishing(true)} className="text-red-700 hover:bg-red-50 hover:text-red-800" data-testid="post-unpublish">
                      Delete from platforms
                    </Button>
                  ) : null}
                  {deletable ? (
                    <Button variant="ghost" size="sm" icon={Trash2} onClick={() => setDeleting(true)} className="text-red-700 hover:bg-red-50 hover:text-red-800" data-testid="post-delete">
                      Delete
                    </Button>
                  ) : null}
                </div>
              ) : null}
            </CardBody>
          </Card>

          {ruleErrors.length > 0 && !locked ? (
            <Alert tone="warning" title="This post breaks a channel’s rules" className="order-2">
              <ul className="list-disc pl-4">
                {ruleErrors.map((error, index) => (
                  <li key={index}>
                    {post.targets.find((t) => t.channelId === error.channelId)?.channel.name ?? 'A channel'}: {error.message}
                  </li>
                ))}
              </ul>
            </Alert>
          ) : null}

          <section aria-labelledby="targets-heading" className="order-3 min-w-0 space-y-3">
            <h2 id="targets-heading" className="text-sm font-semibold text-zinc-900">
              Channels
            </h2>
            <ul className="grid gap-3 md:grid-cols-2">
              {post.targets.map((target) => (
                <TargetCard key={target.id} target={target} zone={zone} now={now} channelsPath={`${base}/channels`} />
              ))}
            </ul>
          </section>

          <AttemptsCard attempts={post.attempts} targets={post.targets} zone={zone} />
        </div>

        <aside className="order-4 min-w-0 space-y-6" aria-label="Content">
          <Card>
            <CardHeader title="Content" as="h2" />
            <CardBody className="space-y-3">
              {post.text.trim() ? <RichText text={post.text} className="text-sm leading-relaxed text-zinc-800" /> : <p className="text-sm text-zinc-400 italic">No text</p>}
              <MediaGrid media={mediaItems} />
              <p className="text-xs text-zinc-400">Created {formatDateTimeIn(post.createdAt, zone)}</p>
            </CardBody>
          </Card>
        </aside>
      </div>

      {/* Metrics section (connectors work): shown once a channel has published and been read. */}
      <PostPerformance post={post} />

      <RescheduleDialog post={post} open={rescheduling} onClose={() => setRescheduling(false)} />
      <ConfirmDialog open={cancelling} onClose={() => setCancelling(false)} title="Move back to drafts?" confirmLabel={pending ? 'Unschedule' : 'Cancel publishing'} tone="primary" onConfirm={cancel}>
        Channels that haven’t published it yet won’t.
        {reviewing.length > 0
          ? ` Herald couldn’t tell whether it went out on ${reviewing.map((t) => t.channel.name).join(', ')}: check there first; Herald won’t publish it there again unless you schedule it.`
          : ''}{' '}
        You can schedule it again at any time.
      </ConfirmDialog>
      <ConfirmDialog open={unpublishing} onClose={() => setUnpublishing(false)} title="Delete it from the platforms?" confirmLabel="Delete from platforms" onConfirm={unpublish}>
        Herald removes the post from every channel it went out on, where the platform allows it (TikTok does not). Herald keeps its history here.
      </ConfirmDialog>
      <ConfirmDialog open={deleting} onClose={() => setDeleting(false)} title="Delete this post?" confirmLabel="Delete post" onConfirm={remove}>
        It won’t be published anywhere. This can’t be undone.
      </ConfirmDialog>
    </>
  );
}

const ERROR_KINDS: Record<TargetError['kind'], string> = {
  transient: 'Temporary problem',
  auth_expired: 'Channel needs reconnecting',
  rejected: 'Rejected by the network',
  rate_limited: 'Rate limited by the network',
  unknown_outcome: 'Outcome unknown, checking',
};

function TargetCard({ target, zone, now, channelsPath }: { target: PostTarget; zone: string; now: number; channelsPath: string }) {
  const { channel } = target;
  return (
    <li className="flex flex-col rounded-xl border border-zinc-200 bg-white p-4 shadow-xs" data-testid="target-card" data-target-id={target.id} data-channel-id={target.channelId}>
      <div className="flex items-start gap-3">
        <ChannelAvatar channel={channel} />
        <div className="min-w-0 flex-1">
          <ChannelName name={channel.name} className="text-sm font-medium text-zinc-900" />
          <p className={clsx('text-xs', channel.platform === 'sandbox' ? 'text-amber-700' : 'text-zinc-500')}>
            {platformLabel(channel.platform)}
            {channel.status === 'disconnected' ? ' · disconnected' : ''}
          </p>
        </div>
        <TargetStatusBadge status={target.status} data-testid="target-status" />
      </div>
      <div className="mt-3 space-y-2 text-sm text-zinc-600">
        {target.status === 'published' && target.publishedAt ? <p>Published {formatDateTimeIn(target.publishedAt, zone)}</p> : null}
        {(target.status === 'scheduled' || target.status === 'publishing') && target.scheduledAt ? (
          <p>
            {target.status === 'publishing' ? 'Going out since' : 'Goes out'} {formatDayTimeIn(target.scheduledAt, zone)}{' '}
            <span className="text-zinc-400" data-testid="target-relative">({formatRelative(target.scheduledAt, now)})</span>
          </p>
        ) : null}
        {target.status === 'retrying' && target.nextAttemptAt ? (
          <p data-testid="target-next-retry">
            Next try {formatDayTimeIn(target.nextAttemptAt, zone)} <span className="text-zinc-400">({formatRelative(target.nextAttemptAt, now)})</span>
            {target.attemptCount > 0 ? ` · ${target.attemptCount} attempt${target.attemptCount === 1 ? '' : 's'} so far` : ''}
          </p>
        ) : null}
        {target.textOverride !== null || target.mediaOverride ? (
          <p className="text-xs text-brand-700">Tailored for this channel{target.textOverride !== null ? ': custom text' : ''}{target.mediaOverride ? `${target.textOverride !== null ? ',' : ':'} own media` : ''}</p>
        ) : null}
        {target.lastError && target.status !== 'published' ? (
          <div className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-red-800" data-testid="target-error">
            <p className="flex items-center gap-1.5 text-xs font-semibold tracking-wide uppercase">
              <AlertTriangle className="size-3.5" aria-hidden />
              {ERROR_KINDS[target.lastError.kind]}
              {target.lastError.platformCode ? <code className="rounded bg-red-100 px-1 font-mono text-[11px] normal-case">{target.lastError.platformCode}</code> : null}
            </p>
            <p className="mt-1 break-words">{target.lastError.message}</p>
          </div>
        ) : null}
        {target.status === 'needs_reauth' ? (
          <p>
            <Link to={channelsPath} className="font-medium text-brand-700 underline underline-offset-2">
              Reconnect the channel
            </Link>{' '}
            then publish again.
          </p>
        ) : null}
      </div>
      {target.permalink && target.status !== 'deleted' ? (
        <a
          href={target.permalink}
          target="_blank"
          rel="noopener noreferrer"
          className="mt-3 inline-flex items-center gap-1.5 self-start text-sm font-medium text-brand-700 hover:text-brand-800"
          data-testid="target-permalink"
        >
          View post
          <ExternalLink className="size-3.5" aria-hidden />
          <span className="sr-only">on {channel.name} (opens in a new tab)</span>
        </a>
      ) : null}
    </li>
  );
}

function AttemptsCard({ attempts, targets, zone }: { attempts: PublishAttempt[]; targets: PostTarget[]; zone: string }) {
  const names = new Map(targets.map((t) => [t.id, t.channel.name]));
  const sorted = [...attempts].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const code = (attempt: PublishAttempt) => (attempt.platformCode ? <code className="ml-1.5 rounded bg-zinc-100 px-1 font-mono text-[11px] text-zinc-600">{attempt.platformCode}</code> : null);
  return (
    <Card aria-labelledby="attempts-heading" className="order-5">
      <CardHeader id="attempts-heading" title="Publish attempts" description="Every try Herald made, newest first." />
      {sorted.length === 0 ? (
        <p className="px-5 py-6 text-sm text-zinc-500">No attempts yet. They appear here once the post starts going out.</p>
      ) : (
        <>
          {/* Phones: one block per attempt. */}
          <ul className="divide-y divide-zinc-100 sm:hidden">
            {sorted.map((attempt) => (
              <li key={attempt.id} className="space-y-1 px-5 py-3 text-sm" data-testid="attempt-item">
                <p className="flex items-center justify-between gap-2">
                  <span className="font-medium text-zinc-800">
                    {names.get(attempt.targetId) ?? '—'} <span className="font-normal text-zinc-400">#{attempt.attemptNo}</span>
                  </span>
                  <OutcomeBadge outcome={attempt.outcome} />
                </p>
                <p className="text-xs text-zinc-500 tabular-nums">
                  {formatDayTimeIn(attempt.startedAt, zone)} · {tookLabel(attempt)}
                </p>
                {attempt.errorMessage ? (
                  <p className="text-zinc-600">
                    {attempt.errorMessage}
                    {code(attempt)}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
          <div className="hidden overflow-x-auto sm:block">
            <table className="w-full min-w-[36rem] text-left text-sm" data-testid="attempts-table">
              <thead className="border-b border-zinc-100 text-xs text-zinc-500">
                <tr>
                  <th scope="col" className="px-5 py-2 font-medium">
                    Channel
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    #
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Started
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Took
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Outcome
                  </th>
                  <th scope="col" className="px-5 py-2 font-medium">
                    Details
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {sorted.map((attempt) => (
                  <tr key={attempt.id} data-testid="attempt-row" data-outcome={attempt.outcome ?? 'running'}>
                    <td className="px-5 py-2.5 font-medium text-zinc-800">{names.get(attempt.targetId) ?? '—'}</td>
                    <td className="px-3 py-2.5 text-zinc-500 tabular-nums">{attempt.attemptNo}</td>
                    <td className="px-3 py-2.5 whitespace-nowrap text-zinc-600 tabular-nums">{formatDayTimeIn(attempt.startedAt, zone)}</td>
                    <td className="px-3 py-2.5 text-zinc-500 tabular-nums">{tookLabel(attempt)}</td>
                    <td className="px-3 py-2.5">
                      <OutcomeBadge outcome={attempt.outcome} />
                    </td>
                    <td className="px-5 py-2.5 text-zinc-600">
                      {attempt.errorMessage ?? '—'}
                      {code(attempt)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Card>
  );
}

function tookLabel(attempt: PublishAttempt): string {
  if (!attempt.finishedAt) return '…';
  const seconds = (new Date(attempt.finishedAt).getTime() - new Date(attempt.startedAt).getTime()) / 1000;
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(1)} s`;
}

function OutcomeBadge({ outcome }: { outcome: AttemptOutcome | null }) {
  const ok = outcome === 'published' || outcome === 'reconciled';
  return (
    <span
      className={clsx(
        'rounded-md px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset',
        outcome === null ? 'bg-sky-50 text-sky-700 ring-sky-200' : ok ? 'bg-emerald-50 text-emerald-700 ring-emerald-200' : 'bg-red-50 text-red-700 ring-red-200',
      )}
    >
      {(outcome ?? 'in progress').replace(/_/g, ' ')}
    </span>
  );
}

function RescheduleDialog({ post, open, onClose }: { post: PostDetail; open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title={post.status === 'scheduled' ? 'Reschedule post' : 'Schedule post'} size="sm">
      <RescheduleForm post={post} onDone={onClose} />
    </Dialog>
  );
}

function RescheduleForm({ post, onDone }: { post: PostDetail; onDone: () => void }) {
  const workspace = useCurrentWorkspace();
  const zone = workspace.timezone;
  const queryClient = useQueryClient();
  const toast = useToast();
  const [value, setValue] = useState<ScheduleValue>(() => {
    if (post.scheduledAt && new Date(post.scheduledAt).getTime() > Date.now()) {
      const wall = wallTimeIn(new Date(post.scheduledAt), zone);
      return { date: wall.date, time: wall.clock };
    }
    return suggestedTime(zone);
  });
  const [touched, setTouched] = useState(false);
  const checked = checkSchedule(value, zone);
  const save = useMutation({
    mutationFn: (iso: string) => postActions.schedule(post.id, iso),
    onSuccess: async (result) => {
      await refreshPosts(queryClient, workspace.id, result);
      toast.success(`Scheduled for ${result.scheduledAt ? formatDayTimeIn(result.scheduledAt, zone) : 'later'}.`);
      onDone();
    },
  });
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setTouched(true);
        if (checked.iso) save.mutate(checked.iso);
      }}
    >
      <ScheduleFields
        value={value}
        onChange={(next) => {
          setValue(next);
          setTouched(true);
        }}
        zone={zone}
        error={touched ? checked.error : null}
        note={checked.note}
        testIdPrefix="reschedule"
      />
      {save.error ? (
        <Alert tone="error" className="mt-4">
          {describeError(save.error)}
        </Alert>
      ) : null}
      <DialogActions>
        <Button variant="secondary" onClick={onDone} disabled={save.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={save.isPending} data-testid="reschedule-submit">
          Schedule
        </Button>
      </DialogActions>
    </form>
  );
}
