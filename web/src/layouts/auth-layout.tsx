import { CheckCircle2 } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Logo } from '../components/logo';
import { usePageTitle } from '../lib/page-title';

interface AuthLayoutProps {
  title: ReactNode;
  subtitle?: ReactNode;
  children: ReactNode;
  /** Below the form, e.g. "Don't have an account? Sign up". */
  footer?: ReactNode;
}

const POINTS = ['A workspace for every brand you manage', 'Your team, with the right role for each person', 'Every change kept in an activity log'];

/** Sign-in style pages: the form on the left, the brand panel on the right (wide screens only). */
export function AuthLayout({ title, subtitle, children, footer }: AuthLayoutProps) {
  usePageTitle(title);
  return (
    <div className="grid min-h-dvh bg-white lg:grid-cols-[minmax(0,1fr)_minmax(0,1.1fr)]">
      <main className="flex flex-col px-6 py-8 sm:px-10">
        <Link to="/" className="self-start rounded-lg">
          <Logo />
        </Link>
        <div className="flex flex-1 items-center justify-center py-10">
          <div className="w-full max-w-sm">
            <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">{title}</h1>
            {subtitle ? <p className="mt-2 text-sm text-zinc-500">{subtitle}</p> : null}
            <div className="mt-8">{children}</div>
            {footer ? <div className="mt-8 text-center text-sm text-zinc-500">{footer}</div> : null}
          </div>
        </div>
      </main>
      <aside className="relative hidden overflow-hidden bg-brand-950 lg:flex lg:flex-col lg:justify-center lg:px-16" aria-hidden>
        <div className="absolute -top-32 -right-32 size-96 rounded-full bg-brand-600/40 blur-3xl" />
        <div className="absolute -bottom-40 -left-20 size-96 rounded-full bg-amber-400/15 blur-3xl" />
        <div className="relative max-w-md">
          <p className="text-sm font-medium tracking-wide text-brand-300 uppercase">Herald</p>
          <p className="mt-4 text-3xl leading-tight font-semibold text-white">Your brands and your team, in one calm place.</p>
          <ul className="mt-10 space-y-4">
            {POINTS.map((point) => (
              <li key={point} className="flex items-center gap-3 text-brand-100">
                <CheckCircle2 className="size-5 shrink-0 text-amber-300" />
                {point}
              </li>
            ))}
          </ul>
        </div>
      </aside>
    </div>
  );
}

/** "or" between the password form and other ways to sign in. */
export function Divider({ children }: { children: ReactNode }) {
  return (
    <div className="my-6 flex items-center gap-3 text-xs font-medium tracking-wide text-zinc-400 uppercase">
      <span className="h-px flex-1 bg-zinc-200" />
      {children}
      <span className="h-px flex-1 bg-zinc-200" />
    </div>
  );
}
