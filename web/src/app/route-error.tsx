import { RefreshCw, TriangleAlert } from 'lucide-react';
import { isRouteErrorResponse, useRouteError } from 'react-router';
import { Button } from '../components/button';
import { Logo } from '../components/logo';
import { NotFoundPage } from '../pages/not-found-page';

/** Last line of defence when a page throws while rendering. */
export function RouteError() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  if (import.meta.env.DEV) console.error(error);
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 px-6 text-center" role="alert">
      <Logo />
      <div className="flex size-12 items-center justify-center rounded-xl bg-amber-50 text-amber-600 ring-1 ring-amber-100">
        <TriangleAlert className="size-6" aria-hidden />
      </div>
      <div className="max-w-sm space-y-1.5">
        <h1 className="text-lg font-semibold text-zinc-900">Something went wrong</h1>
        <p className="text-sm text-zinc-500">This page ran into a problem. Reloading usually fixes it; your work on the server is safe.</p>
      </div>
      <Button variant="secondary" icon={RefreshCw} onClick={() => window.location.reload()}>
        Reload page
      </Button>
    </main>
  );
}
