import { useQuery } from '@tanstack/react-query';
import { RefreshCw, ServerCrash } from 'lucide-react';
import { Navigate, Outlet, useLocation, useSearchParams } from 'react-router';
import { describeError } from '../../api/errors';
import { Button } from '../../components/button';
import { PageLoader } from '../../components/spinner';
import { Logo } from '../../components/logo';
import { currentPath, safeReturnTo, withParams } from '../../lib/return-to';
import { authConfigQuery, restoreSession, useSession } from './session';

function FullPageMessage({ title, message, onRetry }: { title: string; message: string; onRetry: () => void }) {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 px-6 text-center">
      <Logo />
      <div className="flex size-12 items-center justify-center rounded-xl bg-red-50 text-red-600 ring-1 ring-red-100">
        <ServerCrash className="size-6" aria-hidden />
      </div>
      <div className="max-w-sm space-y-1.5">
        <h1 className="text-lg font-semibold text-zinc-900">{title}</h1>
        <p className="text-sm text-zinc-500">{message}</p>
      </div>
      <Button variant="secondary" icon={RefreshCw} onClick={onRetry}>
        Try again
      </Button>
    </main>
  );
}

/**
 * Wraps every page. While the instance has no owner yet, every visit goes to /setup; once it has one,
 * /setup is closed. Also waits for the session to be restored from the refresh cookie.
 */
export function AppGate() {
  const location = useLocation();
  const config = useQuery(authConfigQuery);
  const session = useSession();

  if (config.isPending || session.status === 'restoring') {
    return (
      <div className="flex min-h-dvh items-center justify-center">
        <PageLoader label="Starting Herald" />
      </div>
    );
  }
  if (config.isError) {
    return <FullPageMessage title="Herald isn’t responding" message={describeError(config.error)} onRetry={() => void config.refetch()} />;
  }
  if (session.status === 'unreachable') {
    return <FullPageMessage title="We couldn’t restore your session" message={session.problem ?? 'Herald isn’t responding.'} onRetry={() => void restoreSession()} />;
  }

  const onSetup = location.pathname === '/setup';
  if (config.data.needsSetup && !onSetup) return <Navigate to="/setup" replace />;
  if (!config.data.needsSetup && onSetup) return <Navigate to="/" replace />;
  return <Outlet />;
}

/** Pages for signed-in people: anyone else goes to log in, and comes back here afterwards. */
export function RequireAuth() {
  const session = useSession();
  const location = useLocation();
  if (session.status !== 'signedIn') {
    const returnTo = currentPath(location);
    return <Navigate to={withParams('/login', { returnTo: returnTo === '/' ? null : returnTo, expired: session.expired ? '1' : null })} replace />;
  }
  return <Outlet />;
}

/** Log-in and sign-up pages: someone already signed in goes on to where they were heading. */
export function GuestOnly() {
  const session = useSession();
  const [params] = useSearchParams();
  if (session.status === 'signedIn') return <Navigate to={safeReturnTo(params.get('returnTo'))} replace />;
  return <Outlet />;
}
