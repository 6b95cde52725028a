import { clsx } from 'clsx';
import { Heart, ImageOff, MessageCircle, Repeat2, Send } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { ChannelAvatar, platformLabel } from '../channels/platform';
import { previewFrame, type PreviewFrame } from './preview-frames';

export interface PreviewMedia {
  id: string;
  kind: string;
  url: string;
  thumbnailUrl?: string | null;
  altText?: string;
  width?: number | null;
  height?: number | null;
}

/** Text with its line breaks, and hashtags, mentions and links picked out as a network shows them. */
export function RichText({ text, className }: { text: string; className?: string }) {
  const parts: ReactNode[] = [];
  const pattern = /(https?:\/\/[^\s]+|#[\p{L}\p{N}_]+|@[\w.]+)/gu;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const index = match.index;
    if (index > last) parts.push(text.slice(last, index));
    parts.push(
      <span key={index} className="text-brand-700">
        {match[0]}
      </span>,
    );
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <p className={clsx('break-words whitespace-pre-wrap', className)}>{parts}</p>;
}

/** Up to four media in the grid networks use: one large, two side by side, three as one + two, four as 2×2 ("+N" on the last). */
export function MediaGrid({ media, className }: { media: readonly PreviewMedia[]; className?: string }) {
  if (media.length === 0) return null;
  const shown = media.slice(0, 4);
  const extra = media.length - shown.length;
  return (
    <div className={clsx('grid gap-0.5 overflow-hidden rounded-xl bg-zinc-100', shown.length === 1 ? 'grid-cols-1' : 'grid-cols-2', className)}>
      {shown.map((item, index) => (
        <div
          key={`${item.id}-${index}`}
          className={clsx('relative bg-zinc-200', shown.length === 1 ? 'aspect-[4/3]' : shown.length === 3 && index === 0 ? 'row-span-2 aspect-auto h-full' : 'aspect-square')}
        >
          <GridMedia item={item} />
          {item.kind === 'video' ? <span className="absolute bottom-1.5 left-1.5 rounded bg-zinc-900/75 px-1.5 py-0.5 text-[11px] font-medium text-white">Video</span> : null}
          {extra > 0 && index === shown.length - 1 ? (
            <span className="absolute inset-0 flex items-center justify-center bg-zinc-900/55 text-xl font-semibold text-white">+{extra}</span>
          ) : null}
        </div>
      ))}
    </div>
  );
}

/** The media in a network's own frame (see preview-frames.ts): its crop, its grid or carousel. */
export function FramedMedia({ media, frame, className }: { media: readonly PreviewMedia[]; frame: PreviewFrame; className?: string }) {
  if (media.length === 0) return null;
  const shown = frame.layout === 'carousel' ? media.slice(0, 1) : media.slice(0, 4);
  const extra = frame.layout === 'grid' ? media.length - shown.length : 0;
  return (
    <figure className={className}>
      <div
        className={clsx('relative grid gap-0.5 overflow-hidden rounded-xl', frame.fit === 'contain' ? 'bg-zinc-950' : 'bg-zinc-100', shown.length === 1 ? 'grid-cols-1' : 'grid-cols-2', shown.length > 2 ? 'grid-rows-2' : 'grid-rows-1')}
        style={{ aspectRatio: String(frame.aspect) }}
        data-testid="preview-frame"
        data-aspect={frame.aspect.toFixed(3)}
      >
        {shown.map((item, index) => (
          <div key={`${item.id}-${index}`} className={clsx('relative min-h-0', shown.length === 3 && index === 0 && 'row-span-2')}>
            <GridMedia item={item} fit={frame.fit} />
            {item.kind === 'video' ? <span className="absolute bottom-1.5 left-1.5 rounded bg-zinc-900/75 px-1.5 py-0.5 text-[11px] font-medium text-white">Video</span> : null}
            {extra > 0 && index === shown.length - 1 ? <span className="absolute inset-0 flex items-center justify-center bg-zinc-900/55 text-xl font-semibold text-white">+{extra}</span> : null}
          </div>
        ))}
        {frame.layout === 'carousel' ? <span className="absolute top-2 right-2 rounded-full bg-zinc-900/70 px-2 py-0.5 text-[11px] font-medium text-white">1/{media.length}</span> : null}
      </div>
      <figcaption className="mt-1 text-right text-[11px] text-zinc-400">{frame.label}</figcaption>
    </figure>
  );
}

/** One cell's image or video; a link that no longer works (signed URLs expire) becomes a quiet placeholder. */
function GridMedia({ item, fit = 'cover' }: { item: PreviewMedia; fit?: 'cover' | 'contain' }) {
  const [broken, setBroken] = useState(false);
  if (broken) {
    return (
      <span className="absolute inset-0 flex flex-col items-center justify-center gap-1 bg-zinc-100 text-xs text-zinc-400">
        <ImageOff className="size-5" aria-hidden />
        Media unavailable
      </span>
    );
  }
  return item.kind === 'video' && !item.thumbnailUrl ? (
    <video src={item.url} muted playsInline preload="metadata" className={clsx('absolute inset-0 size-full', fit === 'contain' ? 'object-contain' : 'object-cover')} aria-label={item.altText || 'Video'} onError={() => setBroken(true)} />
  ) : (
    <img src={item.thumbnailUrl ?? item.url} alt={item.altText ?? ''} loading="lazy" className={clsx('absolute inset-0 size-full', fit === 'contain' ? 'object-contain' : 'object-cover')} onError={() => setBroken(true)} />
  );
}

interface PostPreviewProps {
  channel: { id: string; name: string; platform: string; username?: string | null; avatarUrl?: string | null };
  text: string;
  media: readonly PreviewMedia[];
  /** "Just now", "Tue 9:30 AM"… */
  when: string;
  className?: string;
}

/** Feeds fold long text behind "more"; the preview does too, so a long post keeps the page short. */
const FOLD_LINES = 8;
const FOLD_CHARS = 480;

function PreviewText({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const long = text.split('\n').length > FOLD_LINES || text.length > FOLD_CHARS;
  return (
    <div className="mt-3">
      <RichText text={text} className={clsx('text-[15px] leading-relaxed text-zinc-900', long && !open && 'line-clamp-8')} />
      {long ? (
        <button type="button" onClick={() => setOpen((v) => !v)} className="mt-1 text-sm font-medium text-zinc-500 hover:text-zinc-800" data-testid="preview-more">
          {open ? 'Show less' : '… more'}
        </button>
      ) : null}
    </div>
  );
}

/** How the post will look on the channel's network: name, text with its line breaks, media grid. */
export function PostPreview({ channel, text, media, when, className }: PostPreviewProps) {
  return (
    <article className={clsx('rounded-xl border border-zinc-200 bg-white p-4 shadow-xs', className)} data-testid="compose-preview" data-channel-id={channel.id}>
      <header className="flex items-center gap-3">
        <ChannelAvatar channel={channel} size="sm" />
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-semibold text-zinc-900" title={channel.name}>
            {channel.name}
          </p>
          <p className="truncate text-xs text-zinc-500">
            {channel.username ? `@${channel.username} · ` : ''}
            {platformLabel(channel.platform)} · {when}
          </p>
        </div>
      </header>
      {text.trim() ? <PreviewText text={text} /> : <p className="mt-3 text-sm text-zinc-400 italic">Your text will appear here.</p>}
      <FramedMedia media={media} frame={previewFrame(channel.platform, media)} className="mt-3" />
      <footer className="mt-3 flex items-center justify-between border-t border-zinc-100 pt-2.5 text-zinc-400" aria-hidden>
        <MessageCircle className="size-4" />
        <Repeat2 className="size-4" />
        <Heart className="size-4" />
        <Send className="size-4" />
      </footer>
    </article>
  );
}
