import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { clsx } from 'clsx';
import { CalendarClock, ChevronDown, FlaskConical, MoreHorizontal, Pencil, Plus, Radio, RefreshCw, Rss, Unplug } from 'lucide-react';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api, call } from '../api/client';
import { ApiError, describeError } from '../api/errors';
import type { Channel, ChannelHealth } from '../api/types';
import { Alert } from '../components/alert';
import { Button, ButtonLink } from '../components/button';
import { Card, CardHeader } from '../components/card';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Dialog, DialogActions } from '../components/dialog';
import { EmptyState } from '../components/empty-state';
import { Input } from '../components/field';
import { Menu, MenuItem } from '../components/menu';
import { PageHeader } from '../components/page-header';
import { ListSkeleton } from '../components/spinner';
import { useToast } from '../components/toast';
import { ChannelAvatar, ChannelName, ChannelStatusBadge, PlatformBadge } from '../features/channels/platform';
import { channelsQuery } from '../features/channels/queries';
import { SlotsEditor, slotsSummary } from '../features/channels/slots-editor';
import { ChannelHealthBadge, describeHealth, needsReconnect } from '../features/connections/channel-health';
import { ConnectPanel } from '../features/connections/connect-panel';
import { channelHealthQuery, useStartConnection } from '../features/connections/queries';
import { useCurrentOrg } from '../features/orgs/org-context';
import { useCurrentWorkspace } from '../features/workspaces/workspace-context';
import { formatDate } from '../lib/format';
import { zoneLabel } from '../lib/zoned-time';

/** What the account picker leaves for this page after connecting: the names of the channels it added. */
export interface ChannelsPageState {
  connected?: string[];
}

/**
 * The workspace's social channels: connect a network (or add a sandbox channel), each channel's health
 * with a reconnect when it needs one, rename, disconnect, weekly posting slots.
 */
export function ChannelsPage() {
  const workspace = useCurrentWorkspace();
  const { can } = useCurrentOrg();
  const canManage = can('channels.manage');
  const [showDisconnected, setShowDisconnected] = useState(false);
  const [adding, setAdding] = useState(false);
  const channels = useQuery(channelsQuery(workspace.id, showDisconnected));
  const health = useQuery(channelHealthQuery(workspace.id));
  const zone = zoneLabel(workspace.timezone);
  const location = useLocation();
  const navigate = useNavigate();
  const connected = (location.state as ChannelsPageState | null)?.connected ?? [];

  const addButton = (
    <Button icon={Plus} onClick={() => setAdding(true)} data-testid="add-sandbox-channel">
      Add sandbox channel
    </Button>
  );

  return (
    <>
      <PageHeader
        eyebrow={workspace.name}
        title="Channels"
        description="The accounts this brand publishes to, and the weekly posting slots its queue fills."
        actions={canManage && (channels.data?.length ?? 0) > 0 ? addButton : null}
      />
      <div className="space-y-6">
        {connected.length > 0 ? (
          <Alert
            tone="success"
            title={connected.length === 1 ? `${connected[0]} is connected` : `${connected.length} channels connected`}
            action={
              <Button variant="ghost" size="sm" onClick={() => void navigate(location.pathname, { replace: true, state: null })}>
                Dismiss
              </Button>
            }
          >
            <span data-testid="connect-success">
              {connected.length === 1 ? 'Herald can publish to it now.' : `Herald can publish to ${connected.join(', ')} now.`} Add posting slots below to let the queue fill them.
            </span>
          </Alert>
        ) : null}
        <Card aria-labelledby="channels-heading">
          <CardHeader
            id="channels-heading"
            title="Connected channels"
            description={`Posting times are in ${zone}.`}
            actions={
              <label className="flex items-center gap-2 text-sm text-zinc-600">
                <input type="checkbox" className="size-4 rounded border-zinc-300 accent-brand-600" checked={showDisconnected} onChange={(event) => setShowDisconnected(event.target.checked)} />
                Show disconnected
              </label>
            }
          />
          {channels.isPending ? (
            <ListSkeleton rows={2} />
          ) : channels.isError ? (
            <div className="p-5">
              <Alert tone="error">{describeError(channels.error)}</Alert>
            </div>
          ) : channels.data.length === 0 ? (
            <EmptyState
              icon={Radio}
              title="No channels yet"
              description={
                canManage
                  ? 'Connect a network below, or add a sandbox channel to try composing, scheduling and publishing without touching a real network.'
                  : 'An owner or admin of this organization can connect this brand’s channels.'
              }
              action={canManage ? addButton : undefined}
            />
          ) : (
            <ul className="divide-y divide-zinc-100" data-testid="channel-list">
              {channels.data.map((channel) => (
                <ChannelRow key={channel.id} channel={channel} health={health.data?.get(channel.id)} zone={zone} canManage={canManage} />
              ))}
            </ul>
          )}
        </Card>
        {canManage ? <ConnectPanel workspaceId={workspace.id} onAddSandbox={() => setAdding(true)} /> : null}
      </div>
      <AddSandboxDialog workspaceId={workspace.id} open={adding} onClose={() => setAdding(false)} />
    </>
  );
}

function ChannelRow({ channel, health, zone, canManage }: { channel: Channel; health: ChannelHealth | undefined; zone: string; canManage: boolean }) {
  const [editingSlots, setEditingSlots] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const [disconnecting, setDisconnecting] = useState(false);
  const queryClient = useQueryClient();
  const toast = useToast();
  const disconnected = channel.status === 'disconnected';
  const summary = slotsSummary(channel.slots);
  const slotsPanelId = `slots-${channel.id}`;
  const reconnect = useStartConnection(channel.workspaceId);
  const healthDetail = health && !disconnected ? describeHealth(health).detail : null;
  const canReconnect = canManage && !channel.isSandbox && !disconnected && needsReconnect(health);

  const disconnect = async () => {
    await call(api.DELETE('/api/v1/channels/{channelId}', { params: { path: { channelId: channel.id } } }));
    await queryClient.invalidateQueries({ queryKey: ['channels', channel.workspaceId] });
    toast.success(`${channel.name} was disconnected. Its post history is kept.`);
  };

  return (
    <li className="px-5 py-4" data-testid="channel-row" data-channel-id={channel.id} data-status={channel.status}>
      <div className="flex flex-wrap items-start gap-x-3 gap-y-3 sm:items-center">
        <div className="flex min-w-0 flex-1 items-center gap-3">
          <ChannelAvatar channel={channel} />
          <div className="min-w-0">
            <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-zinc-900">
              <span className="min-w-0 max-w-full" data-testid="channel-name">
                <ChannelName name={channel.name} />
              </span>
              <PlatformBadge platform={channel.platform} />
              {health && !disconnected ? <ChannelHealthBadge health={health} /> : <ChannelStatusBadge status={channel.status} />}
            </p>
            <p className="mt-0.5 truncate text-sm text-zinc-500">
              {disconnected ? `Connected ${formatDate(channel.createdAt)} · history kept` : summary ? <span title={summary}>{summary}</span> : 'No posting slots yet'}
            </p>
            {healthDetail ? (
              <p className={clsx('mt-0.5 text-sm', needsReconnect(health) ? 'text-red-700' : 'text-zinc-500')} data-testid="channel-health-detail">
                {healthDetail}
              </p>
            ) : channel.statusReason && channel.status !== 'active' ? (
              <p className="mt-0.5 text-sm text-amber-700">{channel.statusReason}</p>
            ) : null}
            {reconnect.isError ? <p className="mt-0.5 text-sm text-red-700">{describeError(reconnect.error)}</p> : null}
          </div>
        </div>
        {/* On phones the actions take their own line under the name; the menu stays top right. */}
        <div className="order-last flex w-full flex-wrap items-center gap-2 sm:order-none sm:w-auto">
          {canReconnect ? (
            <Button size="sm" icon={RefreshCw} loading={reconnect.isPending} onClick={() => reconnect.mutate(channel.platform)} data-testid="channel-reconnect">
              Reconnect
            </Button>
          ) : null}
          {channel.isSandbox ? (
            <ButtonLink to={`/sandbox/${channel.id}`} variant="ghost" size="sm" icon={Rss} data-testid="channel-feed">
              Sandbox feed
            </ButtonLink>
          ) : null}
          {!disconnected ? (
            <Button variant="secondary" size="sm" icon={CalendarClock} onClick={() => setEditingSlots((open) => !open)} aria-expanded={editingSlots} aria-controls={slotsPanelId} data-testid="channel-slots">
              Posting slots
              <ChevronDown className={`size-4 transition-transform ${editingSlots ? 'rotate-180' : ''}`} aria-hidden />
            </Button>
          ) : null}
        </div>
        {canManage && !disconnected ? (
          <Menu
            align="end"
            triggerClassName="inline-flex size-8 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900"
            triggerProps={{ 'aria-label': `More actions for ${channel.name}`, 'data-testid': 'channel-menu' }}
            trigger={<MoreHorizontal className="size-5" aria-hidden />}
          >
            <MenuItem icon={Pencil} onClick={() => setRenaming(true)} data-testid="channel-rename">
              Rename
            </MenuItem>
            <MenuItem icon={Unplug} onClick={() => setDisconnecting(true)} data-testid="channel-disconnect">
              Disconnect
            </MenuItem>
          </Menu>
        ) : null}
      </div>
      {editingSlots ? (
        <div id={slotsPanelId} className="mt-4 rounded-xl bg-zinc-50/80 p-4 ring-1 ring-zinc-100">
          <SlotsEditor key={JSON.stringify(channel.slots)} channel={channel} zoneLabel={zone} canEdit={canManage} />
        </div>
      ) : null}
      <RenameDialog channel={channel} open={renaming} onClose={() => setRenaming(false)} />
      <ConfirmDialog open={disconnecting} onClose={() => setDisconnecting(false)} title={`Disconnect ${channel.name}?`} confirmLabel="Disconnect" onConfirm={disconnect}>
        Herald stops publishing to this channel and forgets its posting slots. Posts already published, and their history, are kept.
      </ConfirmDialog>
    </li>
  );
}

function AddSandboxDialog({ workspaceId, open, onClose }: { workspaceId: string; open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Add a sandbox channel" description="A practice channel: it publishes into Herald’s own sandbox feed. Nothing goes to a real network.">
      <AddSandboxForm workspaceId={workspaceId} onDone={onClose} />
    </Dialog>
  );
}

function AddSandboxForm({ workspaceId, onDone }: { workspaceId: string; onDone: () => void }) {
  const [name, setName] = useState('');
  const queryClient = useQueryClient();
  const toast = useToast();
  const create = useMutation({
    mutationFn: () => call(api.POST('/api/v1/workspaces/{workspaceId}/channels/sandbox', { params: { path: { workspaceId } }, body: { name: name.trim() } })),
    onSuccess: async (channel) => {
      await queryClient.invalidateQueries({ queryKey: ['channels', workspaceId] });
      toast.success(`Sandbox channel “${channel.name}” added.`);
      onDone();
    },
  });
  const fieldError = create.error instanceof ApiError ? create.error.fieldError('name') : undefined;
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (name.trim()) create.mutate();
      }}
    >
      <div className="mb-4 flex items-center gap-3 rounded-lg bg-amber-50 px-3 py-2.5 text-sm text-amber-900 ring-1 ring-amber-200">
        <FlaskConical className="size-4 shrink-0 text-amber-600" aria-hidden />
        Sandbox · practice channel
      </div>
      <Input
        label="Channel name"
        placeholder="e.g. Practice feed"
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={fieldError}
        maxLength={100}
        required
        autoFocus
        data-testid="sandbox-channel-name"
      />
      {create.error && !fieldError ? (
        <Alert tone="error" className="mt-4">
          {describeError(create.error)}
        </Alert>
      ) : null}
      <DialogActions>
        <Button variant="secondary" onClick={onDone} disabled={create.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={create.isPending} disabled={name.trim() === ''} data-testid="sandbox-channel-submit">
          Add channel
        </Button>
      </DialogActions>
    </form>
  );
}

function RenameDialog({ channel, open, onClose }: { channel: Channel; open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Rename channel" size="sm">
      <RenameForm channel={channel} onDone={onClose} />
    </Dialog>
  );
}

function RenameForm({ channel, onDone }: { channel: Channel; onDone: () => void }) {
  const [name, setName] = useState(channel.name);
  const queryClient = useQueryClient();
  const toast = useToast();
  const rename = useMutation({
    mutationFn: () => call(api.PATCH('/api/v1/channels/{channelId}', { params: { path: { channelId: channel.id } }, body: { name: name.trim() } })),
    onSuccess: async (updated) => {
      queryClient.setQueryData(['channel', updated.id], updated);
      await queryClient.invalidateQueries({ queryKey: ['channels', channel.workspaceId] });
      toast.success(`Channel renamed to “${updated.name}”.`);
      onDone();
    },
  });
  const fieldError = rename.error instanceof ApiError ? rename.error.fieldError('name') : undefined;
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (name.trim()) rename.mutate();
      }}
    >
      <Input label="Channel name" value={name} onChange={(event) => setName(event.target.value)} error={fieldError} maxLength={100} required autoFocus data-testid="channel-rename-name" />
      {rename.error && !fieldError ? (
        <Alert tone="error" className="mt-4">
          {describeError(rename.error)}
        </Alert>
      ) : null}
      <DialogActions>
        <Button variant="secondary" onClick={onDone} disabled={rename.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={rename.isPending} disabled={name.trim() === '' || name.trim() === channel.name} data-testid="channel-rename-submit">
          Save
        </Button>
      </DialogActions>
    </form>
  );
}
