import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { clsx } from 'clsx';
import { AlertTriangle, CalendarClock, Check, FileText, ImagePlus, ListOrdered, Radio, Send, Sparkles, X } from 'lucide-react';
import { useMemo, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, call } from '../../api/client';
import { ApiError, describeError } from '../../api/errors';
import type { Channel, Media, PostDetail, RuleCheck, RuleViolation, Workspace } from '../../api/types';
import { Alert } from '../../components/alert';
import { Button, ButtonLink } from '../../components/button';
import { Card, CardBody, CardHeader } from '../../components/card';
import { controlClasses } from '../../components/field';
import { Skeleton } from '../../components/spinner';
import { useToast } from '../../components/toast';
import { useDebounced } from '../../lib/use-debounced';
import { formatDayTimeIn, wallTimeIn } from '../../lib/zoned-time';
import { ChannelAvatar, PlatformMark, platformLabel, platformName } from '../channels/platform';
import { useChannels } from '../channels/queries';
import { MediaPicker } from '../media/media-picker';
import { MediaThumb } from '../media/media-thumb';
import { mediaQuery } from '../media/queries';
import { UploadDropzone } from '../media/upload-dropzone';
import { PostPreview } from './post-preview';
import { postActions, refreshPosts } from './queries';
import { checkSchedule, ScheduleFields, suggestedTime, type ScheduleValue } from './schedule-fields';

interface Override {
  /** Replaces the main text on this channel. */
  text?: string;
  /** Replaces the main media on this channel. */
  mediaIds?: string[];
}

interface ComposerProps {
  workspace: Workspace;
  orgId: string;
  /** The post being edited; none for a new post. */
  post?: PostDetail;
  /** Prefill for a new post's schedule (`YYYY-MM-DD`, e.g. from the calendar's "+"). */
  initialDate?: string | null;
  initialTime?: string | null;
}

type Action = 'draft' | 'schedule' | 'publish' | 'queue';

/** A request that failed after the post itself was saved (e.g. saved as a draft, then no free slot). */
class SavedButFailed extends Error {
  constructor(
    readonly post: PostDetail,
    readonly failure: unknown,
  ) {
    super('saved but the follow-up failed');
  }
}

const TEXTAREA = 'min-h-40 resize-y py-2.5 leading-relaxed';

function initialOverrides(post: PostDetail | undefined): Record<string, Override> {
  const out: Record<string, Override> = {};
  for (const target of post?.targets ?? []) {
    if (target.textOverride === null && !target.mediaOverride) continue;
    out[target.channelId] = { ...(target.textOverride !== null ? { text: target.textOverride } : {}), ...(target.mediaOverride ? { mediaIds: target.mediaIds } : {}) };
  }
  return out;
}

function initialSchedule(post: PostDetail | undefined, zone: string, date?: string | null, time?: string | null): ScheduleValue {
  if (post?.scheduledAt && new Date(post.scheduledAt).getTime() > Date.now()) {
    const wall = wallTimeIn(new Date(post.scheduledAt), zone);
    return { date: wall.date, time: wall.clock };
  }
  const suggested = suggestedTime(zone, date);
  return time && date ? { date, time } : suggested;
}

/**
 * Writing a post: channels, the main text and media, per-channel tailoring, live rule checks from the
 * server (counters, errors, image adaptations), a per-network preview and the ways to send it.
 */
export function Composer({ workspace, orgId, post, initialDate, initialTime }: ComposerProps) {
  const zone = workspace.timezone;
  const base = `/orgs/${orgId}/workspaces/${workspace.id}`;
  const channels = useChannels(workspace.id);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const toast = useToast();

  const [channelIds, setChannelIds] = useState<string[]>(() => post?.targets.filter((t) => t.channel.status !== 'disconnected').map((t) => t.channelId) ?? []);
  const [text, setText] = useState(post?.text ?? '');
  const [mediaIds, setMediaIds] = useState<string[]>(post?.mediaIds ?? []);
  const [overrides, setOverrides] = useState<Record<string, Override>>(() => initialOverrides(post));
  const [tab, setTab] = useState<string>('all');
  const [previewPick, setPreviewPick] = useState<string | null>(null);
  const [schedule, setSchedule] = useState<ScheduleValue>(() => initialSchedule(post, zone, initialDate, initialTime));
  const [localError, setLocalError] = useState<ReactNode>(null);
  const [scheduleTouched, setScheduleTouched] = useState(false);

  const locked = post?.targets.some((t) => t.status === 'publishing' || t.status === 'published') ?? false;
  const droppedChannels = post?.targets.filter((t) => t.channel.status === 'disconnected') ?? [];
  const available = useMemo(() => (channels.data ?? []).filter((c) => c.status !== 'disconnected'), [channels.data]);
  const byId = useMemo(() => new Map<string, Channel>(available.map((c) => [c.id, c])), [available]);
  const selected = channelIds.filter((id) => byId.has(id) || !channels.data);
  const activeTab = tab !== 'all' && selected.includes(tab) ? tab : 'all';

  // The request body, as the server reads it (overrides only for selected channels).
  const body = useMemo(() => {
    const targets = selected
      .filter((id) => overrides[id] && (overrides[id].text !== undefined || overrides[id].mediaIds !== undefined))
      .map((id) => ({ channelId: id, ...(overrides[id]?.text !== undefined ? { text: overrides[id].text } : {}), ...(overrides[id]?.mediaIds ? { mediaIds: overrides[id].mediaIds } : {}) }));
    return { text, channelIds: selected, mediaIds, targets };
  }, [text, selected, mediaIds, overrides]);
  const bodyKey = JSON.stringify(body);
  const settledKey = useDebounced(bodyKey, 300);
  const settledBody = useMemo(() => JSON.parse(settledKey) as typeof body, [settledKey]);

  const preview = useQuery({
    queryKey: ['preview', workspace.id, settledKey],
    queryFn: () => call(api.POST('/api/v1/workspaces/{workspaceId}/posts/preview', { params: { path: { workspaceId: workspace.id } }, body: settledBody })),
    enabled: settledBody.channelIds.length > 0 && !locked,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
  const checks = useMemo(() => new Map<string, RuleCheck>((preview.data?.checks ?? []).map((c) => [c.channelId, c])), [preview.data]);
  const previewCurrent = settledKey === bodyKey && !preview.isPlaceholderData && !preview.isFetching;
  const hasRuleErrors = previewCurrent && preview.data ? !preview.data.ok : false;

  // Every media item in use, for thumbnails and previews.
  const allMediaIds = useMemo(() => [...new Set([...mediaIds, ...Object.values(overrides).flatMap((o) => o.mediaIds ?? [])])], [mediaIds, overrides]);
  const mediaResults = useQueries({ queries: allMediaIds.map((id) => mediaQuery(id)) });
  const mediaById = new Map<string, Media>();
  for (const result of mediaResults) if (result.data) mediaById.set(result.data.id, result.data);

  // What the media tools act on: the active channel's own media when it has them, else the main media.
  const scopeOverride = activeTab !== 'all' ? overrides[activeTab] : undefined;
  const scopeMedia = scopeOverride?.mediaIds ?? mediaIds;
  const setScopeMedia = (update: (ids: string[]) => string[]) => {
    if (activeTab !== 'all' && scopeOverride?.mediaIds) {
      setOverrides((all) => ({ ...all, [activeTab]: { ...all[activeTab], mediaIds: update(all[activeTab]?.mediaIds ?? []) } }));
    } else {
      setMediaIds(update);
    }
  };
  const toggleMedia = (media: Media) => setScopeMedia((ids) => (ids.includes(media.id) ? ids.filter((id) => id !== media.id) : [...ids, media.id]));

  const setOverride = (channelId: string, patch: Partial<Override> | null, drop?: keyof Override) =>
    setOverrides((all) => {
      const next = { ...all[channelId], ...patch };
      if (drop) delete next[drop];
      const copy = { ...all };
      if (next.text === undefined && next.mediaIds === undefined) delete copy[channelId];
      else copy[channelId] = next;
      return copy;
    });

  const toggleChannel = (id: string) => {
    setLocalError(null);
    setChannelIds((ids) => (ids.includes(id) ? ids.filter((other) => other !== id) : [...ids, id]));
  };

  const checkedSchedule = checkSchedule(schedule, zone);
  const isEmpty = text.trim() === '' && mediaIds.length === 0 && !Object.values(overrides).some((o) => (o.text ?? '').trim() !== '' || (o.mediaIds?.length ?? 0) > 0);
  const blocked = selected.length === 0 || isEmpty || locked;

  const submit = useMutation({
    mutationFn: async ({ action, scheduledAt }: { action: Action; scheduledAt?: string }): Promise<PostDetail> => {
      if (!post) {
        const created = await call(
          api.POST('/api/v1/workspaces/{workspaceId}/posts', {
            params: { path: { workspaceId: workspace.id } },
            body: { ...body, ...(action === 'schedule' && scheduledAt ? { scheduledAt } : {}), ...(action === 'publish' ? { publishNow: true } : {}) },
          }),
        );
        if (action !== 'queue') return created;
        try {
          return await postActions.queue(created.id);
        } catch (error) {
          throw new SavedButFailed(created, error);
        }
      }
      const saved = await call(api.PATCH('/api/v1/posts/{postId}', { params: { path: { postId: post.id } }, body }));
      try {
        if (action === 'schedule' && scheduledAt) return await postActions.schedule(post.id, scheduledAt);
        if (action === 'publish') return await postActions.publishNow(post.id);
        if (action === 'queue') return await postActions.queue(post.id);
      } catch (error) {
        throw new SavedButFailed(saved, error);
      }
      return saved;
    },
    onSuccess: async (result, { action }) => {
      await refreshPosts(queryClient, workspace.id, result);
      const when = result.scheduledAt ? formatDayTimeIn(result.scheduledAt, zone) : null;
      toast.success(
        action === 'publish'
          ? 'Publishing now.'
          : action === 'schedule' || action === 'queue'
            ? `Scheduled for ${when ?? 'later'}.`
            : post && post.status !== 'draft'
              ? 'Changes saved.'
              : 'Draft saved.',
      );
      void navigate(`${base}/posts/${result.id}`);
    },
    onError: async (error) => {
      if (error instanceof SavedButFailed) {
        await refreshPosts(queryClient, workspace.id, error.post);
        if (!post) {
          toast.error(<FollowUpMessage error={error.failure} channelsPath={`${base}/channels`} saved="Saved as a draft, but" />);
          void navigate(`${base}/posts/${error.post.id}`);
        }
      }
    },
  });

  const run = (action: Action) => {
    setLocalError(null);
    if (action === 'schedule') {
      setScheduleTouched(true);
      if (!checkedSchedule.iso) return;
      submit.mutate({ action, scheduledAt: checkedSchedule.iso });
      return;
    }
    if (action === 'queue' && channels.data && selected.every((id) => (byId.get(id)?.slots.length ?? 0) === 0)) {
      setLocalError(
        <>
          {selected.length === 1 ? 'This channel has no' : 'None of these channels has'} posting slots yet, so there’s no queue to add to.{' '}
          <Link to={`${base}/channels`} className="font-medium underline underline-offset-2">
            Add posting slots on the Channels page
          </Link>
          , or pick a time yourself.
        </>,
      );
      return;
    }
    submit.mutate({ action });
  };

  const submitError = submit.error instanceof SavedButFailed ? submit.error.failure : submit.error;
  const pending = submit.isPending ? submit.variables.action : null;
  const previewChannelId = activeTab !== 'all' ? activeTab : previewPick && selected.includes(previewPick) ? previewPick : selected[0];
  const previewChannel = previewChannelId ? byId.get(previewChannelId) : undefined;
  const previewText = previewChannelId ? (overrides[previewChannelId]?.text ?? text) : text;
  const previewMedia = (previewChannelId ? (overrides[previewChannelId]?.mediaIds ?? mediaIds) : mediaIds).map((id) => mediaById.get(id)).filter((m): m is Media => Boolean(m));

  if (channels.isPending) {
    return (
      <div className="space-y-4" role="status" aria-label="Loading channels">
        <Skeleton className="h-28 w-full rounded-xl" />
        <Skeleton className="h-64 w-full rounded-xl" />
      </div>
    );
  }
  if (channels.isError) return <Alert tone="error">{describeError(channels.error)}</Alert>;

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <div className="min-w-0 space-y-6">
        {locked ? (
          <Alert tone="warning" title="This post can no longer be edited">
            It’s publishing or already published on at least one channel. Duplicate it from the post page to post it again.
          </Alert>
        ) : null}
        {droppedChannels.length > 0 && !locked ? (
          <Alert tone="warning">
            {droppedChannels.map((t) => t.channel.name).join(', ')} {droppedChannels.length === 1 ? 'was' : 'were'} disconnected and will be left out when you save.
          </Alert>
        ) : null}

        <Card aria-labelledby="compose-channels">
          <CardHeader id="compose-channels" title="Post to" description="Pick the channels this post goes to." />
          <CardBody>
            {available.length === 0 ? (
              <div className="flex flex-col items-start gap-3 rounded-lg border border-dashed border-zinc-300 px-4 py-5 sm:flex-row sm:items-center">
                <Radio className="size-5 text-zinc-400" aria-hidden />
                <p className="flex-1 text-sm text-zinc-600">This workspace has no channels yet. Add a sandbox channel to practise publishing.</p>
                <ButtonLink to={`${base}/channels`} variant="secondary" size="sm">
                  Go to Channels
                </ButtonLink>
              </div>
            ) : (
              <ul className="flex flex-wrap gap-2" aria-label="Channels">
                {available.map((channel) => {
                  const on = selected.includes(channel.id);
                  return (
                    <li key={channel.id}>
                      <button
                        type="button"
                        role="checkbox"
                        aria-checked={on}
                        disabled={locked}
                        onClick={() => toggleChannel(channel.id)}
                        className={clsx(
                          'flex items-center gap-2.5 rounded-xl border py-1.5 pr-3 pl-1.5 text-left transition disabled:cursor-not-allowed disabled:opacity-60',
                          on ? 'border-brand-400 bg-brand-50 ring-1 ring-brand-400' : 'border-zinc-200 bg-white hover:border-zinc-300',
                        )}
                        data-testid="compose-channel"
                        data-channel-id={channel.id}
                        data-selected={on}
                      >
                        <ChannelAvatar channel={channel} size="sm" />
                        <span className="min-w-0">
                          <span className="block max-w-44 truncate text-sm font-medium text-zinc-900">{channel.name}</span>
                          <span className={clsx('block text-xs', channel.isSandbox ? 'text-amber-700' : 'text-zinc-500')}>{platformLabel(channel.platform)}</span>
                        </span>
                        {channel.status === 'needs_reauth' ? <AlertTriangle className="size-4 text-amber-500" aria-label="Needs reconnecting" /> : null}
                        <span className={clsx('ml-1 flex size-5 items-center justify-center rounded-full border', on ? 'border-brand-600 bg-brand-600 text-white' : 'border-zinc-300 text-transparent')} aria-hidden>
                          <Check className="size-3" strokeWidth={3} />
                        </span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </CardBody>
        </Card>

        <Card aria-labelledby="compose-content">
          <CardHeader id="compose-content" title="Content" description={selected.length > 1 ? 'Write once, then tailor the text or media for any channel.' : undefined} />
          <CardBody className="space-y-4">
            {selected.length > 0 ? (
              <div role="tablist" aria-label="Edit for" className="-mx-1 flex gap-1 overflow-x-auto px-1 pb-1">
                <TabButton active={activeTab === 'all'} onClick={() => setTab('all')} id="all">
                  All channels
                </TabButton>
                {selected.map((id) => {
                  const channel = byId.get(id);
                  const check = checks.get(id);
                  const tailored = overrides[id] !== undefined;
                  return (
                    <TabButton key={id} active={activeTab === id} onClick={() => setTab(id)} id={id}>
                      {channel ? <PlatformMark platform={channel.platform} className="size-4 text-[8px] ring-0" /> : null}
                      <span className="max-w-32 truncate">{channel?.name ?? 'Channel'}</span>
                      {check && check.errors.length > 0 ? (
                        <span className="size-2 rounded-full bg-red-500" aria-label="has problems" />
                      ) : tailored ? (
                        <span className="size-2 rounded-full bg-brand-500" aria-label="tailored" />
                      ) : null}
                    </TabButton>
                  );
                })}
              </div>
            ) : null}

            <div role="tabpanel" id="compose-tabpanel" aria-labelledby={selected.length > 0 ? `compose-tab-${activeTab}` : undefined} className="space-y-3">
              {activeTab === 'all' ? (
                <div className="space-y-1.5">
                  <label htmlFor="compose-text" className="sr-only">
                    Post text
                  </label>
                  <textarea
                    id="compose-text"
                    value={text}
                    onChange={(event) => setText(event.target.value)}
                    placeholder="What would you like to share?"
                    disabled={locked}
                    className={controlClasses(false, TEXTAREA)}
                    data-testid="compose-text"
                  />
                </div>
              ) : (
                <ChannelTailoring
                  channel={byId.get(activeTab)}
                  mainText={text}
                  override={overrides[activeTab]}
                  mainMediaIds={mediaIds}
                  disabled={locked}
                  onText={(value) => setOverride(activeTab, { text: value })}
                  onResetText={() => setOverride(activeTab, null, 'text')}
                  onOwnMedia={(own) => (own ? setOverride(activeTab, { mediaIds: [...mediaIds] }) : setOverride(activeTab, null, 'mediaIds'))}
                />
              )}
              {selected.length > 0 ? <Counters channelIds={selected} byId={byId} checks={checks} loading={preview.isPending && preview.fetchStatus === 'fetching'} onPick={setTab} /> : null}
              {preview.isError ? <Alert tone="warning">Live checks are unavailable right now: {describeError(preview.error)}</Alert> : null}
              <RuleNotes channelIds={activeTab === 'all' ? selected : [activeTab]} byId={byId} checks={checks} mediaById={mediaById} />
            </div>
          </CardBody>
        </Card>

        <Card aria-labelledby="compose-media">
          <CardHeader
            id="compose-media"
            title="Media"
            description={activeTab !== 'all' && scopeOverride?.mediaIds ? `Only for ${byId.get(activeTab)?.name ?? 'this channel'}.` : 'Shared by every channel unless a channel has its own.'}
          />
          <CardBody className="space-y-4">
            {scopeMedia.length > 0 ? (
              <ol className="flex flex-wrap gap-2" aria-label="Attached media">
                {scopeMedia.map((id, index) => {
                  const media = mediaById.get(id);
                  return (
                    <li key={id} className="relative" data-testid="compose-attached" data-media-id={id}>
                      {media ? <MediaThumb media={media} className="size-20 rounded-lg ring-1 ring-zinc-200" /> : <Skeleton className="size-20 rounded-lg" />}
                      <span className="absolute top-1 left-1 flex size-5 items-center justify-center rounded-full bg-zinc-900/70 text-[11px] font-semibold text-white">{index + 1}</span>
                      {!locked ? (
                        <button
                          type="button"
                          onClick={() => setScopeMedia((ids) => ids.filter((other) => other !== id))}
                          className="absolute -top-1.5 -right-1.5 flex size-6 items-center justify-center rounded-full bg-white text-zinc-600 shadow ring-1 ring-zinc-200 hover:text-zinc-900"
                          aria-label={`Remove ${media?.filename ?? 'media'}`}
                        >
                          <X className="size-3.5" aria-hidden />
                        </button>
                      ) : null}
                    </li>
                  );
                })}
              </ol>
            ) : null}
            {!locked ? (
              <>
                <UploadDropzone workspaceId={workspace.id} compact inputTestId="compose-upload" onUploaded={(media) => setScopeMedia((ids) => (ids.includes(media.id) ? ids : [...ids, media.id]))} />
                <div>
                  <h3 className="mb-2 flex items-center gap-2 text-sm font-medium text-zinc-800">
                    <ImagePlus className="size-4 text-zinc-400" aria-hidden />
                    From the library
                  </h3>
                  <MediaPicker workspaceId={workspace.id} selected={scopeMedia} onToggle={toggleMedia} />
                </div>
              </>
            ) : null}
          </CardBody>
        </Card>
      </div>

      <aside className="min-w-0 space-y-6 lg:sticky lg:top-24 lg:self-start" aria-label="Preview and publishing">
        <section aria-labelledby="compose-preview-heading" className="space-y-3">
          <div className="flex items-center justify-between gap-2">
            <h2 id="compose-preview-heading" className="text-sm font-semibold text-zinc-900">
              Preview
            </h2>
            {previewChannel ? <span className="text-xs text-zinc-500">as on {platformName(previewChannel.platform)}</span> : null}
          </div>
          {activeTab === 'all' && selected.length > 1 ? (
            <div className="flex flex-wrap gap-1.5" role="group" aria-label="Preview channel">
              {selected.map((id) => (
                <button
                  key={id}
                  type="button"
                  aria-pressed={id === previewChannelId}
                  onClick={() => setPreviewPick(id)}
                  className={clsx('rounded-full px-2.5 py-1 text-xs font-medium ring-1 ring-inset', id === previewChannelId ? 'bg-zinc-900 text-white ring-zinc-900' : 'bg-white text-zinc-600 ring-zinc-200 hover:ring-zinc-300')}
                >
                  {byId.get(id)?.name ?? 'Channel'}
                </button>
              ))}
            </div>
          ) : null}
          {previewChannel ? (
            <PostPreview channel={previewChannel} text={previewText} media={previewMedia} when={scheduleTouched && checkedSchedule.iso ? formatDayTimeIn(checkedSchedule.iso, zone) : 'Just now'} />
          ) : (
            <div className="rounded-xl border border-dashed border-zinc-300 px-4 py-10 text-center text-sm text-zinc-500">Pick a channel to see how the post will look.</div>
          )}
        </section>

        <Card aria-labelledby="compose-when">
          <CardHeader id="compose-when" title="When" />
          <CardBody className="space-y-4">
            <ScheduleFields
              value={schedule}
              onChange={(value) => {
                setSchedule(value);
                setScheduleTouched(true);
              }}
              zone={zone}
              disabled={locked}
              error={scheduleTouched ? checkedSchedule.error : null}
              note={checkedSchedule.note}
              testIdPrefix="compose-schedule"
            />
            {blocked && !locked ? (
              <p className="text-sm text-zinc-500">{selected.length === 0 ? 'Pick at least one channel.' : 'Write something or attach media.'}</p>
            ) : hasRuleErrors ? (
              <p className="text-sm text-red-600">Fix the problems marked above first.</p>
            ) : null}
            {localError ? <Alert tone="error">{localError}</Alert> : null}
            {submitError ? <SubmitError error={submitError} channelsPath={`${base}/channels`} byId={byId} /> : null}
            <div className="grid grid-cols-2 gap-2">
              <Button className="col-span-2" icon={CalendarClock} loading={pending === 'schedule'} disabled={blocked || hasRuleErrors || submit.isPending} onClick={() => run('schedule')} data-testid="compose-schedule">
                Schedule
              </Button>
              <Button variant="secondary" icon={Send} loading={pending === 'publish'} disabled={blocked || hasRuleErrors || submit.isPending} onClick={() => run('publish')} data-testid="compose-publish-now">
                Publish now
              </Button>
              <Button variant="secondary" icon={ListOrdered} loading={pending === 'queue'} disabled={blocked || hasRuleErrors || submit.isPending} onClick={() => run('queue')} data-testid="compose-queue">
                Add to queue
              </Button>
              <Button variant="ghost" className="col-span-2" icon={FileText} loading={pending === 'draft'} disabled={blocked || hasRuleErrors || submit.isPending} onClick={() => run('draft')} data-testid="compose-save-draft">
                {post && post.status !== 'draft' ? 'Save changes' : 'Save draft'}
              </Button>
            </div>
          </CardBody>
        </Card>
      </aside>
    </div>
  );
}

function TabButton({ active, onClick, id, children }: { active: boolean; onClick: () => void; id: string; children: ReactNode }) {
  return (
    <button
      type="button"
      role="tab"
      id={`compose-tab-${id}`}
      aria-selected={active}
      aria-controls="compose-tabpanel"
      tabIndex={active ? 0 : -1}
      onClick={onClick}
      onKeyDown={(event) => {
        // Arrow keys move between tabs (ARIA tabs pattern).
        if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
        const tabs = Array.from(event.currentTarget.parentElement?.querySelectorAll<HTMLButtonElement>('[role="tab"]') ?? []);
        const next = tabs[(tabs.indexOf(event.currentTarget) + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
        next?.focus();
        next?.click();
      }}
      className={clsx(
        'flex shrink-0 items-center gap-2 rounded-lg px-2.5 py-1.5 text-sm font-medium whitespace-nowrap transition-colors',
        active ? 'bg-zinc-900 text-white' : 'text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900',
      )}
      data-testid="compose-tab"
      data-channel-id={id}
    >
      {children}
    </button>
  );
}

interface TailoringProps {
  channel: Channel | undefined;
  mainText: string;
  override: Override | undefined;
  mainMediaIds: string[];
  disabled: boolean;
  onText: (text: string) => void;
  onResetText: () => void;
  onOwnMedia: (own: boolean) => void;
}

/** One channel's tab: its own text (starting from the main text) and whether it has its own media. */
function ChannelTailoring({ channel, mainText, override, mainMediaIds, disabled, onText, onResetText, onOwnMedia }: TailoringProps) {
  const name = channel?.name ?? 'this channel';
  const tailored = override?.text !== undefined;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <p className="text-zinc-600">
          {tailored ? (
            <>
              <Sparkles className="mr-1 inline size-4 text-brand-500" aria-hidden />
              Custom text for <span className="font-medium text-zinc-900">{name}</span>
            </>
          ) : (
            <>Uses the main text. Edit below to tailor it for {name}.</>
          )}
        </p>
        {tailored ? (
          <Button variant="ghost" size="sm" onClick={onResetText} disabled={disabled} data-testid="compose-reset-text">
            Use main text
          </Button>
        ) : null}
      </div>
      <label htmlFor={`compose-text-${channel?.id ?? 'channel'}`} className="sr-only">
        Text for {name}
      </label>
      <textarea
        id={`compose-text-${channel?.id ?? 'channel'}`}
        value={override?.text ?? mainText}
        onChange={(event) => onText(event.target.value)}
        disabled={disabled}
        className={controlClasses(false, clsx(TEXTAREA, tailored && 'border-brand-300 bg-brand-50/20'))}
        data-testid="compose-channel-text"
        data-channel-id={channel?.id}
      />
      <label className="flex items-center gap-2 text-sm text-zinc-700">
        <input
          type="checkbox"
          className="size-4 rounded border-zinc-300 accent-brand-600"
          checked={override?.mediaIds !== undefined}
          disabled={disabled}
          onChange={(event) => onOwnMedia(event.target.checked)}
          data-testid="compose-own-media"
        />
        Use different media on {name}
        {override?.mediaIds === undefined && mainMediaIds.length > 0 ? <span className="text-zinc-400">({mainMediaIds.length} shared)</span> : null}
      </label>
    </div>
  );
}

/** "123 / 280" per channel, counted by the server the way each network counts; red past the limit. */
function Counters({ channelIds, byId, checks, loading, onPick }: { channelIds: string[]; byId: Map<string, Channel>; checks: Map<string, RuleCheck>; loading: boolean; onPick: (id: string) => void }) {
  return (
    <ul className="flex flex-wrap gap-2" aria-label="Characters per channel">
      {channelIds.map((id) => {
        const channel = byId.get(id);
        const check = checks.get(id);
        const over = check ? check.textLength > check.textMax : false;
        return (
          <li key={id}>
            <button
              type="button"
              onClick={() => onPick(id)}
              className={clsx(
                'flex items-center gap-1.5 rounded-md px-2 py-1 text-xs ring-1 ring-inset',
                over ? 'bg-red-50 text-red-700 ring-red-200' : 'bg-zinc-50 text-zinc-600 ring-zinc-200 hover:ring-zinc-300',
              )}
              title={channel ? `${channel.name}: characters as ${platformName(channel.platform)} counts them` : undefined}
            >
              <span className="max-w-28 truncate font-medium">{channel?.name ?? 'Channel'}</span>
              <span className={clsx('tabular-nums', over && 'font-semibold')} data-testid="compose-counter" data-channel-id={id} data-over={over} aria-live="polite">
                {check ? `${check.textLength} / ${check.textMax}` : loading ? '…' : '–'}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** Rule errors (to fix) and image adaptations (Herald will make a conforming copy) per channel. */
function RuleNotes({ channelIds, byId, checks, mediaById }: { channelIds: string[]; byId: Map<string, Channel>; checks: Map<string, RuleCheck>; mediaById: Map<string, Media> }) {
  const errors = channelIds.flatMap((id) => (checks.get(id)?.errors ?? []).map((error) => ({ id, ...error })));
  const adaptations = channelIds.flatMap((id) => (checks.get(id)?.adaptations ?? []).map((adaptation) => ({ id, ...adaptation })));
  if (errors.length === 0 && adaptations.length === 0) return null;
  const who = (id: string) => {
    const channel = byId.get(id);
    return channel ? `${channel.name} (${platformName(channel.platform)})` : 'Channel';
  };
  return (
    <div className="space-y-2">
      {errors.length > 0 ? (
        <div className="rounded-lg border border-red-200 bg-red-50 px-3 py-2.5 text-sm text-red-800" role="alert">
          <ul className="space-y-1">
            {errors.map((error, index) => (
              <li key={`${error.id}-${error.rule}-${index}`} className="flex gap-2" data-testid="compose-rule-error" data-channel-id={error.id} data-rule={error.rule}>
                <AlertTriangle className="mt-0.5 size-4 shrink-0 text-red-500" aria-hidden />
                <span>
                  <span className="font-medium">{who(error.id)}:</span> {error.message}
                  {error.mediaId && mediaById.get(error.mediaId) ? <span className="text-red-700/80"> ({mediaById.get(error.mediaId)?.filename})</span> : null}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {adaptations.length > 0 ? (
        <div className="rounded-lg border border-brand-200 bg-brand-50/70 px-3 py-2.5 text-sm text-brand-900">
          <ul className="space-y-1">
            {adaptations.map((adaptation, index) => (
              <li key={`${adaptation.id}-${adaptation.mediaId}-${index}`} className="flex gap-2" data-testid="compose-adaptation" data-channel-id={adaptation.id}>
                <Sparkles className="mt-0.5 size-4 shrink-0 text-brand-500" aria-hidden />
                <span>
                  <span className="font-medium">{platformName(byId.get(adaptation.id)?.platform ?? '')}:</span> {adaptation.reasons.join(', ')}
                  {mediaById.get(adaptation.mediaId) ? <span className="text-brand-800/70"> ({mediaById.get(adaptation.mediaId)?.filename})</span> : null}
                  <span className="text-brand-800/70"> — Herald will post an adapted copy.</span>
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

function FollowUpMessage({ error, channelsPath, saved }: { error: unknown; channelsPath: string; saved: string }) {
  if (error instanceof ApiError && error.code === 'no_free_slot') {
    return (
      <>
        {saved} there’s no free posting slot in the next 8 weeks.{' '}
        <Link to={channelsPath} className="font-medium text-brand-700 underline underline-offset-2">
          Add posting slots on the Channels page
        </Link>
        .
      </>
    );
  }
  return (
    <>
      {saved} {describeError(error).replace(/^./, (c) => c.toLowerCase())}
    </>
  );
}

function SubmitError({ error, channelsPath, byId }: { error: unknown; channelsPath: string; byId: Map<string, Channel> }) {
  if (error instanceof ApiError && error.code === 'no_free_slot') {
    return (
      <Alert tone="error">
        None of these channels has a free posting slot in the next 8 weeks.{' '}
        <Link to={channelsPath} className="font-medium underline underline-offset-2">
          Add posting slots on the Channels page
        </Link>
        , or pick a time yourself.
      </Alert>
    );
  }
  if (error instanceof ApiError && error.code === 'content_rules_violated' && Array.isArray(error.details.violations)) {
    const violations = error.details.violations as RuleViolation[];
    return (
      <Alert tone="error" title="Some channels won’t accept this post">
        <ul className="list-disc space-y-0.5 pl-4">
          {violations.map((violation, index) => (
            <li key={`${violation.channelId}-${index}`}>
              <span className="font-medium">{byId.get(violation.channelId)?.name ?? violation.channelName}</span> ({platformName(violation.platform)}): {violation.message}
            </li>
          ))}
        </ul>
      </Alert>
    );
  }
  if (error instanceof ApiError && error.code === 'validation_failed' && Object.keys(error.fields).length > 0) {
    return (
      <Alert tone="error" title="Some fields need your attention">
        <ul className="list-disc space-y-0.5 pl-4">
          {Object.entries(error.fields).map(([field, message]) => (
            <li key={field}>{message}</li>
          ))}
        </ul>
      </Alert>
    );
  }
  return <Alert tone="error">{describeError(error)}</Alert>;
}
