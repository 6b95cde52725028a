/**
 * How each network frames a post's media in the feed, so the composer's preview crops as the network
 * will. Ratios are width / height. From the networks' published display sizes (see
 * shared/reference/platform-contracts.md for the upload rules; display is what their feeds do):
 * - Instagram feed: one frame for the whole post, set by the first item, between 4:5 and 1.91:1
 *   (a square stays square); a carousel shows one item at a time; Reels show at 4:5 in the feed.
 * - X: the media of a post fill one 16:9 box in the timeline (one image, or a grid of 2–4).
 * - Facebook, LinkedIn: one image at its own ratio between 4:5 and 1.91:1; several as a square grid.
 * - TikTok: full-screen 9:16; photos are letterboxed (shown whole on black), videos fill it.
 */
export interface MediaFacts {
  kind: string;
  width?: number | null;
  height?: number | null;
}

export interface PreviewFrame {
  /** Width / height of the box the media are shown in. */
  aspect: number;
  /** `cover` crops to the box; `contain` shows the whole item with bars. */
  fit: 'cover' | 'contain';
  /** `grid` lays up to four items out in the box; `carousel` shows the first with a counter. */
  layout: 'grid' | 'carousel';
  /** How the network names this framing, for the preview's caption ("Square 1:1"). */
  label: string;
}

const PORTRAIT = 4 / 5;
const LANDSCAPE = 1.91;

const natural = (item: MediaFacts | undefined): number | null => (item?.width && item.height ? item.width / item.height : null);
const clamp = (ratio: number, min: number, max: number) => Math.min(max, Math.max(min, ratio));

/** "4:5", "1:1", "16:9", "1.91:1" for the ratios the networks use; else a rounded "1.33:1". */
export function ratioLabel(ratio: number): string {
  const known: [number, string][] = [
    [1, '1:1'],
    [4 / 5, '4:5'],
    [16 / 9, '16:9'],
    [9 / 16, '9:16'],
    [1.91, '1.91:1'],
    [4 / 3, '4:3'],
  ];
  const hit = known.find(([value]) => Math.abs(value - ratio) < 0.01);
  return hit ? hit[1] : ratio >= 1 ? `${ratio.toFixed(2)}:1` : `1:${(1 / ratio).toFixed(2)}`;
}

export function previewFrame(platform: string, media: readonly MediaFacts[]): PreviewFrame {
  const first = media[0];
  const own = natural(first);
  switch (platform) {
    case 'instagram': {
      const aspect = first?.kind === 'video' ? PORTRAIT : clamp(own ?? 1, PORTRAIT, LANDSCAPE);
      return { aspect, fit: 'cover', layout: media.length > 1 ? 'carousel' : 'grid', label: `Feed ${ratioLabel(aspect)}` };
    }
    case 'x':
      return { aspect: 16 / 9, fit: 'cover', layout: 'grid', label: 'Timeline 16:9' };
    case 'tiktok':
      return { aspect: 9 / 16, fit: first?.kind === 'video' ? 'cover' : 'contain', layout: media.length > 1 ? 'carousel' : 'grid', label: 'Full screen 9:16' };
    case 'facebook':
    case 'linkedin': {
      const aspect = media.length > 1 ? 1 : clamp(own ?? 1, PORTRAIT, LANDSCAPE);
      return { aspect, fit: 'cover', layout: 'grid', label: `Feed ${ratioLabel(aspect)}` };
    }
    default: {
      // The sandbox shows media as they are (within reason).
      const aspect = media.length > 1 ? 1 : clamp(own ?? 4 / 3, 1 / 2, 2);
      return { aspect, fit: 'cover', layout: 'grid', label: `As uploaded ${ratioLabel(aspect)}` };
    }
  }
}
