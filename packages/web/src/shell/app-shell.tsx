import {
  Bullseye,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  MastheadToggle,
  Nav,
  NavItem,
  NavList,
  Page,
  PageSection,
  PageSidebar,
  PageSidebarBody,
  PageToggleButton,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import { Navigate, Outlet, useLocation } from 'react-router';
import type { CurrentUser } from '../api/kernel-types.ts';
import { ErrorState, LoadingState } from '../components/list-states.tsx';
import { AppSwitcher } from './app-switcher.tsx';
import { useCurrentUser } from './current-user.ts';
import { useRouterLink } from './router-link.ts';
import { ThemeToggle } from './theme-toggle.tsx';
import { UserMenu } from './user-menu.tsx';

export const adminNavigation = [
  { to: '/admin/users', label: 'Users & roles' },
  { to: '/tokens', label: 'API tokens' },
  { to: '/admin/audit', label: 'Audit log' },
  { to: '/admin/jobs', label: 'Jobs' },
] as const;

function SidebarLink({ to, label }: { to: string; label: string }) {
  const link = useRouterLink(to);
  const { pathname } = useLocation();
  return (
    <NavItem to={link.href} onClick={link.onClick} isActive={pathname.startsWith(to)}>
      {label}
    </NavItem>
  );
}

function Brand() {
  const home = useRouterLink('/');
  return (
    <MastheadLogo href={home.href} onClick={home.onClick} className="platform-brand">
      Platform
    </MastheadLogo>
  );
}

function Header({ user }: { user: CurrentUser }) {
  return (
    <Masthead>
      <MastheadMain>
        {user.isAdmin && (
          <MastheadToggle>
            <PageToggleButton isHamburgerButton aria-label="Platform administration navigation" />
          </MastheadToggle>
        )}
        <MastheadBrand>
          <Brand />
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight isStatic>
          <ToolbarContent>
            <ToolbarGroup align={{ default: 'alignEnd' }} gap={{ default: 'gapMd' }}>
              <ToolbarItem>
                <AppSwitcher />
              </ToolbarItem>
              <ToolbarItem>
                <ThemeToggle />
              </ToolbarItem>
              <ToolbarItem>
                <UserMenu user={user} />
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  );
}

function AdminSidebar() {
  return (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label="Platform administration">
          <NavList>
            {adminNavigation.map((item) => (
              <SidebarLink key={item.to} to={item.to} label={item.label} />
            ))}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
}

/** The signed-in layout: masthead, admin sidebar (admins only) and the page; anonymous visitors go to login. */
export function AppShell() {
  const me = useCurrentUser();
  const location = useLocation();

  if (me.isPending) {
    return (
      <Bullseye className="platform-fullscreen">
        <LoadingState label="Signing in" />
      </Bullseye>
    );
  }
  if (me.error?.status === 401) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (me.error) {
    return (
      <PageSection>
        <ErrorState error={me.error} onRetry={() => me.refetch()} />
      </PageSection>
    );
  }
  return (
    <Page
      masthead={<Header user={me.data} />}
      sidebar={me.data.isAdmin ? <AdminSidebar /> : undefined}
      isManagedSidebar
      defaultManagedSidebarIsOpen={me.data.isAdmin}
    >
      <Outlet context={me.data} />
    </Page>
  );
}
