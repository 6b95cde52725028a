import { BookOpen, ChevronDown, LogOut, UserRound } from 'lucide-react';
import { useNavigate } from 'react-router';
import { Avatar } from '../../components/avatar';
import { Menu, MenuItem, MenuLink, MenuSeparator } from '../../components/menu';
import { Skeleton } from '../../components/spinner';
import { useLogOut, useMe } from './session';

export function UserMenu() {
  const me = useMe();
  const logOut = useLogOut();
  const navigate = useNavigate();
  const user = me.data?.user;

  if (!user) return <Skeleton className="size-8 rounded-full" />;

  return (
    <Menu
      align="end"
      triggerClassName="flex items-center gap-2 rounded-full p-0.5 pr-1 transition-colors hover:bg-zinc-100 aria-expanded:bg-zinc-100 sm:pr-2"
      triggerProps={{ 'data-testid': 'user-menu', 'aria-label': `Account menu for ${user.name}` }}
      trigger={
        <>
          <Avatar name={user.name} seed={user.id} size="sm" />
          <span className="hidden max-w-40 truncate text-sm font-medium text-zinc-700 sm:block">{user.name}</span>
          <ChevronDown className="hidden size-4 text-zinc-400 sm:block" aria-hidden />
        </>
      }
    >
      <div className="px-2.5 py-2">
        <p className="truncate text-sm font-medium text-zinc-900">{user.name}</p>
        <p className="truncate text-xs text-zinc-500">{user.email}</p>
      </div>
      <MenuSeparator />
      <MenuLink to="/profile" icon={UserRound}>
        Profile
      </MenuLink>
      <MenuItem icon={BookOpen} onClick={() => window.open('/docs', '_blank', 'noopener')}>
        API documentation
      </MenuItem>
      <MenuSeparator />
      <MenuItem
        icon={LogOut}
        data-testid="logout"
        onClick={() => {
          void logOut().then(() => navigate('/login', { replace: true }));
        }}
      >
        Log out
      </MenuItem>
    </Menu>
  );
}
