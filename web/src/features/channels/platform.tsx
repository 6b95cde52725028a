import { clsx } from 'clsx';
import { FlaskConical } from 'lucide-react';
import { useState } from 'react';
import type { Channel, ChannelStatus } from '../../api/types';
import { Avatar } from '../../components/avatar';
import { Badge } from '../../components/badge';

export const PLATFORM_NAMES: Record<string, string> = {
  sandbox: 'Sandbox',
  facebook: 'Facebook',
  instagram: 'Instagram',
  tiktok: 'TikTok',
  x: 'X',
  linkedin: 'LinkedIn',
};

/** "Instagram"; the sandbox is always called out as a practice channel. */
export const platformName = (platform: string) => PLATFORM_NAMES[platform] ?? platform.charAt(0).toUpperCase() + platform.slice(1);

/** How a channel's network is named everywhere: "Sandbox · practice channel", "Instagram". */
export const platformLabel = (platform: string) => (platform === 'sandbox' ? 'Sandbox · practice channel' : platformName(platform));

const PLATFORM_COLORS: Record<string, string> = {
  sandbox: 'bg-amber-500',
  facebook: 'bg-[#1877f2]',
  instagram: 'bg-gradient-to-br from-[#f58529] via-[#dd2a7b] to-[#8134af]',
  tiktok: 'bg-zinc-900',
  x: 'bg-zinc-950',
  linkedin: 'bg-[#0a66c2]',
};

const PLATFORM_LETTERS: Record<string, string> = { facebook: 'f', instagram: 'IG', tiktok: 'TT', x: '𝕏', linkedin: 'in' };

/** A small round mark for a network (the sandbox gets a flask: it's a practice ground). */
export function PlatformMark({ platform, className }: { platform: string; className?: string }) {
  return (
    <span
      aria-hidden
      className={clsx('inline-flex shrink-0 items-center justify-center rounded-full font-bold text-white ring-2 ring-white', PLATFORM_COLORS[platform] ?? 'bg-zinc-500', className ?? 'size-4 text-[8px]')}
    >
      {platform === 'sandbox' ? <FlaskConical className="size-[70%]" strokeWidth={2.5} /> : (PLATFORM_LETTERS[platform] ?? platform.charAt(0).toUpperCase())}
    </span>
  );
}

interface ChannelLike {
  id: string;
  name: string;
  platform: string;
  avatarUrl?: string | null;
}

/** The channel's picture (or initials, also when the platform's picture fails to load) with its network's mark in the corner. */
export function ChannelAvatar({ channel, size = 'md' }: { channel: ChannelLike; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  const box = size === 'xs' ? 'size-5 text-[9px]' : size === 'sm' ? 'size-8' : size === 'lg' ? 'size-12' : 'size-9';
  const [brokenUrl, setBrokenUrl] = useState<string | null>(null);
  return (
    <span className={clsx('relative inline-flex shrink-0', box)}>
      {channel.avatarUrl && channel.avatarUrl !== brokenUrl ? (
        <img src={channel.avatarUrl} alt="" className={clsx('rounded-full object-cover', box)} referrerPolicy="no-referrer" onError={() => setBrokenUrl(channel.avatarUrl ?? null)} />
      ) : (
        <Avatar name={channel.name} seed={channel.id} size={size} className={box} />
      )}
      <PlatformMark platform={channel.platform} className={clsx('absolute', size === 'xs' ? '-right-0.5 -bottom-0.5 size-2.5 text-[5px] ring-1' : '-right-1 -bottom-1', size === 'lg' ? 'size-5 text-[9px]' : size === 'xs' ? '' : 'size-4 text-[8px]')} />
    </span>
  );
}

/** "Sandbox · practice channel" in amber; other networks as a neutral label. */
export function PlatformBadge({ platform }: { platform: string }) {
  return platform === 'sandbox' ? (
    <Badge tone="amber" className="gap-1">
      <FlaskConical className="size-3" aria-hidden />
      Sandbox · practice channel
    </Badge>
  ) : (
    <Badge>{platformName(platform)}</Badge>
  );
}

const STATUS: Record<ChannelStatus, { label: string; tone: 'green' | 'amber' | 'neutral' }> = {
  active: { label: 'Connected', tone: 'green' },
  needs_reauth: { label: 'Needs reconnecting', tone: 'amber' },
  disconnected: { label: 'Disconnected', tone: 'neutral' },
};

export function ChannelStatusBadge({ status }: { status: ChannelStatus }) {
  const { label, tone } = STATUS[status];
  return (
    <Badge tone={tone} className="gap-1.5">
      <span className={clsx('size-1.5 rounded-full', tone === 'green' ? 'bg-emerald-500' : tone === 'amber' ? 'bg-amber-500' : 'bg-zinc-400')} aria-hidden />
      {label}
    </Badge>
  );
}

/** A channel's name with its network, for sentences and lists: "Main feed (Sandbox · practice channel)". */
export const channelTitle = (channel: Pick<Channel, 'name' | 'platform'>) => `${channel.name} (${platformLabel(channel.platform)})`;

/** How many trailing characters stay visible when a name is cut in the middle. */
const TAIL = 10;

/**
 * A channel's name that stays tellable apart when space is short: cut in the middle ("Acme Pra…
 * Fitness Pune"), so names that share a prefix keep their distinct ends; the full name shows on hover.
 */
export function ChannelName({ name, className }: { name: string; className?: string }) {
  const chars = [...name];
  if (chars.length <= TAIL + 4) {
    return (
      <span className={clsx('block truncate', className)} title={name}>
        {name}
      </span>
    );
  }
  const head = chars.slice(0, chars.length - TAIL).join('');
  const tail = chars.slice(chars.length - TAIL).join('');
  return (
    <span className={clsx('flex min-w-0', className)} title={name}>
      {/* The two parts read as the whole name: head + tail === name. */}
      <span className="truncate">{head}</span>
      <span className="shrink-0 whitespace-pre">{tail}</span>
    </span>
  );
}
