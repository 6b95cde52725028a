import { clsx } from 'clsx';
import { Check } from 'lucide-react';
import { useState } from 'react';
import type { ConnectionAccount } from '../../api/types';
import { Avatar } from '../../components/avatar';
import { Badge } from '../../components/badge';
import { PlatformMark } from '../channels/platform';

const KIND_LABELS: Record<string, string> = {
  page: 'Page',
  profile: 'Profile',
  business: 'Business account',
  creator: 'Creator account',
  organization: 'Organization page',
  person: 'Personal profile',
};

/** "Page", "Business account"; an unknown kind from a newer server reads as itself. */
export const accountKindLabel = (kind: string) => KIND_LABELS[kind] ?? kind.charAt(0).toUpperCase() + kind.slice(1).replace(/_/g, ' ');

/** The account's picture from the platform, or its initials when there is none (or it fails to load). */
function AccountAvatar({ account, platform }: { account: ConnectionAccount; platform: string }) {
  const [broken, setBroken] = useState(false);
  return (
    <span className="relative inline-flex size-10 shrink-0">
      {account.avatarUrl && !broken ? (
        <img src={account.avatarUrl} alt="" className="size-10 rounded-full object-cover" onError={() => setBroken(true)} referrerPolicy="no-referrer" />
      ) : (
        <Avatar name={account.name} seed={account.externalId} size="md" className="size-10" />
      )}
      <PlatformMark platform={platform} className="absolute -right-1 -bottom-1 size-4 text-[8px]" />
    </span>
  );
}

interface AccountPickerProps {
  platform: string;
  accounts: ConnectionAccount[];
  selected: ReadonlySet<string>;
  onToggle: (externalId: string) => void;
  disabled?: boolean;
}

/** One checkbox row per account the sign-in returned; an account that already is a channel reads "reconnect". */
export function AccountPicker({ platform, accounts, selected, onToggle, disabled = false }: AccountPickerProps) {
  return (
    <ul className="divide-y divide-zinc-100" data-testid="account-list">
      {accounts.map((account) => {
        const checked = selected.has(account.externalId);
        const reconnect = account.channelId !== null;
        return (
          <li key={account.externalId}>
            <label
              className={clsx('flex cursor-pointer items-center gap-3 px-5 py-3.5 transition-colors', checked ? 'bg-brand-50/50' : 'hover:bg-zinc-50', disabled && 'cursor-not-allowed opacity-70')}
              data-testid="account-option"
              data-external-id={account.externalId}
              data-reconnect={reconnect || undefined}
            >
              <input type="checkbox" className="peer sr-only" checked={checked} onChange={() => onToggle(account.externalId)} disabled={disabled} />
              <span
                aria-hidden
                className={clsx(
                  'flex size-5 shrink-0 items-center justify-center rounded-md ring-1 ring-inset transition-colors peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-brand-600',
                  checked ? 'bg-brand-600 ring-brand-600' : 'bg-white ring-zinc-300',
                )}
              >
                {checked ? <Check className="size-3.5 text-white" strokeWidth={3} /> : null}
              </span>
              <AccountAvatar account={account} platform={platform} />
              <span className="min-w-0 flex-1">
                <span className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
                  <span className="truncate font-medium text-zinc-900" data-testid="account-name">
                    {account.name}
                  </span>
                  {account.username ? <span className="truncate text-zinc-500">@{account.username}</span> : null}
                </span>
                <span className="mt-1 flex flex-wrap items-center gap-1.5">
                  <Badge>{accountKindLabel(account.kind)}</Badge>
                  {reconnect ? (
                    <Badge tone={account.channelStatus === 'needs_reauth' ? 'amber' : 'brand'}>
                      <span data-testid="account-reconnect">Already connected · reconnect</span>
                    </Badge>
                  ) : null}
                </span>
              </span>
            </label>
          </li>
        );
      })}
    </ul>
  );
}
