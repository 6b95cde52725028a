import { Compass } from 'lucide-react';
import { Link } from 'react-router';
import { ButtonLink } from '../components/button';
import { Logo } from '../components/logo';
import { usePageTitle } from '../lib/page-title';

/** The 404 page for any unknown address. */
export function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-6 text-center" data-testid="not-found">
      <Link to="/" className="mb-12 rounded-lg">
        <Logo />
      </Link>
      <div className="flex size-14 items-center justify-center rounded-2xl bg-brand-50 text-brand-600 ring-1 ring-brand-100">
        <Compass className="size-7" aria-hidden />
      </div>
      <p className="mt-6 text-sm font-semibold text-brand-700">404</p>
      <h1 className="mt-1 text-2xl font-semibold tracking-tight text-zinc-900">We can’t find that page</h1>
      <p className="mt-2 max-w-sm text-sm text-zinc-500">The link may be broken, or the page may have moved. Check the address, or head back to your dashboard.</p>
      <ButtonLink to="/" className="mt-8">
        Go to dashboard
      </ButtonLink>
    </main>
  );
}

/** A missing organization or workspace, shown inside the app frame. */
export function NotFoundPanel({ title, message }: { title: string; message: string }) {
  usePageTitle(title);
  return (
    <div className="flex flex-col items-center py-20 text-center" data-testid="not-found">
      <div className="flex size-12 items-center justify-center rounded-xl bg-zinc-100 text-zinc-500">
        <Compass className="size-6" aria-hidden />
      </div>
      <h1 className="mt-5 text-lg font-semibold text-zinc-900">{title}</h1>
      <p className="mt-1.5 max-w-sm text-sm text-zinc-500">{message}</p>
      <ButtonLink to="/" variant="secondary" className="mt-6">
        Go to dashboard
      </ButtonLink>
    </div>
  );
}
