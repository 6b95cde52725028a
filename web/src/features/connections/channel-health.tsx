import { clsx } from 'clsx';
import type { ChannelHealth } from '../../api/types';
import { Badge } from '../../components/badge';
import { formatDateTime } from '../../lib/format';

const DAY_MS = 24 * 3600 * 1000;

type Tone = 'green' | 'amber' | 'red';

/** What a channel's token state means for the person looking at it, in a few words. */
export function describeHealth(health: ChannelHealth, now = Date.now()): { label: string; tone: Tone; detail: string | null } {
  const expiresAt = health.tokenExpiresAt;
  switch (health.tokenState) {
    case 'valid':
      return { label: 'Connected', tone: 'green', detail: expiresAt ? `Access valid until ${formatDateTime(expiresAt)}.` : null };
    case 'no_expiry':
      return { label: 'Connected', tone: 'green', detail: null };
    case 'expiring': {
      // Short-lived tokens (X's last two hours) are routine when Herald can renew them itself.
      if (health.canRefresh) return { label: 'Connected', tone: 'green', detail: 'Access renews automatically.' };
      const days = expiresAt ? Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / DAY_MS)) : 0;
      const label = days <= 1 ? 'Expires within a day' : `Expires in ${days} days`;
      return { label, tone: 'amber', detail: `Reconnect it${expiresAt ? ` before ${formatDateTime(expiresAt)}` : ' soon'} to keep publishing.` };
    }
    case 'expired':
      return health.canRefresh
        ? { label: 'Renewing access', tone: 'amber', detail: 'Herald renews it before the next post.' }
        : { label: 'Access expired', tone: 'red', detail: 'Reconnect this channel to keep publishing.' };
    case 'needs_reauth':
      return {
        label: 'Needs reconnect',
        tone: 'red',
        detail: `${health.statusReason ?? 'The platform no longer accepts Herald’s access.'} Until you reconnect, its posts wait and their figures stop updating.`,
      };
  }
}

/** A channel needs the person to sign in to its platform again (Herald cannot renew it alone). */
export const needsReconnect = (health: ChannelHealth | undefined) =>
  health !== undefined && (health.tokenState === 'needs_reauth' || health.status === 'needs_reauth' || (health.tokenState === 'expired' && !health.canRefresh));

const DOTS: Record<Tone, string> = { green: 'bg-emerald-500', amber: 'bg-amber-500', red: 'bg-red-500' };

/** The channel's health as a badge: connected, "Expires in 5 days", "Needs reconnect". */
export function ChannelHealthBadge({ health }: { health: ChannelHealth }) {
  const { label, tone } = describeHealth(health);
  return (
    <span data-testid="channel-health" data-token-state={health.tokenState}>
      <Badge tone={tone} className="gap-1.5">
        <span className={clsx('size-1.5 rounded-full', DOTS[tone])} aria-hidden />
        {label}
      </Badge>
    </span>
  );
}
