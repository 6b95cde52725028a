import { clsx } from 'clsx';
import type { LucideIcon } from 'lucide-react';
import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ComponentProps, type KeyboardEvent, type ReactNode } from 'react';
import { Link } from 'react-router';

const MenuContext = createContext<{ close: () => void } | null>(null);

interface MenuProps {
  /** Contents of the trigger button. */
  trigger: ReactNode;
  triggerClassName?: string;
  triggerProps?: Omit<ComponentProps<'button'>, 'children' | 'className' | 'onClick' | 'ref'> & { 'data-testid'?: string };
  children: ReactNode;
  align?: 'start' | 'end';
  side?: 'below' | 'above';
  panelClassName?: string;
}

function items(panel: HTMLElement | null): HTMLElement[] {
  return panel ? Array.from(panel.querySelectorAll<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')) : [];
}

/** A dropdown menu button (ARIA menu pattern): arrows move, Escape closes, focus returns to the trigger. */
export function Menu({ trigger, triggerClassName, triggerProps, children, align = 'start', side = 'below', panelClassName }: MenuProps) {
  const [open, setOpen] = useState(false);
  const [focusFirst, setFocusFirst] = useState<'first' | 'last' | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const panelId = useId();

  const close = useCallback((refocus = false) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  }, []);

  useEffect(() => {
    if (!open) return undefined;
    const onPointer = (event: MouseEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onPointer);
    return () => document.removeEventListener('mousedown', onPointer);
  }, [open]);

  useEffect(() => {
    if (!open || !focusFirst) return;
    const list = items(panelRef.current);
    (focusFirst === 'first' ? list[0] : list[list.length - 1])?.focus();
    setFocusFirst(null);
  }, [open, focusFirst]);

  const onTriggerKey = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
      setFocusFirst(event.key === 'ArrowDown' ? 'first' : 'last');
    }
  };

  const onPanelKey = (event: KeyboardEvent) => {
    const list = items(panelRef.current);
    const index = list.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      list[(index + 1) % list.length]?.focus();
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      list[(index - 1 + list.length) % list.length]?.focus();
    } else if (event.key === 'Home') {
      event.preventDefault();
      list[0]?.focus();
    } else if (event.key === 'End') {
      event.preventDefault();
      list[list.length - 1]?.focus();
    } else if (event.key === 'Tab') {
      close();
    }
  };

  return (
    <MenuContext.Provider value={{ close: () => close(false) }}>
      <div ref={rootRef} className="relative">
        <button
          ref={buttonRef}
          type="button"
          aria-haspopup="menu"
          aria-expanded={open}
          aria-controls={open ? panelId : undefined}
          className={triggerClassName}
          onClick={() => {
            setOpen((was) => !was);
            setFocusFirst(null);
          }}
          onKeyDown={onTriggerKey}
          {...triggerProps}
        >
          {trigger}
        </button>
        {open ? (
          <div
            ref={panelRef}
            id={panelId}
            role="menu"
            onKeyDown={onPanelKey}
            className={clsx(
              'absolute z-40 min-w-56 animate-fade-in overflow-hidden rounded-xl bg-white p-1 shadow-lg ring-1 ring-zinc-900/10',
              align === 'start' ? 'left-0' : 'right-0',
              side === 'below' ? 'top-full mt-1.5' : 'bottom-full mb-1.5',
              panelClassName,
            )}
          >
            {children}
          </div>
        ) : null}
      </div>
    </MenuContext.Provider>
  );
}

const itemClasses = 'flex w-full items-center gap-2.5 rounded-lg px-2.5 py-2 text-left text-sm text-zinc-700 outline-none hover:bg-zinc-100 hover:text-zinc-900 focus-visible:bg-zinc-100 focus-visible:outline-none';

interface MenuItemProps extends Omit<ComponentProps<'button'>, 'role'> {
  icon?: LucideIcon;
  /** Marks the current choice (e.g. the organization you are in). */
  selected?: boolean;
}

export function MenuItem({ icon: Icon, selected, className, onClick, children, ...props }: MenuItemProps) {
  const menu = useContext(MenuContext);
  return (
    <button
      type="button"
      role="menuitem"
      tabIndex={-1}
      aria-current={selected || undefined}
      className={clsx(itemClasses, selected && 'bg-brand-50/60 text-brand-800', className)}
      onClick={(event) => {
        menu?.close();
        onClick?.(event);
      }}
      {...props}
    >
      {Icon ? <Icon className="size-4 shrink-0 text-zinc-400" aria-hidden /> : null}
      {children}
    </button>
  );
}

interface MenuLinkProps extends Omit<ComponentProps<typeof Link>, 'role'> {
  icon?: LucideIcon;
  selected?: boolean;
}

export function MenuLink({ icon: Icon, selected, className, onClick, children, ...props }: MenuLinkProps) {
  const menu = useContext(MenuContext);
  return (
    <Link
      role="menuitem"
      tabIndex={-1}
      aria-current={selected ? 'page' : undefined}
      className={clsx(itemClasses, selected && 'bg-brand-50/60 text-brand-800', className)}
      onClick={(event) => {
        menu?.close();
        onClick?.(event);
      }}
      {...props}
    >
      {Icon ? <Icon className="size-4 shrink-0 text-zinc-400" aria-hidden /> : null}
      {children}
    </Link>
  );
}

export function MenuLabel({ children }: { children: ReactNode }) {
  return <div className="px-2.5 pt-2 pb-1 text-xs font-medium tracking-wide text-zinc-400 uppercase">{children}</div>;
}

export function MenuSeparator() {
  return <div role="separator" className="my-1 h-px bg-zinc-100" />;
}
