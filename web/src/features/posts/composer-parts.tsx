import { clsx } from 'clsx';
import { AlertTriangle, Check, Radio, Sparkles } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError, describeError } from '../../api/errors';
import type { Channel, Media, RuleCheck, RuleViolation } from '../../api/types';
import { Alert } from '../../components/alert';
import { Button, ButtonLink } from '../../components/button';
import { Card, CardBody, CardHeader } from '../../components/card';
import { controlClasses } from '../../components/field';
import { ChannelAvatar, ChannelName, platformLabel, platformName } from '../channels/platform';

/** A channel's own version of the post, where it differs from the main text and media. */
export interface Override {
  /** Replaces the main text on this channel. */
  text?: string;
  /** Replaces the main media on this channel. */
  mediaIds?: string[];
}

export const TEXTAREA = 'min-h-40 resize-y py-2.5 leading-relaxed';

export function TabButton({ active, onClick, id, children }: { active: boolean; onClick: () => void; id: string; children: ReactNode }) {
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

export interface TailoringProps {
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
export function ChannelTailoring({ channel, mainText, override, mainMediaIds, disabled, onText, onResetText, onOwnMedia }: TailoringProps) {
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
export function Counters({ channelIds, byId, checks, loading, onPick }: { channelIds: string[]; byId: Map<string, Channel>; checks: Map<string, RuleCheck>; loading: boolean; onPick: (id: string) => void }) {
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
              <ChannelName name={channel?.name ?? 'Channel'} className="max-w-36 font-medium" />
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
export function RuleNotes({ channelIds, byId, checks, mediaById }: { channelIds: string[]; byId: Map<string, Channel>; checks: Map<string, RuleCheck>; mediaById: Map<string, Media> }) {
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

export function FollowUpMessage({ error, channelsPath, saved }: { error: unknown; channelsPath: string; saved: string }) {
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

export function SubmitError({ error, channelsPath, byId }: { error: unknown; channelsPath: string; byId: Map<string, Channel> }) {
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

/** The channels a post goes to, as toggles (avatar, full name on hover, platform). */
export function ChannelPicker({ available, selected, locked, channelsPath, onToggle }: { available: Channel[]; selected: string[]; locked: boolean; channelsPath: string; onToggle: (id: string) => void }) {
  return (
      <Card aria-labelledby="compose-channels">
        <CardHeader id="compose-channels" title="Post to" description="Pick the channels this post goes to." />
        <CardBody>
          {available.length === 0 ? (
            <div className="flex flex-col items-start gap-3 rounded-lg border border-dashed border-zinc-300 px-4 py-5 sm:flex-row sm:items-center">
              <Radio className="size-5 text-zinc-400" aria-hidden />
              <p className="flex-1 text-sm text-zinc-600">This workspace has no channels yet. Add a sandbox channel to practise publishing.</p>
              <ButtonLink to={channelsPath} variant="secondary" size="sm">
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
                      onClick={() => onToggle(channel.id)}
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
                        <ChannelName name={channel.name} className="max-w-44 text-sm font-medium text-zinc-900" />
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
  );
}
