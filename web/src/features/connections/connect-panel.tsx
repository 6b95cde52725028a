import { useQuery } from '@tanstack/react-query';
import { clsx } from 'clsx';
import { ArrowUpRight, Plus } from 'lucide-react';
import { useId } from 'react';
import { describeError } from '../../api/errors';
import type { Platform, PlatformInfo } from '../../api/types';
import { Alert } from '../../components/alert';
import { Card, CardHeader } from '../../components/card';
import { Skeleton, Spinner } from '../../components/spinner';
import { PlatformMark, platformName } from '../channels/platform';
import { platformsQuery, useStartConnection } from './queries';

/** The order people expect to find networks in; the sandbox, a practice ground, comes last. */
const ORDER: Platform[] = ['facebook', 'instagram', 'tiktok', 'x', 'linkedin', 'sandbox'];

const rank = (platform: Platform) => {
  const index = ORDER.indexOf(platform);
  return index === -1 ? ORDER.length : index;
};

/**
 * "Connect a channel": one button per platform. A connectable platform sends the browser to its consent
 * page; one this server cannot connect is disabled with the server's reason; the sandbox opens its dialog.
 */
export function ConnectPanel({ workspaceId, onAddSandbox }: { workspaceId: string; onAddSandbox: () => void }) {
  const platforms = useQuery(platformsQuery);
  const start = useStartConnection(workspaceId);

  return (
    <Card aria-labelledby="connect-heading" data-testid="connect-panel">
      <CardHeader id="connect-heading" title="Connect a channel" description="Sign in to a network to let Herald publish to your pages and profiles there. You choose which accounts to add." />
      <div className="p-5">
        {platforms.isPending ? (
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" role="status" aria-label="Loading platforms">
            {ORDER.map((platform) => (
              <Skeleton key={platform} className="h-16 rounded-xl" />
            ))}
          </div>
        ) : platforms.isError ? (
          <Alert tone="error">{describeError(platforms.error)}</Alert>
        ) : (
          <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {[...platforms.data]
              .sort((a, b) => rank(a.platform) - rank(b.platform))
              .map((info) => (
                <li key={info.platform}>
                  <PlatformButton
                    info={info}
                    busy={start.isPending && start.variables === info.platform}
                    disabled={start.isPending}
                    onConnect={() => (info.platform === 'sandbox' ? onAddSandbox() : start.mutate(info.platform))}
                  />
                </li>
              ))}
          </ul>
        )}
        {start.isError ? (
          <Alert tone="error" className="mt-4">
            {describeError(start.error)}
          </Alert>
        ) : null}
      </div>
    </Card>
  );
}

function PlatformButton({ info, busy, disabled, onConnect }: { info: PlatformInfo; busy: boolean; disabled: boolean; onConnect: () => void }) {
  const reasonId = useId();
  const name = info.platform === 'sandbox' ? 'Sandbox' : platformName(info.platform);
  const hint = info.platform === 'sandbox' ? 'Practice channel, nothing leaves Herald' : info.connectable ? `Sign in with ${name}` : null;
  return (
    <div className="h-full">
      <button
        type="button"
        onClick={onConnect}
        disabled={!info.connectable || disabled}
        aria-describedby={info.reason ? reasonId : undefined}
        aria-busy={busy || undefined}
        data-testid="connect-platform"
        data-platform={info.platform}
        className={clsx(
          'flex h-full w-full items-start gap-3 rounded-xl px-3.5 py-3 text-left ring-1 transition-colors ring-inset',
          info.connectable ? 'bg-white ring-zinc-200 hover:bg-zinc-50 hover:ring-zinc-300 disabled:opacity-60' : 'cursor-not-allowed bg-zinc-50 ring-zinc-100',
        )}
      >
        <PlatformMark platform={info.platform} className={clsx('mt-0.5 size-8 text-xs ring-0', !info.connectable && 'opacity-40 grayscale')} />
        <span className="min-w-0 flex-1">
          <span className={clsx('flex items-center gap-1.5 text-sm font-medium', info.connectable ? 'text-zinc-900' : 'text-zinc-500')}>
            {info.platform === 'sandbox' ? `Add a sandbox channel` : `Connect ${name}`}
          </span>
          {hint ? <span className="mt-0.5 block text-xs text-zinc-500">{hint}</span> : null}
          {info.reason ? (
            <span id={reasonId} className="mt-0.5 block text-xs text-zinc-500" data-testid="connect-platform-reason">
              {info.reason}
            </span>
          ) : null}
        </span>
        {busy ? (
          <Spinner className="mt-1 size-4 text-brand-600" />
        ) : info.connectable ? (
          info.platform === 'sandbox' ? (
            <Plus className="mt-1 size-4 text-zinc-400" aria-hidden />
          ) : (
            <ArrowUpRight className="mt-1 size-4 text-zinc-400" aria-hidden />
          )
        ) : null}
      </button>
    </div>
  );
}
