import { clsx } from 'clsx';
import { CalendarDays, History, Images, LayoutGrid, ListChecks, Menu as MenuIcon, PenSquare, Radio, Settings, SlidersHorizontal, Users, X, type LucideIcon } from 'lucide-react';
import { useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { Link, NavLink, Outlet, useLocation, useParams } from 'react-router';
import type { Permission } from '../api/types';
import { IconButton } from '../components/button';
import { Logo } from '../components/logo';
import { OrgSwitcher } from '../features/orgs/org-switcher';
import { NotificationsBell } from '../features/notifications/notifications-bell';
import { useOrg } from '../features/orgs/queries';
import { useMe } from '../features/session/session';
import { UserMenu } from '../features/session/user-menu';
import { useWorkspaces } from '../features/workspaces/queries';
import { WorkspaceSwitcher } from '../features/workspaces/workspace-switcher';
import { prefs } from '../lib/prefs';

interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
  end?: boolean;
  testId?: string;
}

function NavSection({ title, items }: { title?: string; items: NavItem[] }) {
  if (items.length === 0) return null;
  return (
    <div>
      {title ? <h2 className="px-2.5 pb-1.5 text-xs font-medium tracking-wide text-zinc-400 uppercase">{title}</h2> : null}
      <ul className="space-y-0.5">
        {items.map((item) => (
          <li key={item.to}>
            <NavLink
              to={item.to}
              end={item.end}
              data-testid={item.testId}
              className={({ isActive }) =>
                clsx(
                  'flex items-center gap-2.5 rounded-lg px-2.5 py-2 text-sm font-medium transition-colors',
                  isActive ? 'bg-brand-50 text-brand-800' : 'text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900',
                )
              }
            >
              {({ isActive }) => (
                <>
                  <item.icon className={clsx('size-4.5 shrink-0', isActive ? 'text-brand-600' : 'text-zinc-400')} aria-hidden />
                  {item.label}
                </>
              )}
            </NavLink>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The organization shown in the sidebar: the one in the URL when you belong to it, else the last one
 * visited, else your first (so an unknown org in the URL still leaves a working sidebar).
 */
function useShellOrgId(): string | undefined {
  const params = useParams();
  const me = useMe();
  const memberships = me.data?.memberships ?? [];
  const isMine = (id: string | null | undefined) => memberships.some((m) => m.organization.id === id);
  if (isMine(params.orgId)) return params.orgId;
  const last = prefs.lastOrgId();
  return isMine(last) ? (last ?? undefined) : memberships[0]?.organization.id;
}

function Sidebar() {
  const params = useParams();
  const orgId = useShellOrgId();
  const org = useOrg(orgId);
  const workspaces = useWorkspaces(orgId);
  const can = (action: Permission) => org.data?.permissions.includes(action) ?? false;

  const rememberedId = orgId ? (params.workspaceId ?? prefs.lastWorkspaceId(orgId)) : undefined;
  const currentWorkspace = workspaces.data?.find((w) => w.id === rememberedId);

  // Workspace-level features; analytics joins this list when it ships.
  const workspaceBase = currentWorkspace && orgId ? `/orgs/${orgId}/workspaces/${currentWorkspace.id}` : null;
  const workspaceNav: NavItem[] = workspaceBase
    ? [
        ...(can('posts.write') ? [{ to: `${workspaceBase}/compose`, label: 'New post', icon: PenSquare, testId: 'nav-compose' }] : []),
        { to: `${workspaceBase}/calendar`, label: 'Calendar', icon: CalendarDays, testId: 'nav-calendar' },
        { to: `${workspaceBase}/posts`, label: 'Posts', icon: ListChecks, testId: 'nav-posts' },
        { to: `${workspaceBase}/channels`, label: 'Channels', icon: Radio, testId: 'nav-channels' },
        { to: `${workspaceBase}/media`, label: 'Media library', icon: Images, testId: 'nav-media' },
        { to: `${workspaceBase}/settings`, label: 'Brand settings', icon: SlidersHorizontal, testId: 'nav-workspace-settings' },
      ]
    : [];

  const orgNav: NavItem[] = orgId
    ? [
        { to: `/orgs/${orgId}`, label: 'Workspaces', icon: LayoutGrid, end: true, testId: 'nav-workspaces' },
        { to: `/orgs/${orgId}/members`, label: 'Members', icon: Users, testId: 'nav-members' },
        ...(can('audit.read') ? [{ to: `/orgs/${orgId}/activity`, label: 'Activity', icon: History, testId: 'nav-activity' }] : []),
        ...(can('org.update') || can('org.delete') || can('org.leave') ? [{ to: `/orgs/${orgId}/settings`, label: 'Settings', icon: Settings, testId: 'nav-org-settings' }] : []),
      ]
    : [];

  return (
    <div className="flex h-full flex-col">
      <div className="flex h-16 shrink-0 items-center px-5">
        <Link to="/" className="rounded-lg">
          <Logo />
        </Link>
      </div>
      <div className="px-3">
        <OrgSwitcher orgId={orgId} />
      </div>
      <nav aria-label="Main" className="mt-4 flex-1 space-y-6 overflow-y-auto px-3 pb-6">
        {orgId ? (
          <div className="space-y-2">
            <h2 className="px-2.5 text-xs font-medium tracking-wide text-zinc-400 uppercase">Workspace</h2>
            <WorkspaceSwitcher orgId={orgId} workspaces={workspaces.data} failed={workspaces.isError} current={currentWorkspace} canCreate={can('workspaces.create')} />
            {workspaceNav.length > 0 ? <NavSection items={workspaceNav} /> : null}
          </div>
        ) : null}
        <NavSection title="Organization" items={orgNav} />
      </nav>
    </div>
  );
}

function TopBar({ onOpenMenu, children }: { onOpenMenu: () => void; children?: ReactNode }) {
  return (
    <header className="sticky top-0 z-20 flex h-14 shrink-0 items-center gap-3 border-b border-zinc-200 bg-white/85 px-3 backdrop-blur sm:h-16 sm:px-8">
      <IconButton icon={MenuIcon} label="Open navigation" onClick={onOpenMenu} className="sm:hidden" aria-controls="sidebar" data-testid="open-nav" />
      <Link to="/" className="rounded-lg sm:hidden">
        <Logo withWord={false} className="[&_svg]:size-7" />
      </Link>
      <div className="min-w-0 flex-1">{children}</div>
      <NotificationsBell />
      <UserMenu />
    </header>
  );
}

/** Where you are: organization › workspace, shown in the top bar. */
function Breadcrumb() {
  const params = useParams();
  const orgId = useShellOrgId();
  const me = useMe();
  const workspaces = useWorkspaces(orgId);
  const orgName = me.data?.memberships.find((m) => m.organization.id === orgId)?.organization.name;
  const workspace = workspaces.data?.find((w) => w.id === params.workspaceId);
  if (!params.orgId || params.orgId !== orgId || !orgName) return null;
  return (
    <nav aria-label="Breadcrumb" className="hidden min-w-0 sm:block">
      <ol className="flex min-w-0 items-center gap-2 text-sm">
        <li className="min-w-0">
          <Link to={`/orgs/${params.orgId}`} className={clsx('block truncate', workspace ? 'text-zinc-500 hover:text-zinc-800' : 'font-medium text-zinc-800')}>
            {orgName}
          </Link>
        </li>
        {workspace ? (
          <>
            <li aria-hidden className="text-zinc-300">
              /
            </li>
            <li className="min-w-0 truncate font-medium text-zinc-800" aria-current="page">
              {workspace.name}
            </li>
          </>
        ) : null}
      </ol>
    </nav>
  );
}

const PHONE_QUERY = '(max-width: 640px)';

/** True at phone widths (640px and narrower), where the sidebar becomes a drawer. */
function useIsPhone(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const query = window.matchMedia(PHONE_QUERY);
      query.addEventListener('change', onChange);
      return () => query.removeEventListener('change', onChange);
    },
    () => window.matchMedia(PHONE_QUERY).matches,
  );
}

/** The signed-in frame: sidebar (a drawer on phones), top bar, and the page. */
export function AppShell() {
  const [drawerOpen, setDrawerOpen] = useState(false);
  const isPhone = useIsPhone();
  const location = useLocation();

  useEffect(() => setDrawerOpen(false), [location.pathname]);

  useEffect(() => {
    if (!drawerOpen) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setDrawerOpen(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [drawerOpen]);

  return (
    <div className="min-h-dvh sm:grid sm:grid-cols-[16rem_minmax(0,1fr)]">
      <a href="#main" className="sr-only z-50 rounded-lg bg-white px-3 py-2 text-sm font-medium focus:not-sr-only focus:fixed focus:top-3 focus:left-3">
        Skip to content
      </a>
      {drawerOpen ? <div className="fixed inset-0 z-30 animate-fade-in bg-zinc-900/40 sm:hidden" onClick={() => setDrawerOpen(false)} aria-hidden /> : null}
      {/*
        One sidebar for every width: an off-canvas drawer on phones; on wider screens a grid column whose
        white background and border run the page's whole length, with the sidebar itself sticky in it.
      */}
      <div className="sm:border-r sm:border-zinc-200 sm:bg-white" data-testid="sidebar-column">
        <aside
          id="sidebar"
          aria-label="Sidebar"
          inert={isPhone && !drawerOpen}
          className={clsx(
            'fixed inset-y-0 left-0 z-40 w-72 max-w-[85vw] border-r border-zinc-200 bg-white transition-transform duration-200 sm:sticky sm:top-0 sm:z-30 sm:h-dvh sm:w-auto sm:max-w-none sm:translate-x-0 sm:border-r-0',
            drawerOpen ? 'translate-x-0 shadow-xl' : '-translate-x-full',
          )}
        >
          {drawerOpen ? <IconButton icon={X} label="Close navigation" onClick={() => setDrawerOpen(false)} className="absolute top-3.5 right-3 z-10 sm:hidden" autoFocus /> : null}
          <Sidebar />
        </aside>
      </div>
      <div className="flex min-h-dvh min-w-0 flex-col">
        <TopBar onOpenMenu={() => setDrawerOpen(true)}>
          <Breadcrumb />
        </TopBar>
        <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6 sm:px-8 sm:py-10">
          <Outlet />
        </main>
      </div>
    </div>
  );
}
