import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, Link2Off, RefreshCw } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { ApiError, describeError } from '../api/errors';
import type { Connection } from '../api/types';
import { Alert } from '../components/alert';
import { Button, ButtonLink } from '../components/button';
import { Card, CardFooter, CardHeader } from '../components/card';
import { PageHeader } from '../components/page-header';
import { PageLoader, Spinner } from '../components/spinner';
import { PlatformMark, platformName } from '../features/channels/platform';
import { AccountPicker } from '../features/connections/account-picker';
import { connectionQuery, isConnectionInFlight, useStartConnection } from '../features/connections/queries';
import { workspaceQuery } from '../features/workspaces/queries';
import { usePageTitle } from '../lib/page-title';
import { prefs } from '../lib/prefs';
import type { ChannelsPageState } from './channels-page';

/**
 * `/connections/:connectionId`: where the platform's sign-in comes back to. Shows progress while Herald
 * finishes it, what went wrong in plain words, or the accounts to turn into channels.
 */
export function ConnectionPage() {
  const { connectionId = '' } = useParams();
  const connection = useQuery(connectionQuery(connectionId));
  if (connection.isPending) return <PageLoader label="Loading the connection" />;
  if (connection.isError) {
    if (connection.error instanceof ApiError && [400, 403, 404].includes(connection.error.status)) {
      return (
        <ProblemPanel title="This connection link doesn’t work here" action={<LastChannelsLink />}>
          It may belong to someone else’s sign-in, or to an organization you’re not in. Start connecting again from your workspace’s channels page.
        </ProblemPanel>
      );
    }
    return <Alert tone="error">{describeError(connection.error)}</Alert>;
  }
  return <ConnectionView connection={connection.data} />;
}

function ConnectionView({ connection }: { connection: Connection }) {
  const workspace = useQuery(workspaceQuery(connection.workspaceId));
  const channelsPath = workspace.data ? `/orgs/${workspace.data.organizationId}/workspaces/${workspace.data.id}/channels` : null;
  const name = platformName(connection.platform);
  const eyebrow = workspace.data?.name ?? 'Channels';

  if (isConnectionInFlight(connection.status)) {
    return (
      <>
        <PageHeader eyebrow={eyebrow} title={`Connecting ${name}`} />
        <Card>
          <div className="flex flex-col items-center px-6 py-14 text-center" role="status" data-testid="connection-progress">
            <Spinner className="size-8 text-brand-600" />
            <h2 className="mt-5 text-base font-semibold text-zinc-900">{connection.status === 'pending' ? `Waiting for ${name} to confirm` : `Finishing the sign-in with ${name}`}</h2>
            <p className="mt-1.5 max-w-sm text-sm text-zinc-500">
              {connection.status === 'pending'
                ? `If you closed the ${name} window before allowing access, start again from the channels page.`
                : 'Herald is fetching the accounts this sign-in gives access to. This takes a few seconds.'}
            </p>
            {channelsPath ? (
              <ButtonLink to={channelsPath} variant="ghost" icon={ArrowLeft} className="mt-6">
                Back to channels
              </ButtonLink>
            ) : null}
          </div>
        </Card>
      </>
    );
  }

  if (connection.status === 'failed') {
    return (
      <>
        <PageHeader eyebrow={eyebrow} title={`${name} wasn’t connected`} />
        <FailedConnection connection={connection} channelsPath={channelsPath} />
      </>
    );
  }

  if (connection.status === 'completed') {
    return (
      <>
        <PageHeader eyebrow={eyebrow} title={`${name} is connected`} />
        <Alert tone="success" title="These accounts were already added" action={channelsPath ? <ButtonLink to={channelsPath}>Go to channels</ButtonLink> : undefined}>
          This sign-in has been used. To add more accounts, connect {name} again from the channels page.
        </Alert>
      </>
    );
  }

  return (
    <>
      <PageHeader eyebrow={eyebrow} title={`Choose ${name} accounts`} description={`Each account you choose becomes a channel of ${workspace.data?.name ?? 'this workspace'} that Herald can publish to.`} />
      <ChooseAccounts connection={connection} channelsPath={channelsPath} />
    </>
  );
}

function FailedConnection({ connection, channelsPath }: { connection: Connection; channelsPath: string | null }) {
  const retry = useStartConnection(connection.workspaceId);
  return (
    <div className="space-y-4" data-testid="connection-failed">
      <Alert
        tone="error"
        title="The sign-in didn’t go through"
        action={
          <div className="flex flex-wrap gap-2">
            <Button icon={RefreshCw} loading={retry.isPending} onClick={() => retry.mutate(connection.platform)} data-testid="connection-retry">
              Try again
            </Button>
            {channelsPath ? (
              <ButtonLink to={channelsPath} variant="secondary" icon={ArrowLeft} data-testid="connection-back">
                Back to channels
              </ButtonLink>
            ) : null}
          </div>
        }
      >
        <span data-testid="connection-error">{connection.error ?? `${platformName(connection.platform)} did not complete the sign-in.`}</span>
      </Alert>
      {retry.isError ? <Alert tone="error">{describeError(retry.error)}</Alert> : null}
    </div>
  );
}

/** Accounts preselected: the only one there is, and channels that are waiting to be reconnected. */
function initialChoice(connection: Connection): Set<string> {
  if (connection.accounts.length === 1) return new Set(connection.accounts.map((a) => a.externalId));
  return new Set(connection.accounts.filter((a) => a.channelStatus === 'needs_reauth').map((a) => a.externalId));
}

function ChooseAccounts({ connection, channelsPath }: { connection: Connection; channelsPath: string | null }) {
  const [selected, setSelected] = useState(() => initialChoice(connection));
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const complete = useMutation({
    mutationFn: () => call(api.POST('/api/v1/connections/{connectionId}/complete', { params: { path: { connectionId: connection.id } }, body: { externalIds: [...selected] } })),
    onSuccess: async (result) => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: ['channels', connection.workspaceId] }), queryClient.invalidateQueries({ queryKey: ['connection', connection.id] })]);
      const state: ChannelsPageState = { connected: result.items.map((channel) => channel.name) };
      if (channelsPath) await navigate(channelsPath, { state });
    },
  });
  const toggle = (externalId: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(externalId)) next.delete(externalId);
      else next.add(externalId);
      return next;
    });
  const count = selected.size;
  const reconnecting = connection.accounts.filter((a) => a.channelId !== null && selected.has(a.externalId)).length;

  return (
    <Card aria-labelledby="accounts-heading" data-testid="account-picker">
      <CardHeader
        id="accounts-heading"
        title={
          <span className="flex items-center gap-2">
            <PlatformMark platform={connection.platform} className="size-5 text-[9px] ring-0" />
            {connection.accounts.length === 1 ? 'One account' : `${connection.accounts.length} accounts`} shared with Herald
          </span>
        }
        description={reconnecting > 0 ? 'Accounts marked “reconnect” are already channels here: choosing them renews their access and releases posts waiting on them.' : undefined}
      />
      <AccountPicker platform={connection.platform} accounts={connection.accounts} selected={selected} onToggle={toggle} disabled={complete.isPending} />
      {complete.isError ? (
        <div className="px-5 pb-4">
          <Alert tone="error">{describeError(complete.error)}</Alert>
        </div>
      ) : null}
      <CardFooter>
        {channelsPath ? (
          <ButtonLink to={channelsPath} variant="secondary">
            Cancel
          </ButtonLink>
        ) : null}
        <Button onClick={() => complete.mutate()} disabled={count === 0} loading={complete.isPending} data-testid="connect-accounts">
          {count === 0 ? 'Choose an account' : `Connect ${count} account${count === 1 ? '' : 's'}`}
        </Button>
      </CardFooter>
    </Card>
  );
}

const FAILURE_REASONS: Record<string, { title: string; body: string }> = {
  invalid_state: {
    title: 'This sign-in link is invalid or has expired',
    body: 'Herald couldn’t match it to a connection you started. Links work once and for 10 minutes. Start connecting again from the channels page.',
  },
  other_browser: {
    title: 'Start again from Herald',
    body: 'This sign-in was started in another browser (or its link was shared), so Herald connected nothing. Sign in to Herald in this browser and press Connect on the channels page to link your account.',
  },
  missing_state: {
    title: 'The sign-in came back incomplete',
    body: 'The platform sent you back without the details Herald needs to finish. Start connecting again from the channels page.',
  },
};

/** `/connections/failed?reason=`: the platform sent the browser back with a link Herald can't use. */
export function ConnectionFailedPage() {
  const [params] = useSearchParams();
  const known = FAILURE_REASONS[params.get('reason') ?? ''];
  return (
    <ProblemPanel title={known?.title ?? 'This connection couldn’t be finished'} action={<LastChannelsLink />}>
      {known?.body ?? 'Something interrupted the sign-in with the platform. Nothing was connected. Start again from the channels page.'}
    </ProblemPanel>
  );
}

function ProblemPanel({ title, children, action }: { title: string; children: ReactNode; action: ReactNode }) {
  usePageTitle(title);
  return (
    <div className="flex flex-col items-center py-20 text-center" data-testid="connection-problem" role="alert">
      <div className="flex size-12 items-center justify-center rounded-xl bg-amber-50 text-amber-600 ring-1 ring-amber-100">
        <Link2Off className="size-6" aria-hidden />
      </div>
      <h1 className="mt-5 text-lg font-semibold text-zinc-900">{title}</h1>
      <p className="mt-1.5 max-w-md text-sm text-zinc-500">{children}</p>
      <div className="mt-6">{action}</div>
    </div>
  );
}

/** Back to the channels of the workspace you were last in, or to the dashboard when there is none. */
function LastChannelsLink() {
  const orgId = prefs.lastOrgId();
  const workspaceId = orgId ? prefs.lastWorkspaceId(orgId) : null;
  return orgId && workspaceId ? (
    <ButtonLink to={`/orgs/${orgId}/workspaces/${workspaceId}/channels`} variant="secondary" icon={ArrowLeft} data-testid="connection-back">
      Back to channels
    </ButtonLink>
  ) : (
    <ButtonLink to="/" variant="secondary" icon={ArrowLeft}>
      Go to dashboard
    </ButtonLink>
  );
}
