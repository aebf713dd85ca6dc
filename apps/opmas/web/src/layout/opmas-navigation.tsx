import { Nav, NavItem, NavList } from '@patternfly/react-core';
import { useRouterLink } from '@platform/web/shell/router-link.ts';
import { useLocation } from 'react-router';

/** The app's pages (spec 02-opmas "Web UI"): the ones the portal carries so far. */
export const opmasNavigation = [
  { to: '/opmas/findings', label: 'Findings' },
  { to: '/opmas/rules', label: 'Rules' },
  { to: '/opmas/devices', label: 'Devices' },
  { to: '/opmas/actions', label: 'Actions' },
] as const;

function NavigationLink({ to, label }: { to: string; label: string }) {
  const link = useRouterLink(to);
  const { pathname } = useLocation();
  return (
    <NavItem to={link.href} onClick={link.onClick} isActive={pathname.startsWith(to)}>
      {label}
    </NavItem>
  );
}

/** The app's own navigation: the portal shell has no per-app sidebar, so the app layout carries it. */
export function OpmasNavigation() {
  return (
    <Nav aria-label="OPMAS">
      <NavList>
        {opmasNavigation.map((item) => (
          <NavigationLink key={item.to} to={item.to} label={item.label} />
        ))}
      </NavList>
    </Nav>
  );
}
