import { clsx } from 'clsx';
import { Film, ImageOff, Play } from 'lucide-react';
import { useState } from 'react';
import type { Media } from '../../api/types';

function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** A square (or given-shape) preview of an image or video; videos get a play mark and their length. */
export function MediaThumb({ media, className, fit = 'cover' }: { media: Media; className?: string; fit?: 'cover' | 'contain' }) {
  const [broken, setBroken] = useState(false);
  const src = media.thumbnailUrl ?? (media.kind === 'image' ? media.url : null);
  return (
    <div className={clsx('relative overflow-hidden bg-zinc-100', className)}>
      {broken ? (
        <div className="flex size-full items-center justify-center text-zinc-400">
          <ImageOff className="size-6" aria-hidden />
        </div>
      ) : src ? (
        <img src={src} alt={media.altText} loading="lazy" className={clsx('size-full', fit === 'cover' ? 'object-cover' : 'object-contain')} onError={() => setBroken(true)} />
      ) : (
        <video src={media.url} muted playsInline preload="metadata" className={clsx('size-full', fit === 'cover' ? 'object-cover' : 'object-contain')} aria-label={media.altText || media.filename} />
      )}
      {media.kind === 'video' ? (
        <span className="absolute bottom-1.5 left-1.5 inline-flex items-center gap-1 rounded bg-zinc-900/75 px-1.5 py-0.5 text-[11px] font-medium text-white">
          {src ? <Play className="size-3 fill-current" aria-hidden /> : <Film className="size-3" aria-hidden />}
          {media.durationSeconds ? formatDuration(media.durationSeconds) : 'Video'}
        </span>
      ) : media.animated ? (
        <span className="absolute bottom-1.5 left-1.5 rounded bg-zinc-900/75 px-1.5 py-0.5 text-[11px] font-semibold text-white">GIF</span>
      ) : null}
    </div>
  );
}
