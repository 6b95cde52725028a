import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { clsx } from 'clsx';
import { CalendarClock, FileText, ListOrdered, Send } from 'lucide-react';
import { useMemo, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, call } from '../../api/client';
import { describeError } from '../../api/errors';
import type { Channel, Media, PostDetail, RuleCheck, Workspace } from '../../api/types';
import { Alert } from '../../components/alert';
import { Button } from '../../components/button';
import { Card, CardBody, CardHeader } from '../../components/card';
import { controlClasses } from '../../components/field';
import { Skeleton } from '../../components/spinner';
import { useToast } from '../../components/toast';
import { useDebounced } from '../../lib/use-debounced';
import { formatDayTimeIn, wallTimeIn } from '../../lib/zoned-time';
import { ChannelAvatar, ChannelName, platformName } from '../channels/platform';
import { useChannels } from '../channels/queries';
import { mediaQuery } from '../media/queries';
import { draftKey, readLocalDraft, removeLocalDraft, sameContent, useUnsavedWork, type ComposerContent, type LocalDraft } from './composer-draft';
import { HashtagPicker, LeaveDialog, RestoreDraftBanner } from './composer-extras';
import { MediaCard } from './composer-media';
import { ChannelPicker, ChannelTailoring, Counters, FollowUpMessage, RuleNotes, SubmitError, TabButton, TEXTAREA, type Override } from './composer-parts';
import { PostPreview } from './post-preview';
import { postActions, refreshPosts } from './queries';
import { checkSchedule, ScheduleFields, suggestedTime, type ScheduleValue } from './schedule-fields';

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

  // Unsaved work: kept on this device while it differs from what Herald has, offered back on return.
  const storageKey = draftKey(workspace.id, post?.id);
  const [initial] = useState<ComposerContent>(() => ({ text, channelIds, mediaIds, overrides, schedule }));
  const [offer, setOffer] = useState<LocalDraft | null>(() => {
    const found = readLocalDraft(storageKey);
    return found && !sameContent(found.content, initial) ? found : null;
  });
  const content = useMemo<ComposerContent>(() => ({ text, channelIds, mediaIds, overrides, schedule }), [text, channelIds, mediaIds, overrides, schedule]);
  const locked = post?.targets.some((t) => t.status === 'publishing' || t.status === 'published') ?? false;
  const dirty = !locked && !sameContent(content, initial);
  const { blocker, allowLeave } = useUnsavedWork(storageKey, content, dirty);
  const restore = (draft: LocalDraft) => {
    setText(draft.content.text);
    setChannelIds(draft.content.channelIds);
    setMediaIds(draft.content.mediaIds);
    setOverrides(draft.content.overrides);
    setSchedule(draft.content.schedule);
    setOffer(null);
  };
  const discard = () => {
    removeLocalDraft(storageKey);
    setOffer(null);
  };
  /** Saved to Herald: nothing left to keep or to warn about. */
  const saved = () => {
    allowLeave();
    removeLocalDraft(storageKey);
  };

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
  /** Targets that go out without another click: then a save must pass the rules too. */
  const willPublish = post?.targets.some((t) => ['scheduled', 'retrying', 'needs_reauth'].includes(t.status)) ?? false;

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
      saved();
      const warnings = result.checks.reduce((n, check) => n + check.errors.length, 0);
      await refreshPosts(queryClient, workspace.id, result);
      const when = result.scheduledAt ? formatDayTimeIn(result.scheduledAt, zone) : null;
      toast.success(
        action === 'publish'
          ? 'Publishing now.'
          : action === 'schedule' || action === 'queue'
            ? `Scheduled for ${when ?? 'later'}.`
            : warnings > 0
              ? 'Draft saved. Fix the problems it shows before you schedule it.'
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
          saved();
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
    <div className="space-y-6">
      {offer && !locked ? <RestoreDraftBanner draft={offer} zone={zone} onRestore={() => restore(offer)} onDiscard={discard} /> : null}
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

          <ChannelPicker available={available} selected={selected} locked={locked} channelsPath={`${base}/channels`} onToggle={toggleChannel} />

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
                        {channel ? <ChannelAvatar channel={channel} size="xs" /> : null}
                        <ChannelName name={channel?.name ?? 'Channel'} className="max-w-40" />
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
                    <HashtagPicker tags={workspace.defaultHashtags} text={text} target="all channels" disabled={locked} onChange={setText} />
                  </div>
                ) : (
                  <>
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
                    <HashtagPicker
                      tags={workspace.defaultHashtags}
                      text={overrides[activeTab]?.text ?? text}
                      target={byId.get(activeTab)?.name ?? 'this channel'}
                      disabled={locked}
                      onChange={(value) => setOverride(activeTab, { text: value })}
                    />
                  </>
                )}
                {selected.length > 0 ? <Counters channelIds={selected} byId={byId} checks={checks} loading={preview.isPending && preview.fetchStatus === 'fetching'} onPick={setTab} /> : null}
                {preview.isError ? <Alert tone="warning">Live checks are unavailable right now: {describeError(preview.error)}</Alert> : null}
                <RuleNotes channelIds={activeTab === 'all' ? selected : [activeTab]} byId={byId} checks={checks} mediaById={mediaById} />
              </div>
            </CardBody>
          </Card>

          <MediaCard
            workspaceId={workspace.id}
            media={scopeMedia}
            mediaById={mediaById}
            locked={locked}
            only={activeTab !== 'all' && scopeOverride?.mediaIds ? (byId.get(activeTab)?.name ?? 'this channel') : null}
            onChange={setScopeMedia}
          />
        </div>

        <aside className="min-w-0 space-y-6 lg:sticky lg:top-24 lg:self-start" aria-label="Preview and publishing">
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
            </CardBody>
          </Card>

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
                    <ChannelName name={byId.get(id)?.name ?? 'Channel'} className="max-w-40" />
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
        </aside>
      </div>

      {/* Always in reach, however long the text: the ways to send it stick to the bottom of the screen. */}
      <div className="sticky bottom-0 z-10 -mx-4 border-t border-zinc-200 bg-white/95 px-4 py-3 backdrop-blur sm:-mx-8 sm:px-8" role="region" aria-label="Save and publish" data-testid="compose-actions">
        {localError ? <Alert tone="error" className="mb-3">{localError}</Alert> : null}
        {submitError ? (
          <div className="mb-3">
            <SubmitError error={submitError} channelsPath={`${base}/channels`} byId={byId} />
          </div>
        ) : null}
        <div className="flex flex-col gap-3 lg:flex-row lg:items-center">
          <p className="min-w-0 flex-1 text-sm text-zinc-500" aria-live="polite">
            {blocked && !locked ? (
              selected.length === 0 ? 'Pick at least one channel.' : 'Write something or attach media.'
            ) : hasRuleErrors ? (
              <span className="text-red-600">Fix the problems marked above to schedule or publish. You can still save it as a draft.</span>
            ) : dirty ? (
              'Unsaved changes (kept on this device until you save).'
            ) : null}
          </p>
          <div className="grid grid-cols-2 gap-2 sm:flex sm:flex-wrap sm:justify-end">
            <Button variant="ghost" icon={FileText} loading={pending === 'draft'} disabled={blocked || submit.isPending || (hasRuleErrors && willPublish)} onClick={() => run('draft')} data-testid="compose-save-draft">
              {post && post.status !== 'draft' ? 'Save changes' : 'Save draft'}
            </Button>
            <Button variant="secondary" icon={ListOrdered} loading={pending === 'queue'} disabled={blocked || hasRuleErrors || submit.isPending} onClick={() => run('queue')} data-testid="compose-queue">
              Add to queue
            </Button>
            <Button variant="secondary" icon={Send} loading={pending === 'publish'} disabled={blocked || hasRuleErrors || submit.isPending} onClick={() => run('publish')} data-testid="compose-publish-now">
              Publish now
            </Button>
            <Button icon={CalendarClock} loading={pending === 'schedule'} disabled={blocked || hasRuleErrors || submit.isPending} onClick={() => run('schedule')} data-testid="compose-schedule">
              {checkedSchedule.iso ? `Schedule for ${formatDayTimeIn(checkedSchedule.iso, zone)}` : 'Schedule'}
            </Button>
          </div>
        </div>
      </div>
      <LeaveDialog blocker={blocker} />
    </div>
  );
}

